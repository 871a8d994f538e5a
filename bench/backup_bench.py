#!/usr/bin/env python3
"""Benchmark odoo-backup / odoo-restore against the plain pair, on the same data in one run.

PostgreSQL 15 (a throwaway cluster, fsync off) and moto S3 on loopback. The data is random bytes
(the worst case: nothing compresses): a database of bytea and text rows, and a filestore in Odoo's
layout. Timed, in this order:
  1. odoo-backup: pg_dump -Fc -Z0 | zstd (the large tables' rows as COPY binary parts | zstd) and GNU
     tar, streamed at once into concurrent multipart uploads
  2. the plain pair: `pg_dump -Fc | upload` then `tar -c | upload` (boto3's upload_fileobj from the pipe,
     as `aws s3 cp -` does)
  3. odoo-restore into a new database: the parts downloaded at once, each checked before it is used;
     the dump's schema, then the table parts (2 owner sessions, each part as soon as it is checked),
     the rest of the dump's rows and GNU tar -x at the same time, then indexes and constraints
  4. the plain pair: `download | pg_restore -d` then `download | tar -x` (one streamed GET each)
Memory is the largest resident size of any one process a command started (getrusage of its children).

Usage (from the repository root, as root):
  venv/bin/python bench/backup_bench.py [--db-mib 1024] [--filestore-mib 1024]
"""
import argparse
import hashlib
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
ROLES = {"BACKUP_PG_DUMP_CMD": "pg_dump -U postgres", "RESTORE_PSQL_CMD": "psql -U postgres",
         "RESTORE_PG_RESTORE_CMD": "pg_restore", "RESTORE_OWNER_PSQL_CMD": "psql -U odoo", "RESTORE_DB_OWNER": "odoo"}
# The plain pair's S3 leg: boto3's managed transfer from stdin (multipart, as `aws s3 cp -` does), and
# one streamed GET to stdout. (Not download_fileobj: moto reads the whole object for every ranged GET,
# which would make the plain restore look far slower than it is against S3.)
UPLOAD = "import boto3,sys; boto3.client('s3').upload_fileobj(sys.stdin.buffer, sys.argv[1], sys.argv[2])"
DOWNLOAD = ("import boto3,shutil,sys; shutil.copyfileobj(boto3.client('s3').get_object(Bucket=sys.argv[1], "
            "Key=sys.argv[2])['Body'], sys.stdout.buffer, 1 << 20)")


def fill_database(pg, db, mib):
    """~90% in 64 KiB random bytea rows (attachments stored in the DB), ~10% in random text rows."""
    pg.psql(f"CREATE DATABASE \"{db}\" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0;")
    pg.psql("CREATE TABLE blob (id serial PRIMARY KEY, data bytea);"
            "CREATE TABLE note (id serial PRIMARY KEY, body text);", db=db)
    env = {**os.environ, **pg.env()}
    for table, rows, line in (("blob (data)", int(mib * 0.9 * MIB) // (64 * 1024),
                               lambda: b"\\\\x" + os.urandom(64 * 1024).hex().encode()),
                              ("note (body)", int(mib * 0.1 * MIB) // 1024, lambda: os.urandom(512).hex().encode())):
        copy = subprocess.Popen([f"{PG_BIN}/psql", "-X", "-q", "-d", db, "-c", f"COPY {table} FROM STDIN"],
                                stdin=subprocess.PIPE, env=env)
        for _ in range(rows):
            copy.stdin.write(line() + b"\n")
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


def timed(script, env):
    """Wall time and the largest child's max RSS (MiB) of `sh -c script`, in a fresh process."""
    probe = ("import resource,subprocess,sys,time; t=time.monotonic(); "
             "r=subprocess.run(['sh','-c',sys.argv[1]]).returncode; "
             "print(time.monotonic()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r)")
    out = subprocess.run([sys.executable, "-c", probe, script], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"failed: {script}\n{out.stderr}")
    seconds, rss_kib = out.stdout.split()[-2:]
    for line in out.stderr.splitlines():
        if "the manifest (" in line or "restored (" in line:
            print(f"  {line}")  # where odoo-restore's time goes
    return float(seconds), int(rss_kib) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-mib", type=int, default=1024, help="database payload in MiB (default 1024)")
    parser.add_argument("--filestore-mib", type=int, default=1024, help="filestore size in MiB (default 1024)")
    opts = parser.parse_args()

    pg, moto, work = PgCluster(), MotoServer(), tempfile.mkdtemp(prefix="odoo-backup-bench-")
    try:
        s3 = boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench")
        s3.create_bucket(Bucket="bench")
        s3.put_bucket_versioning(Bucket="bench", VersioningConfiguration={"Status": "Enabled"})
        env = {**os.environ, **AWS_ENV, **pg.env(), **ROLES, "AWS_ENDPOINT_URL": moto.endpoint,
               "RESTORE_STOP_ODOO_CMD": "true"}
        data_dir = os.path.join(work, "data")
        filestore = os.path.join(data_dir, "filestore", "bench")
        t = time.monotonic()
        db_bytes = fill_database(pg, "bench", opts.db_mib)
        fs_bytes, fs_files = fill_filestore(filestore, opts.filestore_mib)
        print(f"generated: database {db_bytes / MIB:.0f} MiB on disk, filestore {fs_bytes / MIB:.0f} MiB "
              f"in {fs_files} files ({time.monotonic() - t:.0f} s)", flush=True)
        common = f"--bucket bench --data-dir {data_dir}"
        py = sys.executable

        ours_backup = timed(f"{py} {SCRIPTS / 'odoo-backup'} {common} --db bench "
                            f"--status-file {work}/status.json", env)
        plain_backup = timed(
            f"pg_dump -U postgres -Fc bench | {py} -c \"{UPLOAD}\" bench plain/db.dump && "
            f"tar -cf - -C {filestore} . | {py} -c \"{UPLOAD}\" bench plain/filestore.tar", env)
        ours_restore = timed(f"{py} {SCRIPTS / 'odoo-restore'} {common} --target-db ours", env)
        pg.psql("CREATE DATABASE plain OWNER odoo ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0;")
        plain_dir = os.path.join(data_dir, "filestore", "plain")
        os.makedirs(plain_dir)
        plain_restore = timed(
            f"{py} -c \"{DOWNLOAD}\" bench plain/db.dump | pg_restore -U odoo --no-owner -d plain && "
            f"{py} -c \"{DOWNLOAD}\" bench plain/filestore.tar | tar -xf - -C {plain_dir}", env)

        print(f"command: {' '.join([Path(sys.executable).name, 'bench/backup_bench.py'] + sys.argv[1:])}")
        print(f"data: DB {db_bytes / MIB:.0f} MiB on disk + filestore {fs_bytes / MIB:.0f} MiB ({fs_files} files)")
        print("| | odoo-ladder | plain pair | ratio |")
        print("|---|---|---|---|")
        for what, ours, plain in (("backup", ours_backup, plain_backup), ("restore", ours_restore, plain_restore)):
            print(f"| {what} | {ours[0]:.1f} s, max RSS {ours[1]:.0f} MiB | {plain[0]:.1f} s, max RSS {plain[1]:.0f} MiB "
                  f"| {plain[0] / ours[0]:.2f}x |")
    finally:
        moto.stop()
        pg.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
