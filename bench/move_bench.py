#!/usr/bin/env python3
"""Benchmark odoo-move-db (container -> RDS) against a plain `pg_dump | psql` on the same data.

Two throwaway PostgreSQL 15 clusters on loopback: the source plays the container, the target plays
RDS (TLS verified against a test CA, a master that is not a superuser). One Odoo-shaped database
(tests/database/odoo_data.py) of --mib MiB, then in the same run:
  1. odoo-move-db, as the delivery runs it: its total time, and the downtime (stop -> start hook),
     split into source facts, dump, restore and verification;
  2. `pg_dump --no-owner --no-acl | psql` into a fresh database on the same target, timed.

Usage (from the repository root, as root):  venv/bin/python bench/move_bench.py [--mib 256] [--jobs 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.database.move_run import Move  # noqa: E402
from tests.database.odoo_data import create_odoo_database  # noqa: E402
from tests.database.rds_like import RdsLikeCluster  # noqa: E402
from tests.peers import PG_BIN, PgCluster  # noqa: E402


def plain_pair(source, target):
    """The baseline: one plain-SQL dump streamed into psql, single-threaded on both ends."""
    subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-d", target.conninfo() + " dbname=postgres",
                    "-c", "CREATE DATABASE odoo_plain"], check=True)
    started = time.monotonic()
    dump = subprocess.Popen([f"{PG_BIN}/pg_dump", "--no-owner", "--no-acl", "-d",
                             f"host=127.0.0.1 port={source.port} user=odoo dbname=odoo"], stdout=subprocess.PIPE)
    subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=0", "-o", "/dev/null",
                    "-d", target.conninfo() + " dbname=odoo_plain"], stdin=dump.stdout, check=True,
                   stderr=subprocess.DEVNULL)
    dump.stdout.close()
    assert dump.wait() == 0
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    source, target = PgCluster(), RdsLikeCluster()
    try:
        t = time.monotonic()
        create_odoo_database(source, "odoo", args.mib)
        size = int(source.psql_super("SELECT pg_database_size('odoo')"))
        print(f"generated an Odoo-shaped database of {size / 2**20:.0f} MiB in {time.monotonic() - t:.0f} s",
              flush=True)
        with tempfile.TemporaryDirectory(prefix="move-bench-") as work:
            move = Move(source, target, Path(work))
            argv = move.argv()
            argv[argv.index("--jobs") + 1] = str(args.jobs)
            t = time.monotonic()
            result = subprocess.run(argv, capture_output=True, text=True)
            wall = time.monotonic() - t
            if result.returncode != 0:
                sys.exit(result.stderr)
            seconds = json.loads(result.stdout)["seconds"]
        plain = plain_pair(source, target)
        figures = {"database_mib": round(size / 2**20), "cores": os.cpu_count(), "jobs": args.jobs,
                   "move_wall_s": round(wall, 1), "move": seconds, "plain_pg_dump_psql_s": round(plain, 1),
                   "plain_over_move_restore_only": round(plain / (seconds["dump"] + seconds["restore"]), 2),
                   "plain_over_move_downtime": round(plain / seconds["downtime"], 2)}
        print(json.dumps(figures, indent=2))
    finally:
        source.destroy()
        target.destroy()


if __name__ == "__main__":
    main()
