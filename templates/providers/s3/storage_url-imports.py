from boto3.s3.transfer import TransferConfig
from botocore.config import Config
