"""`ladder verify`'s Step 4 check against sets the real odoo-backup wrote into moto's S3: age from the
set's completion, the manifest's content, planted sets dated in the future, a failed run since."""
import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from ladder.checks.backup import check_recent_backup
from tests.backup.helpers import (BACKUP, RESTORE, manifest_sets, next_second, populate_filestore, read_json,
                                  run_script, script_env)

DB = "verify"


@pytest.fixture
def one_set(pg, moto, s3, bucket, data_dir):
    pg.psql(f'CREATE DATABASE "{DB}";')
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=3)
    result = run_script(BACKUP, ["--bucket", bucket, "--data-dir", data_dir, "--db", DB, "--odoo-version", "18.0",
                                 "--status-file", os.path.join(data_dir, "status.json")], script_env(pg.env(), moto))
    assert result.returncode == 0, result.stderr
    yield manifest_sets(s3, bucket)[-1]
    pg.psql(f'DROP DATABASE "{DB}" WITH (FORCE);')


def test_age_counts_from_the_set_s_completion(s3, bucket, one_set):
    finished = datetime.strptime(read_json(s3, bucket, f"odoo/{one_set}/manifest.json")["finished"],
                                 "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    fresh = check_recent_backup(s3, bucket, "odoo")
    assert fresh.ok and one_set in fresh.detail
    # A run that started long before it finished is as fresh as its end: 25 h after completion passes.
    assert check_recent_backup(s3, bucket, "odoo", now=finished + timedelta(hours=25)).ok
    stale = check_recent_backup(s3, bucket, "odoo", now=finished + timedelta(hours=27))
    assert not stale.ok and "finished 27.0 h ago" in stale.detail and "journalctl -u odoo-backup" in stale.detail


def test_a_planted_set_dated_in_the_future_neither_wins_nor_looks_fresh(pg, moto, s3, bucket, data_dir, one_set):
    """The host may add objects: a set named and stamped 9999 must not hide a dead timer, nor be restored."""
    good = read_json(s3, bucket, f"odoo/{one_set}/manifest.json")
    planted = "9999-12-31T235959Z"
    for part in [good["parts"]["dump"], good["parts"]["filestore"], *good["parts"]["tables"]]:
        body = s3.get_object(Bucket=bucket, Key=f"odoo/{one_set}/{part['key']}")["Body"].read()
        s3.put_object(Bucket=bucket, Key=f"odoo/{planted}/{part['key']}", Body=body)
    manifest = {**good, "set": planted, "timestamp": "9999-12-31T23:59:59Z", "finished": "9999-12-31T23:59:59Z"}
    s3.put_object(Bucket=bucket, Key=f"odoo/{planted}/manifest.json", Body=json.dumps(manifest).encode())

    result = check_recent_backup(s3, bucket, "odoo")
    assert result.ok and one_set in result.detail and f"{planted} (it is dated in the future" in result.detail
    env = script_env(pg.env(), moto)
    latest = run_script(RESTORE, ["--bucket", bucket, "--show-latest"], env)
    assert latest.stdout.strip() == one_set, latest.stderr
    listing = run_script(RESTORE, ["--bucket", bucket, "--list"], env).stdout
    assert f"{planted}\trejected" in listing and "dated in the future" in listing
    refused = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--set", planted], env)
    assert refused.returncode != 0 and "dated in the future" in refused.stderr


def test_a_manifest_whose_parts_do_not_match_does_not_count(s3, bucket, one_set):
    s3.put_object(Bucket=bucket, Key=f"odoo/{one_set}/filestore.tar", Body=b"rewritten")
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and "filestore part is missing or not the size" in result.detail


def test_a_failed_run_after_the_set_is_red(s3, bucket, one_set):
    next_second()  # S3 times have one-second resolution: the failure comes after the set
    s3.put_object(Bucket=bucket, Key="odoo/_status/last-failure.json",
                  Body=json.dumps({"outcome": "failure", "finished": "now", "error": "pg_dump exited with 1"}).encode())
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and "a later run failed" in result.detail and "pg_dump exited with 1" in result.detail


def test_a_set_without_manifest_does_not_count(s3, bucket):
    now = datetime.now(timezone.utc)
    half = now.strftime("%Y-%m-%dT%H%M%SZ")
    s3.put_object(Bucket=bucket, Key=f"odoo/{half}/db.dump.zst", Body=b"partial")
    result = check_recent_backup(s3, bucket, "odoo", now=now)
    assert not result.ok and "no complete set (1 without a manifest)" in result.detail


def test_an_empty_bucket_says_where_to_look(s3, bucket):
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and "odoo-backup.timer" in result.detail
