
# a SAS URL of the container that expires after AZURE_URL_EXPIRATION_SECS seconds.