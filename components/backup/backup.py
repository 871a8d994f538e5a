"""Step 4: the S3 bucket that keeps the daily backup sets, and the host's right to use it.

The bucket outlives the stack (protected, retained): backups must survive the thing they back up.
"""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.backup.policy import host_backup_policy, lifecycle_rules, tls_only_bucket_policy
from configs.load import LadderConfig


class BackupArgs:
    def __init__(self, cfg: LadderConfig, host_role: pulumi.Input[str], retained_only: bool = False):
        self.cfg = cfg
        self.host_role = host_role
        # backup.retain below Step 4: the bucket, its history and settings stay; the host no longer
        # writes to it (no timer, no policy). Moving back up takes the same bucket again.
        self.retained_only = retained_only


class Backup(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: BackupArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:backup:Backup", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        settings = cfg.settings.backup
        bucket = aws.s3.Bucket(f"{name}-bucket", tags={"odoo-ladder:stack": cfg.stack},
                               opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True))
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id,
                                versioning_configuration={"status": "Enabled"}, opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id, opts=child,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"},
                    "bucket_key_enabled": True}])
        aws.s3.BucketPublicAccessBlock(f"{name}-no-public", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        aws.s3.BucketPolicy(f"{name}-tls-only", bucket=bucket.id, opts=child,
                            policy=bucket.arn.apply(lambda arn: json.dumps(tls_only_bucket_policy(arn))))
        aws.s3.BucketLifecycleConfiguration(f"{name}-retention", bucket=bucket.id, opts=child,
                                            rules=lifecycle_rules(settings.keep_days, settings.cold_after_days))
        if not args.retained_only:
            aws.iam.RolePolicy(f"{name}-host", role=args.host_role, opts=child,
                               policy=bucket.arn.apply(lambda arn: json.dumps(host_backup_policy(arn))))
        self.bucket_name = bucket.bucket
        self.register_outputs({"bucket_name": self.bucket_name})
