"""Sets written before the table parts still restore: format /2 (a zstd dump, no table parts) and
/1 (a `pg_dump -Fc` dump), made here the way those versions of odoo-backup made them. A /3 manifest
that lost its list of table parts is refused, by the restore and by `ladder verify`."""
import hashlib
import json
import os
import subprocess
from datetime import datetime, timezone

import pytest

from ladder.checks.backup import check_recent_backup
from tests.backup.helpers import (RESTORE, assert_odoo_can_use, db_fingerprint, populate_db, populate_filestore,
                                  run_script, script_env, tree_fingerprint)
from tests.peers import PG_BIN

DB = "archive"


@pytest.fixture
def source(pg, data_dir):
    populate_db(pg, DB, partners=3000, blobs=40)
    populate_filestore(os.path.join(data_dir, "filestore", DB), files=12, max_kib=40)
    yield
    for db in pg.databases() - {"postgres"}:
        pg.psql(f'DROP DATABASE "{db}" WITH (FORCE);', user="postgres")


def put_set(s3, bucket, pg, data_dir, tmp_path, fmt):
    """Dump, tar and manifest of one set in the given format, uploaded with the manifest last."""
    name = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    env = {**os.environ, **pg.env("postgres")}
    dump = tmp_path / "dump"
    if fmt == "odoo-ladder-backup/1":
        subprocess.run(f"{PG_BIN}/pg_dump -Fc --no-owner {DB} > {dump}", shell=True, env=env, check=True)
        dump_part = {"key": "db.dump", "format": "pg_dump custom (-Fc), --no-owner"}
    else:
        subprocess.run(f"{PG_BIN}/pg_dump -Fc -Z0 --no-owner {DB} | zstd -q -c > {dump}", shell=True, env=env,
                       check=True)
        dump_part = {"key": "db.dump.zst", "format": "pg_dump custom (-Fc -Z0), --no-owner", "compression": "zstd"}
    tar = tmp_path / "filestore.tar"
    subprocess.run(["tar", "--create", f"--file={tar}", "--format=pax", "-C",
                    os.path.join(data_dir, "filestore", DB), "."], check=True)
    parts = {"dump": dump_part, "filestore": {"key": "filestore.tar", "compression": "none"}}
    for part, path in (("dump", dump), ("filestore", tar)):
        body = path.read_bytes()
        parts[part].update(size=len(body), sha256=hashlib.sha256(body).hexdigest())
        s3.put_object(Bucket=bucket, Key=f"odoo/{name}/{parts[part]['key']}", Body=body)
    stamp = f"{name[:13]}:{name[13:15]}:{name[15:17]}Z"
    manifest = {"format": fmt, "set": name, "timestamp": stamp, "finished": stamp, "db_name": DB,
                "odoo_version": "17.0", "parts": parts}
    s3.put_object(Bucket=bucket, Key=f"odoo/{name}/manifest.json", Body=json.dumps(manifest).encode())
    return name


@pytest.mark.parametrize("fmt", ["odoo-ladder-backup/1", "odoo-ladder-backup/2"])
def test_an_older_set_restores_the_same_database(pg, moto, s3, bucket, data_dir, tmp_path, source, fmt):
    name = put_set(s3, bucket, pg, data_dir, tmp_path, fmt)
    assert check_recent_backup(s3, bucket, "odoo").ok
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--set", name, "--target-db", "older"],
                      script_env(pg.env(), moto))
    assert done.returncode == 0, done.stderr
    assert db_fingerprint(pg, "older") == db_fingerprint(pg, DB)
    assert_odoo_can_use(pg, "older")
    assert tree_fingerprint(os.path.join(data_dir, "filestore", "older")) == \
        tree_fingerprint(os.path.join(data_dir, "filestore", DB))


def test_a_format_3_manifest_without_its_table_parts_is_refused(pg, moto, s3, bucket, data_dir, tmp_path, source):
    # A /3 set whose manifest lost `tables` would restore without the large tables' rows.
    name = put_set(s3, bucket, pg, data_dir, tmp_path, "odoo-ladder-backup/3")
    before = pg.databases()
    done = run_script(RESTORE, ["--bucket", bucket, "--data-dir", data_dir, "--set", name, "--target-db", "partial"],
                      script_env(pg.env(), moto))
    assert done.returncode == 1 and "lacks its list of table parts" in done.stderr, done.stderr
    assert pg.databases() == before
    result = check_recent_backup(s3, bucket, "odoo")
    assert not result.ok and "lists no table parts" in result.detail
