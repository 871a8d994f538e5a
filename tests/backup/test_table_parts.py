"""Large tables travel as COPY binary parts of their own (set format /3): the backup splits them
into block ranges of the set's snapshot, the restore loads the parts on several owner sessions
between the dump's pre-data and post-data. The result is the same database, usable by Odoo's role;
a part that does not match its manifest, or a refused session, leaves nothing behind."""
import importlib.machinery
import importlib.util
import io
import os

import pytest

from ladder.checks.backup import check_recent_backup
from tests.backup.helpers import (BACKUP, RESTORE, assert_odoo_can_use, db_fingerprint, manifest_sets, populate_db,
                                  populate_filestore, read_json, run_script, script_env, tree_fingerprint)

DB = "ledger"


def backup(pg, moto, bucket, data_dir, tmp_path, **env):
    done = run_script(BACKUP, ["--bucket", bucket, "--db", DB, "--data-dir", data_dir, "--status-file",
                               str(tmp_path / "s.json"), "--attempts", "1"], script_env(pg.env(), moto, **env))
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def parted_set(pg, moto, s3, bucket, data_dir, tmp_path):
    """ir_attachment_data (~3.9 MiB of bytea in 4 heap blocks) and res_partner in parts of about 1 MiB."""
    populate_db(pg, DB, partners=8000, blobs=500, blob_kib=8)
    pg.psql("CREATE TABLE with_array (id int, tags text[]);"
            "INSERT INTO with_array SELECT g, ARRAY['a', 'b'] FROM generate_series(1, 30000) g;", db=DB)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=15, max_kib=60)
    backup(pg, moto, bucket, data_dir, tmp_path, BACKUP_BINARY_MIN_MIB=0, BACKUP_TABLE_PART_MIB=1)
    name = manifest_sets(s3, bucket)[0]
    yield name, read_json(s3, bucket, f"odoo/{name}/manifest.json")
    for db in pg.databases() - {"postgres"}:
        pg.psql(f'DROP DATABASE "{db}" WITH (FORCE);', user="postgres")


def test_large_tables_are_binary_parts_and_the_rest_stays_in_the_dump(parted_set):
    _, manifest = parted_set
    assert manifest["format"] == "odoo-ladder-backup/3"
    tables = manifest["parts"]["tables"]
    by_table = {}
    for part in tables:
        by_table.setdefault(part["table"], []).append(part)
    # Plain built-in column types only: the text[] table stays in the dump, as text.
    assert {"ir_attachment_data", "res_partner", "ir_attachment"} <= set(by_table) and "with_array" not in by_table
    blobs = by_table["ir_attachment_data"]
    assert len(blobs) >= 3 and [p["part"] for p in blobs] == list(range(1, len(blobs) + 1))
    assert all(p["of"] == len(blobs) and p["format"] == "COPY binary" and p["columns"] == ["id", "store_fname", "datas"]
               for p in blobs)
    # Block ranges that meet: the first has no lower bound, the last no upper one.
    assert "<" in blobs[0]["where"] and ">=" not in blobs[0]["where"]
    assert ">=" in blobs[-1]["where"] and "<" not in blobs[-1]["where"]
    assert tables[0]["table"] == "ir_attachment_data"  # largest first


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_set_with_table_parts_restores_the_same_database(pg, moto, bucket, data_dir, parted_set, jobs):
    name, _ = parted_set
    target = f"{DB}_parts{jobs}"
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", target, "--jobs",
                                str(jobs)], script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    assert db_fingerprint(pg, target) == db_fingerprint(pg, DB)
    assert pg.psql("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) FROM with_array t;", db=target) \
        == pg.psql("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) FROM with_array t;", db=DB)
    assert_odoo_can_use(pg, target)
    # post-data ran after the binary rows: indexes and keys exist, and hold.
    assert pg.psql("SELECT count(*) FROM pg_indexes WHERE indexname IN "
                   "('res_partner_name_idx', 'ir_attachment_name_trgm', 'ir_attachment_data_pkey');", db=target) == "3"
    assert tree_fingerprint(os.path.join(data_dir, "filestore", target)) == \
        tree_fingerprint(os.path.join(data_dir, "filestore", DB))
    assert not os.listdir(os.path.join(data_dir, ".backup-work")) or \
        all(n.endswith(".lock") for n in os.listdir(os.path.join(data_dir, ".backup-work")))


