
ACCEPTED = "file:FOLDER (local disk)"