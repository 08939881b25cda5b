
# a signed URL of the bucket that expires after AWS_QUERYSTRING_EXPIRE seconds.