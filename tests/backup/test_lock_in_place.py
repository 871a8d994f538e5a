"""Object Lock switched on in place on a bucket made without it (what the backup component's lock
configuration does for a stack older than the lock): every new version gets the default retention
and cannot be deleted without a bypass right. Against moto_server, which (unlike S3 since 2023, see
docs/backup.md) only accepts this on an empty bucket; the mocked move is in tests/test_ladder.py."""
import uuid


def test_an_existing_versioned_bucket_gets_object_lock_in_place(s3):
    name = f"odoo-backup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)  # no ObjectLockEnabledForBucket: a bucket from before the lock
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    lock = s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    put = s3.put_object(Bucket=name, Key="odoo/2026-01-02T031500Z/manifest.json", Body=b"{}")
    head = s3.head_object(Bucket=name, Key="odoo/2026-01-02T031500Z/manifest.json", VersionId=put["VersionId"])
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"]
    # The host's way to remove a locked version (it has no bypass right) fails.
    import botocore.exceptions
    import pytest
    with pytest.raises(botocore.exceptions.ClientError):
        s3.delete_object(Bucket=name, Key="odoo/2026-01-02T031500Z/manifest.json", VersionId=put["VersionId"])
