"""The backup bucket under mocks: Object Lock with a default retention of keep_days, old versions kept
as long, expiry only of sets odoo-backup released, and a KMS key of its own that only the host uses."""
import json

import pytest

from ladder.mocked import run_stack
from tests.stacks import aws

LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
KEY = "aws:kms/key:Key"


def backup_key(run):
    [key] = [r for r in run.of_type(KEY) if r.name == "backup-key"]
    return key


@pytest.fixture(scope="module")
def step4():
    return run_stack(aws(4), stack="prod")


def test_object_lock_is_on_at_creation_and_switched_on_in_place_for_an_existing_bucket(step4):
    bucket = step4.named("aws:s3/bucket:Bucket", "backup-bucket")
    assert bucket.inputs["objectLockEnabled"] is True
    # An existing bucket made without the lock is not replaced (that would mean a new, empty bucket):
    # the flag is ignored and the lock configuration enables Object Lock on the versioned bucket.
    assert "objectLockEnabled" in bucket.ignore_changes and bucket.protect and bucket.retain_on_delete
    lock = step4.one(LOCK).inputs
    assert lock["objectLockEnabled"] == "Enabled"
    assert lock["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}}


@pytest.mark.parametrize("mode", ["governance", "compliance"])
def test_retention_follows_keep_days_and_the_configured_mode(mode):
    run = run_stack(aws(4, backup={"keep_days": 45, "lock_mode": mode}))
    assert run.one(LOCK).inputs["rule"]["defaultRetention"] == {"mode": mode.upper(), "days": 45}
    released, tidy = run.named(LIFECYCLE, "backup-retention").inputs["rules"]
    # Old versions (an overwritten object, an expired set) stay at least as long as the retention.
    assert tidy["noncurrentVersionExpiration"]["noncurrentDays"] >= 45


def test_a_bad_lock_mode_names_the_key():
    from configs.errors import ConfigError
    from configs.load import from_mapping
    with pytest.raises(ConfigError) as caught:
        from_mapping("t", aws(4, backup={"lock_mode": "legal-hold"}))
    assert "backup.lock_mode" in str(caught.value)


def test_age_alone_never_expires_a_set(step4):
    """Only objects odoo-backup tagged (older than the newest 7 complete sets) expire: if backups stop,
    nothing is ever tagged again and the last sets stay."""
    rules = step4.named(LIFECYCLE, "backup-retention").inputs["rules"]
    expiring = [r for r in rules if "expiration" in r]
    assert [r["id"] for r in expiring] == ["expire-released-sets"]
    assert expiring[0]["filter"] == {"and": {"prefix": "odoo/", "tags": {"odoo-ladder-expire": "yes"}}}
    assert expiring[0]["expiration"] == {"days": 30}


def test_the_bucket_encrypts_with_its_own_key(step4):
    key = backup_key(step4)
    assert key.protect and key.retain_on_delete and key.inputs["enableKeyRotation"] is True
    rule = step4.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                       "backup-encryption").inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:eu-south-1:123456789012:key/backup-key"}
    assert step4.named("aws:s3/bucketPolicy:BucketPolicy", "backup-tls-only")  # TLS only, tested in test_step4


def test_the_key_is_used_by_the_host_through_s3_only_and_administered_by_nobody_who_can_read(step4):
    policy = json.loads(backup_key(step4).inputs["policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    admin, host = statements["AccountAdministersTheKeyButNeverUsesIt"], statements["HostUsesItThroughS3ForThisBucketOnly"]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert not {"kms:Decrypt", "kms:*", "kms:GenerateDataKey", "kms:ReEncrypt*"} & set(admin["Action"])
    # The host role's ARN (its name is computed, so the mocks leave it blank), never a wildcard.
    assert host["Principal"]["AWS"].startswith("arn:aws:iam::123456789012:role/") and "*" not in host["Principal"]["AWS"]
    assert host["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert host["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-south-1.amazonaws.com"}
    arns = host["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"]
    assert arns == ["arn:aws:s3:::backup-bucket-0a1b2c3", "arn:aws:s3:::backup-bucket-0a1b2c3/*"]
    # The restore role decrypts only, on the same terms; nobody else uses the key, none delegates kms:* to IAM.
    restore = statements["RestoreRoleDecryptsThroughS3ForThisBucketOnly"]
    assert restore["Action"] == ["kms:Decrypt"] and restore["Condition"] == host["Condition"]
    assert restore["Principal"] == {"AWS": "arn:aws:iam::123456789012:role/backup-restore-0a1b2c3"}
    assert set(statements) == {"AccountAdministersTheKeyButNeverUsesIt", "HostUsesItThroughS3ForThisBucketOnly",
                               "RestoreRoleDecryptsThroughS3ForThisBucketOnly"}
    assert all(s["Action"] != "kms:*" for s in policy["Statement"])


def test_the_host_may_tag_sets_for_expiry_but_never_delete_or_unlock(step4):
    [policy] = [json.loads(p.inputs["policy"]) for p in step4.of_type("aws:iam/rolePolicy:RolePolicy")
                if p.name == "backup-host"]
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert {"s3:PutObjectTagging", "s3:ListBucketMultipartUploads", "s3:AbortMultipartUpload"} <= actions
    # Nor read a set back: that is the restore role's (tests/backup/test_restore_access.py).
    forbidden = ("Delete", "BypassGovernanceRetention", "PutObjectRetention", "PutObjectLegalHold",
                 "PutBucket", "PutLifecycle")
    assert not [a for a in actions if any(f in a for f in forbidden)]
    assert not {"s3:GetObject", "s3:GetObjectVersion", "s3:*", "s3:Get*"} & actions
