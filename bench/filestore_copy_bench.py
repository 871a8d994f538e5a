#!/usr/bin/env python3
"""Benchmark odoo-copy-filestore, the 6->7 filestore move, on an Odoo-shaped filestore.

A throwaway PostgreSQL 15 (ir_attachment rows as Odoo writes them) and a filestore of random files
(the default: 1 GiB of 200 KiB files) on this machine's disk, copied to another folder of the same
disk; EFS is not reachable from here, so the figures are a floor: on EFS each file also costs NFS
round trips (create, write, fsync, chown, chmod, rename), which --jobs overlaps. Timed:
  1. the first copy (every file read, hashed, written, fsynced, renamed, read back);
  2. a re-run with nothing to copy (every target file hashed against the database): the move's
     final pass when the first ran while Odoo was still up;
  3. the first copy again with one job, to show what parallelism buys here.

Usage (from the repository root, as root):
  venv/bin/python bench/filestore_copy_bench.py [--mib 1024] [--file-kib 200] [--jobs 8]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster.copy_filestore import command, make_filestore  # noqa: E402
from tests.peers import PgCluster  # noqa: E402


def timed(pg, db: str, source: Path, target: Path, jobs: int) -> tuple[float, dict]:
    subprocess.run(["sync"], check=True)
    started = time.monotonic()
    done = subprocess.run(command(db, source, target, jobs=jobs), capture_output=True, text=True,
                          env={**os.environ, **pg.env("odoo")})
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"odoo-copy-filestore failed: {done.stderr}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--file-kib", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    files = args.mib * 1024 // args.file_kib
    work = Path(tempfile.mkdtemp(prefix="odoo-ladder-copy-bench-", dir="/var/tmp"))
    pg = PgCluster()
    try:
        db, source, _ = make_filestore(pg, work / "ebs", files=files, size=args.file_kib * 1024)
        (work / "efs").mkdir()
        rows = []
        first, summary = timed(pg, db, source, work / "efs" / db, args.jobs)
        rows.append((f"first copy, {args.jobs} jobs", first, summary))
        again, summary = timed(pg, db, source, work / "efs" / db, args.jobs)
        rows.append((f"re-run, nothing to copy, {args.jobs} jobs", again, summary))
        shutil.rmtree(work / "efs" / db)
        serial, summary = timed(pg, db, source, work / "efs" / db, 1)
        rows.append(("first copy, 1 job", serial, summary))
        mib = files * args.file_kib / 1024
        print(f"{files} files of {args.file_kib} KiB ({mib:.0f} MiB), {os.cpu_count()} CPUs, local disk")
        print(f"{'run':<34} {'seconds':>8} {'MiB/s':>8} {'files/s':>8} {'copied':>7} {'kept':>6}")
        for name, seconds, summary in rows:
            print(f"{name:<34} {seconds:>8.1f} {mib / seconds:>8.0f} {files / seconds:>8.0f} "
                  f"{summary['copied']:>7} {summary['already_there']:>6}")
    finally:
        pg.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
