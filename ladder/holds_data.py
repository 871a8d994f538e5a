"""Which resources hold something a user would lose if it went: the one list `ladder diff` and the tests share.

Protection is not the test: the stack's KMS key, the parameters and secrets it encrypts and the
generated passwords are not protected today, yet deleting or replacing any of them loses data
(a deleted key makes every value it encrypted unreadable after the waiting period; a replaced
password no longer opens the database it was set on).
"""
from __future__ import annotations

DATA_TYPES: dict[str, str] = {
    "aws:ebs/volume:Volume": "the PostgreSQL data and the filestore",
    "aws:kms/key:Key": "the key the stack's secrets are encrypted with",
    "aws:ssm/parameter:Parameter": "a stored secret",
    "aws:secretsmanager/secret:Secret": "a stored secret",
    "aws:secretsmanager/secretVersion:SecretVersion": "a stored secret's value",
    "aws:s3/bucket:Bucket": "the backup sets",
    "aws:s3/bucketV2:BucketV2": "the backup sets",
    "random:index/randomPassword:RandomPassword": "a generated password in use by the database or Odoo",
    "aws:cloudwatch/logGroup:LogGroup": "the shipped logs",
    # Steps 5-7, so the list is right when they are built.
    "aws:rds/instance:Instance": "the database",
    "aws:efs/fileSystem:FileSystem": "the shared filestore",
    "aws:ecr/repository:Repository": "the built Odoo images",
}


def holds_data(record: dict) -> bool:
    """A plan record (ladder.plan) that holds data: by type, or because the program protects it."""
    return record["type"] in DATA_TYPES or bool(record.get("protect") or record.get("retain_on_delete"))


def what_it_holds(record: dict) -> str:
    return DATA_TYPES.get(record["type"], "data (the program protects it)")