def test_a_corrupted_table_part_is_refused_and_leaves_nothing(pg, moto, s3, bucket, data_dir, parted_set):
    name, manifest = parted_set
    last = manifest["parts"]["tables"][-1]
    key = f"odoo/{name}/{last['key']}"
    body = bytearray(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    body[len(body) // 2] ^= 0xFF
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(body))
    before = pg.databases()
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", "flipped"],
                      script_env(pg.env(), moto))
    assert done.returncode == 1 and "does not match the manifest" in done.stderr, done.stderr
    assert pg.databases() == before
    assert not [n for n in os.listdir(os.path.join(data_dir, "filestore")) if "flipped" in n]


def test_a_superuser_session_is_refused_before_any_part_loads(pg, moto, bucket, data_dir, parted_set):
    before = pg.databases()
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--target-db", "refused",
                                "--owner-psql-cmd", "psql -U postgres"], script_env(pg.env(), moto))
    assert done.returncode == 1 and "refusing to run a dump as postgres" in done.stderr, done.stderr
    assert pg.databases() == before


def test_verify_counts_a_table_part_that_is_gone_or_rewritten(s3, bucket, parted_set):
    name, manifest = parted_set
    assert check_recent_backup(s3, bucket, "odoo").ok
    part = manifest["parts"]["tables"][1]
    s3.put_object(Bucket=bucket, Key=f"odoo/{name}/{part['key']}", Body=b"rewritten")
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and f"table part {part['key']} is missing or not the size" in result.detail


def restore_module():
    loader = importlib.machinery.SourceFileLoader("odoo_restore_parts", str(RESTORE))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_joined_parts_are_one_copy_stream_whatever_the_read_size(tmp_path, monkeypatch, chunk):
    """Three parts joined: one header, every tuple in order, one trailer, for any read size (the
    trailer may arrive split over reads)."""
    module = restore_module()
    monkeypatch.setattr(module, "CHUNK", chunk)
    header = module.COPY_SIGNATURE + b"\0\0\0\0" + b"\0\0\0\x03ext"  # flags, then a 3-byte extension area
    tuples = [b"\0\x01\0\0\0\x05" + bytes([n]) * 5 for n in range(3)]
    paths = []
    for n, row in enumerate(tuples):
        path = tmp_path / f"part{n}"
        path.write_bytes(header + row + module.COPY_TRAILER)
        paths.append(path)
    sink = io.BytesIO()
    for n, path in enumerate(paths):
        module.feed_copy_part(sink, path, None, path.name, first=n == 0, last=n == len(paths) - 1)
    assert sink.getvalue() == header + b"".join(tuples) + module.COPY_TRAILER


def test_a_part_that_is_not_copy_binary_is_refused(tmp_path):
    module = restore_module()
    path = tmp_path / "part"
    path.write_bytes(b"COPY text\n1\tx\n\\.\n")
    with pytest.raises(module.RestoreError, match="not a COPY binary stream"):
        module.feed_copy_part(io.BytesIO(), path, None, "part", first=True, last=True)
    path.write_bytes(module.COPY_SIGNATURE + b"\0" * 8 + b"\0\x01")  # cut before its trailer
    with pytest.raises(module.RestoreError, match="does not end with a COPY trailer"):
        module.feed_copy_part(io.BytesIO(), path, None, "part", first=True, last=True)


def test_a_hangup_while_parts_load_stops_the_restore_and_leaves_nothing(pg, moto, bucket, data_dir, parted_set):
    """SIGHUP (a dropped Session Manager session) while the owner sessions load: the downloads and
    loaders stop, the temporary database and directory are dropped, the work dir is empty."""
    import signal
    import subprocess
    import sys
    import time
    before = pg.databases()
    # Only a table part's "decompressor" hangs (its stdin is the part's file): the dump's does not.
    slow = "sh -c 'case $(readlink /proc/self/fd/0) in *table*) exec sleep 30;; esac; exec zstd -d -q -c'"
    env = script_env(pg.env(), moto, RESTORE_DECOMPRESS_CMD=slow)
    proc = subprocess.Popen([sys.executable, str(RESTORE), "--bucket", bucket, "--data-dir", data_dir,
                             "--target-db", "hungup"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 30
        while not [d for d in pg.databases() - before if "hungup_restoring_" in d]:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        time.sleep(2)  # pre-data is in, the parts wait on their (slow) decompressors
        started = time.monotonic()
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1 and "FAILED: terminated by signal" in err, err
    assert time.monotonic() - started < 25, "the restore waited for the loaders instead of stopping them"
    assert pg.databases() == before
    assert not [n for n in os.listdir(os.path.join(data_dir, "filestore")) if "hungup" in n]
    assert all(n.endswith(".lock") for n in os.listdir(os.path.join(data_dir, ".backup-work")))
