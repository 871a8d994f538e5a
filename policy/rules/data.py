"""What holds data survives a `pulumi destroy`, a rename or a replacement: protected or retained."""
from __future__ import annotations

from ladder.holds_data import DATA_TYPES

from .buckets import BUCKETS, holds_backups
from .model import Resource, Rule
from .values import is_set

# The types that must be protected or retained (the volume, bucket, key, parameter/secret, RDS,
# EFS). ladder.holds_data lists more that hold data (generated passwords, log groups, images): `ladder
# diff` warns before one goes, but they are re-created or re-pushed rather than kept.
MUST_SURVIVE = frozenset({
    "aws:ebs/volume:Volume", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:kms/key:Key",
    "aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret", "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster", "aws:efs/fileSystem:FileSystem",
})
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
    return [f"it holds {DATA_TYPES.get(resource.type, 'the database')} and has no {seen}"]


RULES = [
    Rule(name="data-protected",
         description="register it with ResourceOptions(protect=True, retain_on_delete=True) (RDS: or "
                     "deletion_protection=True); a bucket whose contents are disposable says so with force_destroy=True",
         types=MUST_SURVIVE, check=protection_problems),
]
