"""Encryption at rest for everything that stores data outside S3 (buckets: policy.rules.buckets)."""
from __future__ import annotations

from .model import Resource, Rule, known
from .values import as_list, is_set

VOLUME = "aws:ebs/volume:Volume"
INSTANCE = "aws:ec2/instance:Instance"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
EFS = "aws:efs/fileSystem:FileSystem"
SNS_TOPIC = "aws:sns/topic:Topic"


def encryption_problems(resource: Resource) -> list[str]:
    """An unencrypted volume or database is readable from any snapshot or copy of it; AWS only
    encrypts these when asked (or when the account's default is on, which a program cannot see)."""
    if resource.type == VOLUME:
        return [] if is_set(resource.get("encrypted")) else ["encrypted is not true"]
    if resource.type == INSTANCE:
        problems = []
        root = resource.get("rootBlockDevice")
        if known(root) and not is_set((root or {}).get("encrypted")):
            problems.append("rootBlockDevice.encrypted is not true (the root disk holds the cloud-init and Docker state)")
        for i, device in enumerate(as_list(resource.get("ebsBlockDevices"))):
            if known(device) and not is_set(device.get("encrypted")):
                problems.append(f"ebsBlockDevices[{i}].encrypted is not true")
        return problems
    if resource.type in (RDS_INSTANCE, RDS_CLUSTER):
        return [] if is_set(resource.get("storageEncrypted")) else ["storageEncrypted is not true"]
    if resource.type == EFS:
        return [] if is_set(resource.get("encrypted")) else ["encrypted is not true"]
    if resource.type == SNS_TOPIC:
        # Alarm messages name resources and can carry log excerpts.
        return [] if resource.get("kmsMasterKeyId") else ["kmsMasterKeyId is not set"]
    return []


RULES = [
    Rule(name="encrypted-at-rest",
         description="encrypt it: encrypted=True on EBS volumes, root_block_device/ebs_block_devices and EFS, "
                     "storage_encrypted=True on RDS, kms_master_key_id on SNS topics",
         types=frozenset({VOLUME, INSTANCE, RDS_INSTANCE, RDS_CLUSTER, EFS, SNS_TOPIC}), check=encryption_problems),
]
