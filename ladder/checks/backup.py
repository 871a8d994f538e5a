"""Step 4's outcome check: a complete backup set that finished less than 26 hours ago, whose
manifest is sound, and no failed run since.

Sets are ordered by when S3 stored their manifest (LastModified: the host cannot forge it), and a
set's age counts from its manifest's `finished`, which must agree with that time and not lie in
the future. So a planted `9999-12-31T235959Z/` set neither wins nor makes a dead timer look fresh,
and a run that takes hours is not red every day.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from ladder.checks.result import CheckResult

SET_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
MANIFEST = "manifest.json"
FORMATS = ("odoo-ladder-backup/1", "odoo-ladder-backup/2", "odoo-ladder-backup/3")
MAX_AGE = timedelta(hours=26)
CLOCK_SKEW = timedelta(minutes=5)
MANIFEST_DELAY = timedelta(hours=1)
HINT = "see `journalctl -u odoo-backup` and /var/lib/odoo-backup/last-run.json on the host"


def set_time(name: str) -> datetime:
    return datetime.strptime(name, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _objects(s3, bucket: str, prefix: str) -> dict[str, dict]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        for obj in page.get("Contents", []):
            found[obj["Key"][len(prefix) + 1:]] = obj
    return found


def manifest_problem(name: str, manifest: dict, stored: datetime, objects: dict, prefix_objects: str, now: datetime):
    """Why this manifest cannot be trusted, or None. `objects` maps '<set>/<file>' to its listing."""
    if manifest.get("format") not in FORMATS or manifest.get("set") != name:
        return f"its manifest has format {manifest.get('format')!r} and names set {manifest.get('set')!r}"
    try:
        finished = _time(manifest["finished"])
    except (KeyError, TypeError, ValueError):
        return "its manifest has no valid `finished` time"
    if max(finished, stored, set_time(name)) > now + CLOCK_SKEW:
        return f"it is dated in the future (finished {manifest['finished']})"
    if not set_time(name) <= finished <= stored + CLOCK_SKEW or stored - finished > MANIFEST_DELAY:
        return f"its manifest says finished {manifest['finished']}, but S3 stored it at {stored:%Y-%m-%dT%H:%M:%SZ}"
    parts = manifest.get("parts") or {}
    tables = parts.get("tables")
    if manifest["format"] == "odoo-ladder-backup/3" and not isinstance(tables, list):
        return "its manifest lists no table parts"
    for part, entry in [("dump part", parts.get("dump")), ("filestore part", parts.get("filestore"))] + \
            [("table part", e) for e in tables or []]:
        entry = entry if isinstance(entry, dict) else {}
        part = f"table part {entry.get('key')}" if part == "table part" else part
        listed = objects.get(f"{name}/{entry.get('key')}")
        if not entry.get("sha256") or listed is None or listed["Size"] != entry.get("size"):
            return f"its {part} is missing or not the size its manifest says"
    return None


def last_failure_after(s3, bucket: str, prefix: str, objects: dict, finished: datetime) -> str | None:
    """The status marker odoo-backup writes on every failure, if it is newer than the set."""
    marker = objects.get("_status/last-failure.json")
    if marker is None or marker["LastModified"] <= finished:
        return None
    try:
        status = json.loads(s3.get_object(Bucket=bucket, Key=f"{prefix}/_status/last-failure.json")["Body"].read())
        return f"{status.get('finished')}: {status.get('error')}"
    except (ValueError, KeyError):
        return "unreadable failure marker"


def check_recent_backup(s3, bucket: str, prefix: str, now: datetime | None = None) -> CheckResult:
    """`s3` is a boto3 S3 client. Sets are `<prefix>/<YYYY-MM-DDTHHMMSSZ>/`; a set without its
    manifest is an unfinished or failed run and does not count."""
    name = f"backup set finished less than {int(MAX_AGE.total_seconds() // 3600)} h ago in s3://{bucket}/{prefix}/"
    now = now or datetime.now(timezone.utc)
    objects = _objects(s3, bucket, prefix)
    sets = {key.split("/")[0] for key in objects if key.count("/") == 1 and SET_NAME.match(key.split("/")[0])}
    manifests = sorted(((objects[f"{s}/{MANIFEST}"]["LastModified"], s) for s in sets if f"{s}/{MANIFEST}" in objects),
                       reverse=True)
    rejected = []
    for stored, candidate in manifests:
        body = s3.get_object(Bucket=bucket, Key=f"{prefix}/{candidate}/{MANIFEST}")["Body"].read()
        try:
            manifest = json.loads(body)
        except ValueError:
            rejected.append(f"{candidate} (its manifest is not JSON)")
            continue
        problem = manifest_problem(candidate, manifest, stored, objects, prefix, now)
        if problem:
            rejected.append(f"{candidate} ({problem})")
            continue
        finished = _time(manifest["finished"])
        hours = (now - finished).total_seconds() / 3600
        ignored = f"; ignored: {', '.join(rejected)}" if rejected else ""
        if now - finished > MAX_AGE:
            return CheckResult(name, False, f"the newest complete set, {candidate}, finished {hours:.1f} h ago: "
                                            f"{HINT}{ignored}")
        failure = last_failure_after(s3, bucket, prefix, objects, stored)
        if failure:
            return CheckResult(name, False, f"{candidate} finished {hours:.1f} h ago, but a later run failed "
                                            f"({failure}): {HINT}")
        return CheckResult(name, True, f"{candidate} is complete, finished {hours:.1f} h ago{ignored}")
    incomplete = len(sets) - len(manifests)
    detail = "no complete set"
    if incomplete:
        detail += f" ({incomplete} without a manifest)"
    if rejected:
        detail += f"; rejected: {', '.join(rejected)}"
    return CheckResult(name, False, f"{detail}: is odoo-backup.timer enabled on the host?")
