"""Step 4: the S3 bucket that keeps the daily backup sets, its own KMS key, and the host's right to use them.

The bucket and the key outlive the stack (protected, retained): backups must survive the thing they
back up. Object Lock keeps every version for keep_days, so a compromised host may add sets but never
rewrite or delete one (docs/backup.md, "Sets a host cannot rewrite").
"""
from __future__ import annotations

import json
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components.backup.alarms import alarm_specs, alarms_on
from components.backup.key_policy import backup_key_policy
from components.backup.policy import (backup_bucket_policy, backup_task_role_name, host_backup_policy,
                                      lifecycle_rules, restore_role_policy, restore_role_trust,
                                      restore_task_role_name)
from configs.load import LadderConfig


class BackupArgs:
    def __init__(self, cfg: LadderConfig, host_role: pulumi.Input[str], retained_only: bool = False,
                 alarm_actions: Sequence[pulumi.Input[str]] = ()):
        self.cfg = cfg
        self.host_role = host_role
        # backup.retain below Step 4: the bucket, its history and settings stay; the host no longer
        # writes to it (no timer, no policy). Moving back up takes the same bucket again.
        self.retained_only = retained_only
        # Where the alarms of a failed or missing run notify (an SNS topic ARN), if anywhere.
        self.alarm_actions = list(alarm_actions)


class Backup(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    restore_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BackupArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:backup:Backup", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        keep = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
        settings = cfg.settings.backup
        # A new bucket gets Object Lock at creation. On a bucket made before (without it), changing the
        # flag would mean a new bucket: ignore it, and let the lock configuration below switch Object
        # Lock on in place (S3 allows that on a versioned bucket), so the move keeps every set.
        bucket = aws.s3.Bucket(f"{name}-bucket", tags={"odoo-ladder:stack": cfg.stack}, object_lock_enabled=True,
                               opts=pulumi.ResourceOptions.merge(keep, pulumi.ResourceOptions(
                                   ignore_changes=["objectLockEnabled"])))
        versioning = aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id,
                                             versioning_configuration={"status": "Enabled"}, opts=child)
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-lock", bucket=bucket.id, object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": settings.lock_mode.upper(), "days": settings.keep_days}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]))

        account = aws.get_caller_identity().account_id
        # Step 7's scheduled backup task writes sets with the same key (components/cluster/backup_task.py).
        task_role = (f"arn:aws:iam::{account}:role/{backup_task_role_name(cfg.stack)}"
                     if cfg.components.cluster else None)
        # ... and its one-off restore task reads them back (components/cluster/restore_task.py).
        restore_task_role = (f"arn:aws:iam::{account}:role/{restore_task_role_name(cfg.stack)}"
                             if cfg.components.cluster else None)
        host_role_arn = pulumi.Output.from_input(args.host_role).apply(lambda role: f"arn:aws:iam::{account}:role/{role}")
        # Restores read with a role of their own, which operators assume and the host cannot: the host
        # encrypts, and decrypts only for restore (components/backup/key_policy.py).
        restore_role = aws.iam.Role(f"{name}-restore", tags={"odoo-ladder:stack": cfg.stack}, opts=child,
                                    description=f"odoo-ladder {cfg.stack}: read backup sets for a restore",
                                    max_session_duration=4 * 3600,  # a long restore outlives 1 h
                                    assume_role_policy=host_role_arn.apply(
                                        lambda arn: json.dumps(restore_role_trust(account, arn))))
        key = aws.kms.Key(f"{name}-key", description=f"odoo-ladder {cfg.stack}: backup sets",
                          enable_key_rotation=True, deletion_window_in_days=30, opts=keep,
                          tags={"odoo-ladder:stack": cfg.stack},
                          policy=pulumi.Output.all(host_role_arn, bucket.arn, restore_role.arn).apply(
                              lambda a: json.dumps(backup_key_policy(
                                  account, a[0], a[1], cfg.region, a[2], task_role_arn=task_role,
                                  restore_task_role_arn=restore_task_role))))
        aws.iam.RolePolicy(f"{name}-restore-read", role=restore_role.name, opts=child,
                           policy=pulumi.Output.all(bucket.arn, key.arn).apply(
                               lambda a: json.dumps(restore_role_policy(a[0], a[1]))))
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id, opts=child,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                                "kms_master_key_id": key.arn},
                    "bucket_key_enabled": True}])
        aws.s3.BucketPublicAccessBlock(f"{name}-no-public", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        aws.s3.BucketPolicy(f"{name}-tls-only", bucket=bucket.id, opts=child,
                            policy=pulumi.Output.all(bucket.arn, host_role_arn).apply(
                                lambda a: json.dumps(backup_bucket_policy(a[0], a[1]))))
        aws.s3.BucketLifecycleConfiguration(f"{name}-retention", bucket=bucket.id,
                                            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
                                            rules=lifecycle_rules(settings.keep_days, settings.cold_after_days))
        if not args.retained_only:
            metrics = alarms_on(cfg)
            aws.iam.RolePolicy(f"{name}-host", role=args.host_role, opts=child,
                               policy=pulumi.Output.all(bucket.arn, key.arn).apply(
                                   lambda a: json.dumps(host_backup_policy(a[0], a[1], metrics=metrics))))
            if metrics:
                for suffix, spec in alarm_specs(cfg.stack, args.alarm_actions).items():
                    aws.cloudwatch.MetricAlarm(f"{name}-{suffix}", opts=child, **spec)
        self.bucket_name = bucket.bucket
        self.key_arn = key.arn
        self.restore_role_arn = restore_role.arn
        self.register_outputs({"bucket_name": self.bucket_name, "key_arn": self.key_arn,
                               "restore_role_arn": self.restore_role_arn})
