"""`ladder snapshot-export`: export the newest automated RDS snapshot to S3 (Parquet, for analytics).

Not a backup: RDS cannot restore an export. The restorable copies are RDS's snapshots and PITR and
the Step 4 logical sets. Needs database.snapshot_export: true (the bucket, role and KMS grant).
"""
from __future__ import annotations

import datetime
import re
from typing import Optional

from components.database.snapshot_export import PREFIX

# StartExportTask: 1-60 letters, digits and hyphens, a letter first, no double or trailing hyphen.
EXPORT_ID_MAX = 60


def newest_automated(rds, identifier: str) -> Optional[dict]:
    pages = rds.get_paginator("describe_db_snapshots").paginate(DBInstanceIdentifier=identifier,
                                                                SnapshotType="automated")
    snapshots = [s for page in pages for s in page["DBSnapshots"] if s.get("Status") == "available"]
    return max(snapshots, key=lambda s: s["SnapshotCreateTime"], default=None)


def export_identifier(identifier: str, taken: datetime.datetime) -> str:
    stamp = taken.strftime("%Y%m%d-%H%M")
    head = identifier[:EXPORT_ID_MAX - len(stamp) - len("-export-")].rstrip("-")
    name = re.sub(r"-{2,}", "-", f"{head}-export-{stamp}")
    return name if name[0].isalpha() else f"x{name}"[:EXPORT_ID_MAX]


def start_export(rds, identifier: str, bucket: str, role_arn: str, kms_key: str) -> dict:
    """Starts the export; returns StartExportTask's answer. Raises LookupError without a snapshot."""
    snapshot = newest_automated(rds, identifier)
    if snapshot is None:
        raise LookupError(f"no available automated snapshot of {identifier} yet: RDS takes the first one in "
                          "the backup window (database.backup_window) after the instance is created")
    return rds.start_export_task(ExportTaskIdentifier=export_identifier(identifier, snapshot["SnapshotCreateTime"]),
                                 SourceArn=snapshot["DBSnapshotArn"], S3BucketName=bucket,
                                 S3Prefix=f"{PREFIX}/{identifier}", IamRoleArn=role_arn, KmsKeyId=kms_key)
