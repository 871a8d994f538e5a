"""S3 buckets: never public, TLS only, versioned, encrypted; backups under Object Lock.

With pulumi-aws v7 a bucket's settings are separate resources (BucketPolicy, BucketVersioning, ...)
that name the bucket in their `bucket` input, so these rules look at a bucket together with what is
attached to it (and at the bucket's own inline settings, which older programs use).
"""
from __future__ import annotations

import re

from .model import Resource, Rule, Stack, known
from .values import as_list, document, is_set, statements

BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]
PUBLIC_ACCESS_BLOCK = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]
POLICY = ["aws:s3/bucketPolicy:BucketPolicy"]
VERSIONING = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"]
OBJECT_LOCK = ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
               "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"]
ENCRYPTION = ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
              "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]
BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def holds_backups(bucket: Resource) -> bool:
    """The backup component names its bucket `backup-bucket`; a user's own names say `backup` too."""
    names = [bucket.name, bucket.get("bucket"), bucket.get("bucketPrefix")]
    return any(isinstance(n, str) and known(n) and re.search(r"backup", n, re.I) for n in names)


def _each_bucket(stack: Stack, problems) -> list[tuple[Resource, str]]:
    return [(bucket, p) for bucket in stack.of_types(BUCKETS) for p in problems(stack, bucket)]


def _public_access(stack: Stack, bucket: Resource) -> list[str]:
    blocks = stack.attached(bucket, PUBLIC_ACCESS_BLOCK, via="bucket")
    if not blocks:
        return ["no BucketPublicAccessBlock is attached"]
    missing = sorted({b for block in blocks for b in BLOCKS if not is_set(block.get(b))})
    return [f"the public access block leaves {', '.join(missing)} off"] if missing else []


def denies_plain_http(doc: dict | None) -> bool:
    """A Deny of every S3 action to everyone when aws:SecureTransport is false."""
    for statement in statements(doc):
        condition = (statement.get("Condition") or {}).get("Bool") or {}
        secure = condition.get("aws:SecureTransport")
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and as_list(principal.get("AWS")) == ["*"])
        actions = {a.lower() for a in as_list(statement.get("Action")) if isinstance(a, str)}
        if (statement.get("Effect") == "Deny" and everyone and str(secure).lower() == "false"
                and actions & {"s3:*", "*"}):
            return True
    return False


def _tls_only(stack: Stack, bucket: Resource) -> list[str]:
    policies = [bucket.get("policy")] + [p.get("policy") for p in stack.attached(bucket, POLICY, via="bucket")]
    if any(not known(p) for p in policies if p is not None):
        return []
    if any(denies_plain_http(document(p)) for p in policies if p):
        return []
    return ["no bucket policy denies s3:* when aws:SecureTransport is false"]


def _versioning(stack: Stack, bucket: Resource) -> list[str]:
    if is_set((bucket.get("versioning") or {}).get("enabled")):
        return []
    for versioning in stack.attached(bucket, VERSIONING, via="bucket"):
        status = (versioning.get("versioningConfiguration") or {}).get("status")
        if status == "Enabled" or not known(status):
            return []
    return ["versioning is not enabled (an overwrite or delete would lose the previous object)"]


def _object_lock(stack: Stack, bucket: Resource) -> list[str]:
    if not holds_backups(bucket) or is_set(bucket.get("objectLockEnabled")):
        return []
    for lock in stack.attached(bucket, OBJECT_LOCK, via="bucket"):
        if lock.get("objectLockEnabled") in ("Enabled", None):
            return []
    return ["it holds backups without Object Lock: a compromised host could rewrite or delete them"]


def _encryption(stack: Stack, bucket: Resource) -> list[str]:
    if bucket.get("serverSideEncryptionConfiguration") or stack.attached(bucket, ENCRYPTION, via="bucket"):
        return []
    return ["no server-side encryption configuration says how objects are encrypted"]


RULES = [
    Rule(name="s3-public-access-blocked",
         description="attach an aws.s3.BucketPublicAccessBlock with all four settings true",
         stack=True, check=lambda stack: _each_bucket(stack, _public_access)),
    Rule(name="s3-tls-only",
         description="attach a bucket policy that denies s3:* to Principal '*' when aws:SecureTransport is false",
         stack=True, check=lambda stack: _each_bucket(stack, _tls_only)),
    Rule(name="s3-versioning",
         description="attach an aws.s3.BucketVersioning with status 'Enabled'",
         stack=True, check=lambda stack: _each_bucket(stack, _versioning)),
    Rule(name="s3-backups-object-lock",
         description="create the backup bucket with object_lock_enabled=True and attach a "
                     "BucketObjectLockConfiguration with a default retention, so backups can be added, never rewritten",
         stack=True, check=lambda stack: _each_bucket(stack, _object_lock)),
    Rule(name="s3-encrypted",
         description="attach an aws.s3.BucketServerSideEncryptionConfiguration (aws:kms with the stack's key for "
                     "data, AES256 at least)",
         stack=True, check=lambda stack: _each_bucket(stack, _encryption)),
]
