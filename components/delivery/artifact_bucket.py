"""The private S3 bucket that holds the delivered bundles, and the host's right to read them.

It holds only artifacts that `pulumi up` renders again at will, so it may go with the stack
(force_destroy) and keeps no history beyond a short safety margin.
"""
from __future__ import annotations

import json
import re
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.backup.policy import tls_only_bucket_policy
from components.delivery.artifact import KEY_PREFIX

# The AWS provider appends a 26-digit unique id to a bucket_prefix and accepts prefixes of up to 37
# characters, which together make S3's 63.
MAX_PREFIX = 37
UNIQUE_SUFFIX = 26
# A replaced bundle becomes a noncurrent version (Pulumi deletes the old key); it goes after a week.
# The current one never expires: the association may run it again any time (a new instance).
KEEP_OLD_BUNDLES_DAYS = 7


def bucket_prefix(stack: str) -> str:
    """S3 names: lower-case letters, digits and hyphens (dots break TLS on virtual-host names).
    A stack name may be long or hold dots and capitals; what is left of it is cut to fit."""
    head, tail = "odoo-ladder-", "-bundles-"
    safe = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", stack.lower())).strip("-")
    room = MAX_PREFIX - len(head) - len(tail)
    return f"{head}{safe[:room].rstrip('-') or 'stack'}{tail}"


def host_read_policy(bucket_arn: str) -> dict:
    """The host reads bundles, by key; it may not list, write or delete anything."""
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "ReadBundles", "Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": f"{bucket_arn}/{KEY_PREFIX}*"}]}


class ArtifactBucketArgs:
    def __init__(self, stack: str, host_role: pulumi.Input[str]):
        self.stack = stack
        self.host_role = host_role


class ArtifactBucket(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    # What the host needs before it can fetch: the bucket's settings and its read permission.
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: ArtifactBucketArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:delivery:ArtifactBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(f"{name}-bucket", bucket_prefix=bucket_prefix(args.stack), force_destroy=True,
                               tags={"odoo-ladder:stack": args.stack}, opts=child)
        versioning = aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id,
                                             versioning_configuration={"status": "Enabled"}, opts=child)
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id, opts=child,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
        no_public = aws.s3.BucketPublicAccessBlock(
            f"{name}-no-public", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        tls_only = aws.s3.BucketPolicy(
            f"{name}-tls-only", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps(tls_only_bucket_policy(arn))),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[no_public]))
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-expiry", bucket=bucket.id, opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
            rules=[{"id": "expire-replaced-bundles", "status": "Enabled", "filter": {"prefix": KEY_PREFIX},
                    "noncurrent_version_expiration": {"noncurrent_days": KEEP_OLD_BUNDLES_DAYS},
                    "expiration": {"expired_object_delete_marker": True},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 1}}])
        read = aws.iam.RolePolicy(f"{name}-host-read", role=args.host_role, opts=child,
                                  policy=bucket.arn.apply(lambda arn: json.dumps(host_read_policy(arn))))
        self.bucket_name = bucket.bucket
        self.ready = [versioning, encryption, tls_only, read]
        self.register_outputs({"bucket_name": self.bucket_name})
