"""Runs on the host (sent by `ladder verify` through SSM): is any of the stack's secrets on its disk?

Standalone: Python 3 and boto3 only (Ubuntu's python3-boto3). It reads the secrets with the
instance role, then looks for each value in every regular file under the given folders. It prints
one JSON line, naming files but never a value. The values are compared in memory: they never
reach a command line, a log or a file.

Bounded, and says so in its report: files over --max-file-mib are skipped (counted), and after
--time-limit seconds it stops and names the folders it did not finish, so a host with a large
/var/lib/docker still answers within the SSM command's time.

Usage: python3 host_scan.py [--max-file-mib N] [--time-limit S] STORE REGION PATH ROOT [ROOT...]
Roots are scanned in the order given; a root inside one already scanned is not scanned twice.
"""
import json
import os
import stat
import sys
import time

import boto3

KEYS = ("db_password", "admin_passwd", "admin_password")
# Data folders whose size makes a scan slow and whose content is the users': the DB keeps only
# password hashes, and the filestore holds attachments.
SKIP_DIRS = {"db-data", "odoo-filestore", "proc", "sys"}
MAX_FILE_MIB = 16
TIME_LIMIT_SECONDS = 240
# SSM keeps 24,000 characters of a command's output: the report must fit.
MAX_LEAKS_LISTED = 50


def read_values(store: str, region: str, path: str) -> list[bytes]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    if store == "ssm":
        client = boto3.client("ssm", region_name=region, endpoint_url=endpoint)
        return [client.get_parameter(Name=f"{path}/{key}", WithDecryption=True)["Parameter"]["Value"].encode()
                for key in KEYS]
    client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    return [client.get_secret_value(SecretId=f"{path}/{key}")["SecretString"].encode() for key in KEYS]


def _skipped_dir(folder: str, name: str) -> bool:
    # overlay2/<layer>/merged is a running container's whole filesystem again: its own layer is
    # scanned under overlay2/<layer>/diff, the image's layers under theirs.
    return name in SKIP_DIRS or (name == "merged" and os.path.basename(os.path.dirname(folder)) == "overlay2")


def scan(roots: list[str], values: list[bytes], max_file_bytes: int = MAX_FILE_MIB * 1024 * 1024,
         time_limit: float = TIME_LIMIT_SECONDS) -> dict:
    values = [value for value in values if value]
    deadline = time.monotonic() + time_limit
    leaks, scanned, skipped_large, unfinished, done = [], 0, 0, [], set()
    for root in roots:
        real_root = os.path.realpath(root)
        if real_root in done:
            continue
        if time.monotonic() > deadline:
            unfinished.append(root)
            continue
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                unfinished.append(root)
                break
            dirs[:] = [d for d in dirs if not _skipped_dir(folder, d)
                       and os.path.realpath(os.path.join(folder, d)) not in done]
            for name in files:
                file_path = os.path.join(folder, name)
                try:
                    info = os.lstat(file_path)
                    # Regular files only: a FIFO or a device in /tmp would block or never end.
                    if not stat.S_ISREG(info.st_mode):
                        continue
                    if info.st_size > max_file_bytes:
                        skipped_large += 1
                        continue
                    with open(file_path, "rb") as handle:
                        content = handle.read(max_file_bytes + 1)
                except OSError:
                    continue
                scanned += 1
                if any(value in content for value in values):
                    leaks.append(file_path)
        done.add(real_root)
    return {"scanned": scanned, "leaks": leaks[:MAX_LEAKS_LISTED], "leak_count": len(leaks),
            "skipped_large": skipped_large, "unfinished": unfinished,
            "limits": {"max_file_mib": max_file_bytes // (1024 * 1024), "time_limit_seconds": time_limit}}


def main(argv: list[str]) -> int:
    options = {"--max-file-mib": MAX_FILE_MIB, "--time-limit": TIME_LIMIT_SECONDS}
    while argv and argv[0] in options:
        options[argv[0]] = float(argv[1])
        argv = argv[2:]
    store, region, path, *roots = argv
    report = scan(roots, read_values(store, region, path), max_file_bytes=int(options["--max-file-mib"] * 1024 * 1024),
                  time_limit=options["--time-limit"])
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
