"""IAM and bucket policy documents and lifecycle rules for the backups: pure functions, config in,
JSON-ready dicts out."""
from __future__ import annotations

from components.backup.alarms import metric_statement

BACKUP_PREFIX = "odoo"
# odoo-backup tags a set's objects with this once more than `keep_sets` newer complete sets exist;
# only tagged objects ever expire, so when backups stop, the last sets stay (see docs/backup.md).
EXPIRE_TAG = {"key": "odoo-ladder-expire", "value": "yes"}
KEEP_SETS = 7


def host_backup_policy(bucket_arn: str, key_arn: str, prefix: str = BACKUP_PREFIX, metrics: bool = False) -> dict:
    """The host may add sets, tag old sets for expiry and tidy its own unfinished uploads; it may not
    read a set back (no s3:GetObject: restores use the restore role, `restore_role_policy`). It may not delete, nor touch versions, retention or the bucket's settings:
    Object Lock keeps every version for keep_days whatever the host does. With `metrics`, it reports
    each run's outcome to CloudWatch (components/backup/alarms.py)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "WriteReadAndReleaseSets", "Effect": "Allow",
             "Action": ["s3:PutObject", "s3:PutObjectTagging", "s3:GetObjectTagging",
                        "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
             "Resource": [f"{bucket_arn}/{prefix}/*"]},
            {"Sid": "ListSets", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [bucket_arn],
             "Condition": {"StringLike": {"s3:prefix": [f"{prefix}/*", prefix]}}},
            {"Sid": "FindUnfinishedUploads", "Effect": "Allow", "Action": ["s3:ListBucketMultipartUploads"],
             "Resource": [bucket_arn]},
            # SSE-KMS: S3 asks KMS for a data key on upload, and decrypts it for each part of a multipart
            # upload. Without s3:GetObject this reads nothing back (components/backup/key_policy.py).
            {"Sid": "UseTheBackupKeyThroughS3", "Effect": "Allow",
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": [key_arn]},
        ],
    }
    if metrics:
        policy["Statement"].append(metric_statement())
    return policy


def restore_role_policy(bucket_arn: str, key_arn: str, prefix: str = BACKUP_PREFIX) -> dict:
    """The restore role reads sets (every version) and lists them; it writes nothing."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadSets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
             "Resource": [f"{bucket_arn}/{prefix}/*"]},
            {"Sid": "ListSets", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
             "Resource": [bucket_arn], "Condition": {"StringLike": {"s3:prefix": [f"{prefix}/*", prefix]}}},
            {"Sid": "DecryptThroughS3", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key_arn]},
        ],
    }


def restore_role_trust(account_id: str, host_role_arn: str) -> dict:
    """Principals of the account whose own policies allow it (operators) may assume the restore role;
    the host's role never, even if someone grants it sts:AssumeRole later."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "OperatorsOfTheAccount", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}},
            {"Sid": "NeverTheHost", "Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"},
             "Condition": {"ArnLike": {"aws:PrincipalArn": host_role_arn}}},
        ],
    }


def backup_bucket_policy(bucket_arn: str, host_role_arn: str) -> dict:
    """TLS only, and the host never reads an object back, whatever policy its role gains later."""
    policy = tls_only_bucket_policy(bucket_arn)
    policy["Statement"].append(
        {"Sid": "HostNeverReadsSetsBack", "Effect": "Deny", "Principal": "*",
         "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": [f"{bucket_arn}/*"],
         "Condition": {"ArnLike": {"aws:PrincipalArn": host_role_arn}}})
    return policy


def tls_only_bucket_policy(bucket_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [bucket_arn, f"{bucket_arn}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
    }


def lifecycle_rules(keep_days: int, cold_after_days: int | None, prefix: str = BACKUP_PREFIX) -> list[dict]:
    """Age alone never expires a set: only objects odoo-backup tagged (sets older than the newest
    KEEP_SETS complete ones) expire, keep_days after they were written. Old versions (an overwrite,
    an expired set) are kept as long again; unfinished uploads go after two days."""
    released = {
        "id": "expire-released-sets",
        "status": "Enabled",
        "filter": {"and": {"prefix": f"{prefix}/", "tags": {EXPIRE_TAG["key"]: EXPIRE_TAG["value"]}}},
        "expiration": {"days": keep_days},
    }
    tidy = {
        "id": "keep-old-versions-then-tidy",
        "status": "Enabled",
        "filter": {"prefix": f"{prefix}/"},
        "noncurrent_version_expiration": {"noncurrent_days": keep_days},
        "abort_incomplete_multipart_upload": {"days_after_initiation": 2},
    }
    if cold_after_days is not None:
        tidy["transitions"] = [{"days": cold_after_days, "storage_class": "STANDARD_IA"}]
    return [released, tidy]


def backup_task_role_name(stack: str) -> str:
    """Step 7's backup task role (components/cluster/backup_task.py): a fixed name (64 characters at most
    for a 40-character stack name, configs/stack_name.py), so the backup key's policy can name it by ARN
    before it exists (a condition on aws:PrincipalArn)."""
    return f"odoo-ladder-{stack}-backup-task"


def restore_task_role_name(stack: str) -> str:
    """Step 7's restore task role (components/cluster/restore_task.py), named for the same reason as the
    backup task's; "-restore" keeps it within IAM's 64 characters for a 40-character stack name."""
    return f"odoo-ladder-{stack}-restore"
