"""Runs that recover: the backup waits for the database, retries a failed try, tidies what a killed
run left, and releases only sets beyond the newest N for expiry; a restore tidies a killed restore."""
import os
import subprocess
import sys
import threading
import time

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, manifest_sets, next_second, populate_db, populate_filestore,
                                  run_script, script_env, work_leftovers)

DB = "recovery"
EXPIRE = {"Key": "odoo-ladder-expire", "Value": "yes"}


@pytest.fixture
def site(pg, data_dir):
    populate_db(pg, DB, partners=100, blobs=5)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=5)
    yield
    for db in pg.databases() - {"postgres"}:
        pg.psql_super(f'DROP DATABASE "{db}" WITH (FORCE);')


def args(bucket, data_dir, *extra):
    return ["--bucket", bucket, "--db", DB, "--data-dir", data_dir, "--status-file",
            os.path.join(data_dir, "status.json"), "--retry-delay", "0", *extra]


def test_waits_for_the_database_to_come_up(own_pg, moto, s3, bucket, data_dir):
    """A missed run starts at boot, before the db container is healthy: it waits instead of failing."""
    populate_db(own_pg, DB, partners=100, blobs=5)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=5)
    own_pg.stop()
    threading.Timer(4, own_pg.start).start()
    began = time.monotonic()
    result = run_script(BACKUP, args(bucket, data_dir, "--wait-db", "120", "--attempts", "1"),
                        script_env(own_pg.env(), moto))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - began > 4
    assert len(manifest_sets(s3, bucket)) == 1


def test_a_failed_try_is_retried(pg, moto, s3, bucket, data_dir, site, tmp_path):
    flaky = tmp_path / "flaky-pg_dump"
    flaky.write_text(f'#!/bin/sh\nif [ ! -e "{tmp_path}/failed-once" ]; then touch "{tmp_path}/failed-once"; '
                     'echo "pg_dump: error: server closed the connection" >&2; exit 1; fi\n'
                     'exec pg_dump -U postgres "$@"\n')
    flaky.chmod(0o755)
    env = script_env(pg.env(), moto, BACKUP_READY_CMD="true", BACKUP_PSQL_CMD="psql -U postgres")
    result = run_script(BACKUP, args(bucket, data_dir, "--attempts", "2", "--pg-dump-cmd", str(flaky)), env)
    assert result.returncode == 0, result.stderr
    assert "try 1 of 2 failed" in result.stderr
    assert len(manifest_sets(s3, bucket)) == 1


def test_what_a_killed_run_left_is_tidied(pg, moto, s3, bucket, data_dir, site):
    """SIGKILL leaves an unfinished multipart upload and (older versions) a staging dir."""
    s3.create_multipart_upload(Bucket=bucket, Key="odoo/2020-01-01T000000Z/db.dump.zst")
    stale = os.path.join(data_dir, ".backup-work", "odoo-backup-2020-01-01T000000Z-abc")
    os.makedirs(stale)
    open(os.path.join(stale, "db.dump"), "wb").write(b"x" * 1024)
    result = run_script(BACKUP, args(bucket, data_dir), script_env(pg.env(), moto))
    assert result.returncode == 0, result.stderr
    assert "aborted 1 unfinished upload" in result.stderr
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert work_leftovers(data_dir) == []


def test_only_sets_beyond_the_newest_n_are_released_for_expiry(pg, moto, s3, bucket, data_dir, site):
    env = script_env(pg.env(), moto)
    for _ in range(3):
        result = run_script(BACKUP, args(bucket, data_dir, "--keep-sets", "2"), env)
        assert result.returncode == 0, result.stderr
        next_second()
    oldest, *newest = manifest_sets(s3, bucket)
    assert len(newest) == 2

    def tagged(name):
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"odoo/{name}/")["Contents"]]
        return {k.rsplit("/", 1)[1]: EXPIRE in s3.get_object_tagging(Bucket=bucket, Key=k)["TagSet"] for k in keys}

    assert tagged(oldest) == {"db.dump.zst": True, "filestore.tar": True, "manifest.json": True}
    for name in newest:
        assert not any(tagged(name).values())
    # When backups stop, nothing more is released: the newest two stay untagged whatever their age.


def test_a_restore_tidies_what_a_killed_restore_left(pg, moto, s3, bucket, data_dir, site):
    env = script_env(pg.env(), moto)
    assert run_script(BACKUP, args(bucket, data_dir), env).returncode == 0
    pg.psql_super('CREATE DATABASE "copy_restoring_0a1b2c";')
    leftover_dir = os.path.join(data_dir, "filestore", ".copy_restoring_0a1b2c")
    os.makedirs(leftover_dir)
    result = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", "copy"], env)
    assert result.returncode == 0, result.stderr
    assert "copy_restoring_0a1b2c" not in pg.databases() and not os.path.exists(leftover_dir)
    assert "copy" in pg.databases()


def test_replacing_the_live_database_stops_odoo_and_rolls_back_when_the_filestore_swap_fails(
        pg, moto, s3, bucket, data_dir, site, tmp_path):
    """The live filestore is a mount point here, so renaming it aside fails (EBUSY) after the database
    swap succeeded: the database swap is undone, the live data stays, Odoo is started again."""
    if os.geteuid() != 0:
        pytest.skip("needs root for a bind mount in a private mount namespace")
    env = script_env(pg.env(), moto)
    assert run_script(BACKUP, args(bucket, data_dir), env).returncode == 0
    pg.psql("INSERT INTO res_partner (name) VALUES ('after the backup');", db=DB)
    live = os.path.join(data_dir, "filestore", DB)
    before_rows, before_files = pg.psql("SELECT count(*) FROM res_partner;", db=DB), sorted(os.listdir(live))
    databases = pg.databases()
    calls = tmp_path / "calls"
    env.update(RESTORE_STOP_ODOO_CMD=f"sh -c 'echo stop >> {calls}'", RESTORE_START_ODOO_CMD=f"sh -c 'echo start >> {calls}'")
    wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c", 'mount --bind "$0" "$0" && exec "$@"',
               live, sys.executable, str(RESTORE), "--bucket", bucket, "--data-dir", data_dir, "--target-db", DB,
               "--force-overwrite"]
    result = subprocess.run(wrapped, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "swapping the filestore failed, everything was put back" in result.stderr, result.stderr
    assert calls.read_text().split() == ["stop", "start"]
    assert pg.databases() == databases  # no temporary or set-aside database left
    assert pg.psql("SELECT count(*) FROM res_partner;", db=DB) == before_rows  # the live one, connectable
    assert sorted(os.listdir(live)) == before_files
    assert sorted(os.listdir(os.path.join(data_dir, "filestore"))) == [DB]


def test_replacing_the_live_database_needs_a_way_to_stop_odoo(pg, moto, s3, bucket, data_dir, site):
    env = script_env(pg.env(), moto, RESTORE_STOP_ODOO_CMD="")
    assert run_script(BACKUP, args(bucket, data_dir), env).returncode == 0
    result = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", DB, "--force-overwrite"],
                        env)
    assert result.returncode != 0 and "needs Odoo stopped" in result.stderr
