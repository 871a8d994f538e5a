"""Step 4's outcome check: a complete backup set (one with its manifest) younger than 26 hours."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ladder.checks.result import CheckResult

SET_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
MANIFEST = "manifest.json"
MAX_AGE = timedelta(hours=26)


def set_time(name: str) -> datetime:
    return datetime.strptime(name, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def check_recent_backup(s3, bucket: str, prefix: str, now: datetime | None = None) -> CheckResult:
    """`s3` is a boto3 S3 client. Sets are `<prefix>/<YYYY-MM-DDTHHMMSSZ>/`; a set without its
    manifest is an unfinished or failed run and does not count."""
    name = f"backup set younger than {int(MAX_AGE.total_seconds() // 3600)} h in s3://{bucket}/{prefix}/"
    now = now or datetime.now(timezone.utc)
    sets = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/", Delimiter="/"):
        for common in page.get("CommonPrefixes", []):
            candidate = common["Prefix"][len(prefix) + 1:].rstrip("/")
            if SET_NAME.match(candidate):
                sets.append(candidate)
    for candidate in sorted(sets, reverse=True):
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/{candidate}/{MANIFEST}")
        if listing.get("KeyCount", 0):
            age = now - set_time(candidate)
            hours = age.total_seconds() / 3600
            if age <= MAX_AGE:
                return CheckResult(name, True, f"{candidate} is complete, {hours:.1f} h old")
            return CheckResult(name, False, f"the newest complete set, {candidate}, is {hours:.1f} h old: "
                                            "see `journalctl -u odoo-backup` and /var/lib/odoo-backup/last-run.json")
    incomplete = f" ({len(sets)} without a manifest)" if sets else ""
    return CheckResult(name, False, f"no complete set{incomplete}: is odoo-backup.timer enabled on the host?")
