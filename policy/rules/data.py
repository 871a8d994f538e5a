"""What holds data survives a `pulumi destroy`, a rename or a replacement: protected or retained."""
from __future__ import annotations

from .buckets import BUCKETS, holds_backups
from .model import Resource, Rule
from .values import is_set

# What each type holds, said in the violation.
HOLDS = {
    "aws:ebs/volume:Volume": "the PostgreSQL data and the filestore",
    "aws:s3/bucket:Bucket": "objects",
    "aws:s3/bucketV2:BucketV2": "objects",
    "aws:kms/key:Key": "the key the stack's secrets are encrypted with",
    "aws:ssm/parameter:Parameter": "a stored secret",
    "aws:secretsmanager/secret:Secret": "a stored secret",
    "aws:rds/instance:Instance": "the database",
    "aws:rds/cluster:Cluster": "the database",
    "aws:efs/fileSystem:FileSystem": "the shared filestore",
}
# The service's own protection counts too.
SERVICE_PROTECTION = {"aws:rds/instance:Instance": "deletionProtection", "aws:rds/cluster:Cluster": "deletionProtection"}


def protection_problems(resource: Resource) -> list[str]:
    if resource.protect or resource.retain_on_delete:
        return []
    if resource.type in SERVICE_PROTECTION and is_set(resource.get(SERVICE_PROTECTION[resource.type])):
        return []
    if resource.type in BUCKETS and resource.get("forceDestroy") is True and not holds_backups(resource):
        return []  # the program declares the contents disposable (the delivery's bundle cache)
    seen = "protect" if resource.retain_on_delete is None else "protect or retain_on_delete"
    return [f"it holds {HOLDS[resource.type]} and has no {seen}"]


RULES = [
    Rule(name="data-protected",
         description="register it with ResourceOptions(protect=True, retain_on_delete=True) (RDS: or "
                     "deletion_protection=True); a bucket whose contents are disposable says so with force_destroy=True",
         types=frozenset(HOLDS), check=protection_problems),
]
