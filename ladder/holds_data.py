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


# What to do before a move deletes or replaces one; anything else: back it up or migrate it first.
ADVICE: dict[str, str] = {
    "aws:ebs/volume:Volume": "snapshot it and move the data first",
    "aws:kms/key:Key": "keep it until nothing is encrypted with it: once deleted, what it encrypted is unreadable",
    "aws:s3/bucket:Bucket": "keep the bucket (retain it) or copy the backup sets elsewhere first",
    "aws:s3/bucketV2:BucketV2": "keep the bucket (retain it) or copy the backup sets elsewhere first",
    "aws:ssm/parameter:Parameter": "make sure the value is stored elsewhere first",
    "aws:secretsmanager/secret:Secret": "make sure the value is stored elsewhere first",
    "random:index/randomPassword:RandomPassword": "a new password is generated: the rollout must set it where the old one was",
}


def holds_data(record: dict) -> bool:
    """A plan record (ladder.plan) that holds data: by type, or because the program protects it. A bucket
    the program itself empties on delete (force_destroy, unprotected) holds only what it regenerates: the
    delivery's artifacts, which step 7 no longer renders (the host gets no new rollout there)."""
    kept = bool(record.get("protect") or record.get("retain_on_delete"))
    if record["type"] in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2") and not kept \
            and record.get("inputs", {}).get("forceDestroy") is True:
        return False
    return record["type"] in DATA_TYPES or kept


def what_it_holds(record: dict) -> str:
    return DATA_TYPES.get(record["type"], "data (the program protects it)")


def advice(record: dict) -> str:
    return ADVICE.get(record["type"], "back it up or migrate it first")
