"""IAM and bucket policy documents for the backups: pure functions, config in, JSON-ready dicts out."""
from __future__ import annotations

BACKUP_PREFIX = "odoo"


def host_backup_policy(bucket_arn: str, prefix: str = BACKUP_PREFIX) -> dict:
    """The host may write sets under the prefix and read them back for a restore. No delete: the
    bucket's lifecycle rules expire old sets, so a compromised host cannot erase the history."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "WriteAndReadSets", "Effect": "Allow",
             "Action": ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
             "Resource": [f"{bucket_arn}/{prefix}/*"]},
            {"Sid": "ListSets", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [bucket_arn],
             "Condition": {"StringLike": {"s3:prefix": [f"{prefix}/*", prefix]}}},
        ],
    }


def tls_only_bucket_policy(bucket_arn: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [bucket_arn, f"{bucket_arn}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
    }


def lifecycle_rules(keep_days: int, cold_after_days: int | None, prefix: str = BACKUP_PREFIX) -> list[dict]:
    """Sets expire after keep_days (and their old versions a week later); unfinished uploads go too."""
    rule = {
        "id": "keep-daily-sets",
        "status": "Enabled",
        "filter": {"prefix": f"{prefix}/"},
        "expiration": {"days": keep_days},
        "noncurrent_version_expiration": {"noncurrent_days": 7},
        "abort_incomplete_multipart_upload": {"days_after_initiation": 2},
    }
    if cold_after_days is not None:
        rule["transitions"] = [{"days": cold_after_days, "storage_class": "STANDARD_IA"}]
    return [rule]
