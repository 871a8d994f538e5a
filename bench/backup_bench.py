#!/usr/bin/env python3
"""Benchmark odoo-backup / odoo-restore against PostgreSQL 15 + moto S3 on loopback.

Generates a database and a filestore of random (incompressible) data, then times:
  1. odoo-backup (pg_dump -Fc staged + filestore tar streamed, both uploaded to S3)
  2. odoo-restore into a new database (download, sha256 check, pg_restore, extract)
  3. for comparison, the database alone: `pg_dump | gzip > file` and `gunzip | psql` into a new database.

Usage (from the repository root, as root):  venv/bin/python bench/backup_bench.py [--db-mib 1024] [--filestore-mib 1024]
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from tests.peers import PG_BIN, MotoServer, PgCluster  # noqa: E402

SCRIPTS = ROOT / "components" / "backup" / "scripts"
MIB = 1024 * 1024
AWS_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}


def fill_database(pg, db, mib):
    """~90% in 64 KiB random bytea rows (attachments stored in the DB), ~10% in random base64 text rows."""
    pg.psql(f"CREATE DATABASE \"{db}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0;")
    pg.psql("CREATE TABLE blob (id serial PRIMARY KEY, data bytea);"
            "CREATE TABLE note (id serial PRIMARY KEY, body text);", db=db)
    env = {**os.environ, **pg.env()}
    blob_rows = int(mib * 0.9 * MIB) // (64 * 1024)
    copy = subprocess.Popen([f"{PG_BIN}/psql", "-X", "-q", "-d", db, "-c", "COPY blob (data) FROM STDIN"],
                            stdin=subprocess.PIPE, env=env)
    for _ in range(blob_rows):
        copy.stdin.write(b"\\\\x" + os.urandom(64 * 1024).hex().encode() + b"\n")
    copy.stdin.close()
    assert copy.wait() == 0
    note_rows = int(mib * 0.1 * MIB) // 1024
    copy = subprocess.Popen([f"{PG_BIN}/psql", "-X", "-q", "-d", db, "-c", "COPY note (body) FROM STDIN"],
                            stdin=subprocess.PIPE, env=env)
    for _ in range(note_rows):
        copy.stdin.write(base64.b64encode(os.urandom(768)) + b"\n")
    copy.stdin.close()
    assert copy.wait() == 0
    pg.psql("VACUUM ANALYZE;", db=db)
    return int(pg.psql(f"SELECT pg_database_size('{db}');"))


def fill_filestore(root, mib):
    """Odoo layout <sha1[:2]>/<sha1>, files of 1 KiB to 2 MiB, random bytes."""
    rng, total, files = random.Random(7), 0, 0
    while total < mib * MIB:
        content = os.urandom(rng.randint(1024, 2 * MIB))
        sha1 = hashlib.sha1(content).hexdigest()
        path = Path(root) / sha1[:2] / sha1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        total, files = total + len(content), files + 1
    return total, files


def timed(cmd, env, **kw):
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, **kw)
    seconds = time.monotonic() - start
    if out.returncode != 0:
        raise SystemExit(f"failed: {cmd}\n{out.stderr}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-mib", type=int, default=1024, help="database payload in MiB (default 1024)")
    parser.add_argument("--filestore-mib", type=int, default=1024, help="filestore size in MiB (default 1024)")
    parser.add_argument("--part-size-mib", type=int, default=64)
    parser.add_argument("--pg-dump-cmd", default="pg_dump", help="passed to odoo-backup, e.g. 'pg_dump -Z1'")
    opts = parser.parse_args()

    pg, moto, work = PgCluster(), MotoServer(), \
        tempfile.mkdtemp(prefix="odoo-backup-bench-")
    try:
        s3 = boto3.client("s3", endpoint_url=moto.endpoint, **{
            "region_name": "us-east-1", "aws_access_key_id": "bench", "aws_secret_access_key": "bench"})
        s3.create_bucket(Bucket="bench")
        s3.put_bucket_versioning(Bucket="bench", VersioningConfiguration={"Status": "Enabled"})
        env = {**os.environ, **AWS_ENV, **pg.env(), "AWS_ENDPOINT_URL": moto.endpoint}
        data_dir = os.path.join(work, "data")

        t = time.monotonic()
        db_bytes = fill_database(pg, "bench", opts.db_mib)
        fs_bytes, fs_files = fill_filestore(os.path.join(data_dir, "filestore", "bench"), opts.filestore_mib)
        print(f"generated: database {db_bytes / MIB:.0f} MiB on disk, filestore {fs_bytes / MIB:.0f} MiB "
              f"in {fs_files} files ({time.monotonic() - t:.0f} s)")

        common = ["--bucket", "bench", "--data-dir", data_dir]
        backup_s = timed([sys.executable, str(SCRIPTS / "odoo-backup"), *common, "--db", "bench",
                          "--status-file", os.path.join(work, "status.json"),
                          "--part-size-mib", str(opts.part_size_mib), "--pg-dump-cmd", opts.pg_dump_cmd], env)
        objects = s3.list_objects_v2(Bucket="bench", Prefix="odoo/")["Contents"]
        set_bytes = {o["Key"].rsplit("/", 1)[1]: o["Size"] for o in objects if "/_status/" not in o["Key"]}
        uploaded = set_bytes["db.dump"] + set_bytes["filestore.tar"]
        [manifest_key] = [o["Key"] for o in objects if o["Key"].endswith("/manifest.json")]
        manifest = json.loads(s3.get_object(Bucket="bench", Key=manifest_key)["Body"].read())
        stamp = [datetime.datetime.strptime(manifest[k], "%Y-%m-%dT%H:%M:%SZ")
                 for k in ("timestamp", "dump_finished", "finished")]
        dump_s, rest_s = (stamp[1] - stamp[0]).total_seconds(), (stamp[2] - stamp[1]).total_seconds()
        restore_s = timed([sys.executable, str(SCRIPTS / "odoo-restore"), *common, "--target-db", "bench_restored"],
                          env)

        dump_file = os.path.join(work, "bench.sql.gz")
        gzip_s = timed(["sh", "-c", f'pg_dump bench | gzip > "{dump_file}"'], env)
        pg.psql("CREATE DATABASE bench_psql ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0;")
        psql_s = timed(["sh", "-c", f'gunzip -c "{dump_file}" | psql -X -q -v ON_ERROR_STOP=1 -d bench_psql'], env)
        gz_bytes = os.path.getsize(dump_file)

        logical = db_bytes + fs_bytes
        print(f"command: {' '.join([Path(sys.executable).name, 'bench/backup_bench.py'] + sys.argv[1:])}")
        print(f"odoo-backup : {backup_s:7.1f} s  {logical / MIB / backup_s:6.1f} MiB/s of DB+filestore "
              f"(dump {set_bytes['db.dump'] / MIB:.0f} MiB + tar {set_bytes['filestore.tar'] / MIB:.0f} MiB "
              f"uploaded, {uploaded / MIB / backup_s:.1f} MiB/s)")
        print(f"  of which  : ~{dump_s:.0f} s pg_dump to the staging file, ~{rest_s:.0f} s filestore tar + "
              "both uploads (manifest times, 1 s resolution)")
        print(f"odoo-restore: {restore_s:7.1f} s  {logical / MIB / restore_s:6.1f} MiB/s of DB+filestore "
              "(download, sha256 check, pg_restore, extract)")
        print(f"pg_dump|gzip: {gzip_s:7.1f} s  {db_bytes / MIB / gzip_s:6.1f} MiB/s of DB only "
              f"({gz_bytes / MIB:.0f} MiB .sql.gz, local file)")
        print(f"gunzip|psql : {psql_s:7.1f} s  {db_bytes / MIB / psql_s:6.1f} MiB/s of DB only")
    finally:
        moto.stop()
        pg.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
