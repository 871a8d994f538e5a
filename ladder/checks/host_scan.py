"""Runs on the host (sent by `ladder verify` through SSM): is any of the stack's secrets on its disk?

Standalone: Python 3 and boto3 only (Ubuntu's python3-boto3). It reads the secrets with the
instance role, then looks for each value in every file under the given folders. It prints one JSON
line, naming files but never a value. The values are compared in memory: they never reach a
command line, a log or a file.

Usage: python3 host_scan.py STORE REGION PATH ROOT [ROOT...]
"""
import json
import os
import sys

import boto3

KEYS = ("db_password", "admin_passwd", "admin_password")
# Data folders whose size makes a scan slow and whose content is the users': the DB keeps only
# password hashes, and the filestore holds attachments.
SKIP_DIRS = {"db-data", "odoo-filestore", "proc", "sys"}
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_values(store: str, region: str, path: str) -> list[bytes]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    if store == "ssm":
        client = boto3.client("ssm", region_name=region, endpoint_url=endpoint)
        return [client.get_parameter(Name=f"{path}/{key}", WithDecryption=True)["Parameter"]["Value"].encode()
                for key in KEYS]
    client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    return [client.get_secret_value(SecretId=f"{path}/{key}")["SecretString"].encode() for key in KEYS]


def scan(roots: list[str], values: list[bytes]) -> dict:
    leaks, scanned = [], 0
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in files:
                file_path = os.path.join(folder, name)
                try:
                    if os.path.islink(file_path) or os.path.getsize(file_path) > MAX_FILE_BYTES:
                        continue
                    with open(file_path, "rb") as handle:
                        content = handle.read()
                except OSError:
                    continue
                scanned += 1
                if any(value and value in content for value in values):
                    leaks.append(file_path)
    return {"scanned": scanned, "leaks": leaks}


def main(argv: list[str]) -> int:
    store, region, path, *roots = argv
    print(json.dumps(scan(roots, read_values(store, region, path))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
