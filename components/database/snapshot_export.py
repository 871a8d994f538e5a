"""database.snapshot_export: where RDS may export snapshots to S3 (Parquet), for analytics only.

An export is NOT a backup: RDS cannot restore from it. The restorable copies are RDS's own
snapshots and point-in-time recovery, and the Step 4 logical sets (docs/step5.md). What this adds:
a private bucket encrypted with the stack's key, an IAM role that only RDS's export service may
assume (from this account) and that may write only there, and a KMS grant letting that role use
the stack's key. `python -m ladder snapshot-export` starts an export of the newest automated
snapshot (ladder/snapshot_export.py).
"""
from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

EXPORT_SERVICE = "export.rds.amazonaws.com"
# What AWS asks of the export role (StartExportTask's documentation).
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")
OBJECT_ACTIONS = ("s3:PutObject*", "s3:GetObject*", "s3:DeleteObject*")
# What the export needs of the key (Amazon RDS User Guide, "Exporting DB snapshot data to Amazon S3").
GRANT_OPERATIONS = ("Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
                    "ReEncryptTo", "CreateGrant", "DescribeKey", "RetireGrant")
PREFIX = "exports"


def trust_policy(account_id: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": EXPORT_SERVICE}, "Action": "sts:AssumeRole",
        # Only exports started in this account (the confused-deputy guard).
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}


def role_policy(bucket_arn: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListExportBucket", "Effect": "Allow", "Action": list(BUCKET_ACTIONS), "Resource": [bucket_arn]},
        {"Sid": "WriteExports", "Effect": "Allow", "Action": list(OBJECT_ACTIONS),
         "Resource": [f"{bucket_arn}/{PREFIX}/*"]},
    ]}


class SnapshotExport:
    """The bucket, role and grant; children of the Database component."""

    def __init__(self, name: str, stack: str, key_arn: pulumi.Input[str], parent: pulumi.Resource):
        child = pulumi.ResourceOptions(parent=parent)
        tags = {"odoo-ladder:stack": stack}
        account = aws.get_caller_identity().account_id
        # The exports are data: kept if the program stops managing them.
        bucket = aws.s3.Bucket(f"{name}-exports", tags=tags, force_destroy=False,
                               opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=True))
        aws.s3.BucketPublicAccessBlock(f"{name}-exports-no-public", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-exports-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                                "kms_master_key_id": key_arn},
                    "bucket_key_enabled": True}], opts=child)
        role = aws.iam.Role(f"{name}-export-role", assume_role_policy=json.dumps(trust_policy(account)), tags=tags,
                            description=f"odoo-ladder {stack}: RDS snapshot export to S3", opts=child)
        aws.iam.RolePolicy(f"{name}-export-write", role=role.name, opts=child,
                           policy=bucket.arn.apply(lambda arn: json.dumps(role_policy(arn))))
        aws.kms.Grant(f"{name}-export-grant", key_id=key_arn, grantee_principal=role.arn,
                      operations=list(GRANT_OPERATIONS), opts=child)
        self.bucket = bucket.bucket
        self.role_arn = role.arn
