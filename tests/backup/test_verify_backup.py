"""`ladder verify`'s Step 4 check against sets the real odoo-backup wrote into moto's S3."""
import os
from datetime import datetime, timedelta, timezone

from ladder.checks.backup import check_recent_backup, set_time
from tests.backup.helpers import BACKUP, manifest_sets, populate_filestore, run_script, script_env

DB = "verify"


def back_up(pg, moto, bucket, data_dir) -> str:
    result = run_script(BACKUP, ["--bucket", bucket, "--data-dir", data_dir, "--db", DB, "--odoo-version", "18.0",
                                 "--status-file", os.path.join(data_dir, "status.json")], script_env(pg.env(), moto))
    assert result.returncode == 0, result.stderr
    return manifest_sets(s3_client(moto), bucket)[-1]


def s3_client(endpoint):
    import boto3
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_a_fresh_complete_set_passes_and_an_old_one_fails(pg, moto, s3, bucket, data_dir):
    pg.psql(f'CREATE DATABASE "{DB}";')
    try:
        populate_filestore(os.path.join(data_dir, "filestore", DB), files=3)
        set_name = back_up(pg, moto, bucket, data_dir)
        fresh = check_recent_backup(s3, bucket, "odoo")
        assert fresh.ok and set_name in fresh.detail
        later = set_time(set_name) + timedelta(hours=27)
        stale = check_recent_backup(s3, bucket, "odoo", now=later)
        assert not stale.ok and "27.0 h old" in stale.detail and "journalctl -u odoo-backup" in stale.detail
    finally:
        pg.psql(f'DROP DATABASE "{DB}" WITH (FORCE);')


def test_a_set_without_manifest_does_not_count(s3, bucket):
    now = datetime.now(timezone.utc)
    half = now.strftime("%Y-%m-%dT%H%M%SZ")
    s3.put_object(Bucket=bucket, Key=f"odoo/{half}/db.dump", Body=b"partial")
    result = check_recent_backup(s3, bucket, "odoo", now=now)
    assert not result.ok and "no complete set (1 without a manifest)" in result.detail


def test_an_empty_bucket_says_where_to_look(s3, bucket):
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and "odoo-backup.timer" in result.detail
