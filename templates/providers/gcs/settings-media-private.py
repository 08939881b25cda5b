
# a signed URL of the bucket that expires after GS_EXPIRATION seconds.