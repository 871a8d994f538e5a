"""A set is one moment: the dump reads a snapshot exported before the tar starts, and until the tar
has ended Odoo's filestore garbage collector cannot delete a file that snapshot references, while
Odoo's own writes go on. Against the PostgreSQL peer, with Odoo's exact GC lock statements
(ir.attachment._gc_file_store: SET LOCAL lock_timeout TO '10s'; LOCK ir_attachment IN SHARE MODE)."""
import json
import os
import subprocess
import sys
import time

import pytest

from tests.backup.helpers import (BACKUP, RESTORE, manifest_sets, populate_db, populate_filestore, read_json,
                                  run_script, script_env)

DB = "moment"
SLOW = "sh -c 'sleep 5; exec \"$0\" \"$@\"'"  # a producer that starts 5 s late: the window made wide
ODOO_GC_LOCK = "BEGIN; SET LOCAL lock_timeout TO '1s'; LOCK ir_attachment IN SHARE MODE; COMMIT;"


def wait_for_the_backup_lock(pg, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = pg.psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                       "WHERE c.relname = 'ir_attachment' AND l.mode = 'RowExclusiveLock' AND l.granted "
                       "AND l.pid <> pg_backend_pid();", db=DB, user="postgres")
        if held == "1":
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError("the backup never held its lock on ir_attachment")


# 64: every table in the dump; 0: the tables as COPY binary parts, read after the (slow) dump in
# transactions that take the same snapshot.
@pytest.mark.parametrize("binary_min_mib", [64, 0])
def test_the_gc_waits_for_the_set_odoo_writes_go_on_and_the_dump_is_the_snapshot(pg, moto, s3, bucket, data_dir,
                                                                                  tmp_path, binary_min_mib):
    for db in (DB, "moment_check"):  # the other parameter's
        pg.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE);', user="postgres")
    populate_db(pg, DB, partners=500, blobs=10)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=10, max_kib=20)
    before = int(pg.psql("SELECT count(*) FROM ir_attachment;", db=DB))
    env = script_env(pg.env(), moto, BACKUP_BINARY_MIN_MIB=binary_min_mib)
    args = ["--bucket", bucket, "--db", DB, "--data-dir", data_dir, "--status-file", str(tmp_path / "s.json"),
            "--attempts", "1", "--ready-cmd", "pg_isready -U postgres", "--psql-cmd", "psql -U postgres",
            "--pg-dump-cmd", f"{SLOW} pg_dump -U postgres", "--tar-cmd", f"{SLOW} tar"]
    proc = subprocess.Popen([sys.executable, str(BACKUP), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for_the_backup_lock(pg, proc)
        # Odoo's writes to ir_attachment do not wait for the backup (statement_timeout would say so)...
        pg.psql("SET statement_timeout = '3s'; INSERT INTO ir_attachment (name, res_model) "
                "VALUES ('written during the backup', 'res.partner');", db=DB)
        # ...but its garbage collector gives up, as it does on any lock timeout, and tries again later.
        with pytest.raises(AssertionError, match="lock timeout"):
            pg.psql(ODOO_GC_LOCK, db=DB)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    pg.psql(ODOO_GC_LOCK, db=DB)  # the backup is over: the collector runs again
    [name] = manifest_sets(s3, bucket)
    manifest = read_json(s3, bucket, f"odoo/{name}/manifest.json")
    assert manifest["consistency"]["filestore_gc_blocked"] is True
    assert ("ir_attachment" in {part["table"] for part in manifest["parts"]["tables"]}) == (binary_min_mib == 0)
    # The dump is the snapshot taken before the tar: the row written during the run is not in it.
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", "moment_check",
                                "--set", name], script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    assert int(pg.psql("SELECT count(*) FROM ir_attachment;", db="moment_check")) == before
    assert int(pg.psql("SELECT count(*) FROM ir_attachment;", db=DB)) == before + 1


def test_a_database_without_ir_attachment_is_backed_up_without_the_lock(pg, moto, s3, bucket, data_dir, tmp_path):
    pg.psql("CREATE DATABASE plain;")
    pg.psql("CREATE TABLE t (id int); INSERT INTO t VALUES (1);", db="plain")
    os.makedirs(os.path.join(data_dir, "filestore", "plain"))
    done = run_script(BACKUP, ["--bucket", bucket, "--db", "plain", "--data-dir", data_dir, "--status-file",
                               str(tmp_path / "s.json"), "--attempts", "1"], script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    [name] = manifest_sets(s3, bucket)
    assert read_json(s3, bucket, f"odoo/{name}/manifest.json")["consistency"]["filestore_gc_blocked"] is False


def test_a_snapshot_that_cannot_be_taken_fails_the_run_cleanly(pg, moto, s3, bucket, data_dir, tmp_path):
    populate_filestore(os.path.join(data_dir, "filestore", "nodb"), files=2, max_kib=4)
    done = run_script(BACKUP, ["--bucket", bucket, "--db", "nodb", "--data-dir", data_dir, "--status-file",
                               str(tmp_path / "s.json"), "--attempts", "1", "--wait-db", "2"],
                      script_env(pg.env(), moto))
    assert done.returncode == 1 and "could not export a snapshot" in done.stderr.splitlines()[-1], done.stderr
    assert manifest_sets(s3, bucket) == []
    assert json.load(open(tmp_path / "s.json"))["outcome"] == "failure"
