"""The shared filestore and sessions: EFS at /var/lib/odoo in every task.

Encrypted with the stack's key, elastic throughput (pay per use, no burst credits to run out of),
AWS Backup's default plan on, a mount target in each zone, NFS only from the tasks, and one access
point that makes every client the image's odoo user (ODOO_UID_GID: 100:101 in 18.0/19.0, 101:101
in 17.0) under /odoo. The file system policy refuses clients without TLS or without IAM. The data
outlives the program: protect and retain_on_delete.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

ROOT_DIRECTORY = "/odoo"
# Files the tasks have not read for 30 days move to Infrequent Access; the first read moves them back.
IA_AFTER = "AFTER_30_DAYS"


def file_system_policy(file_system_arn: str, access_point_arn: str, host_role_arn: Optional[str] = None) -> dict:
    """Mounts over TLS, through a mount target and the stack's access point only (AWS's "prevent
    anonymous access" and "enforce in-transit encryption", narrowed to the access point); while the
    host is kept, its role may mount the root as root, to copy the filestore with its owners."""
    statements = [
        {"Sid": "MountThroughTheAccessPoint", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": file_system_arn,
         "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"},
                       "ArnEquals": {"elasticfilesystem:AccessPointArn": access_point_arn}}},
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": file_system_arn,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]
    if host_role_arn:
        statements.insert(1, {
            "Sid": "HostCopiesTheFilestore", "Effect": "Allow", "Principal": {"AWS": host_role_arn},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                       "elasticfilesystem:ClientRootAccess"], "Resource": file_system_arn,
            "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}})
    return {"Version": "2012-10-17", "Statement": statements}


@dataclass
class FilestoreArgs:
    stack: str
    kms_key_arn: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    uid: int
    gid: int
    # The host's role while it is kept (the filestore copy of the move 6 -> 7 runs there as root).
    host_role_arn: Optional[pulumi.Input[str]] = None
    host_role_name: Optional[pulumi.Input[str]] = None


def host_copy_policy(file_system_arn: str) -> dict:
    """The host role's own side of the copy: mount this file system as root, through a mount target."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "CopyTheFilestoreToEfs", "Effect": "Allow",
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
                   "elasticfilesystem:ClientRootAccess"], "Resource": file_system_arn,
        "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}}]}


class Filestore(pulumi.ComponentResource):
    file_system_id: pulumi.Output[str]
    file_system_arn: pulumi.Output[str]
    access_point_id: pulumi.Output[str]
    access_point_arn: pulumi.Output[str]

    def __init__(self, name: str, args: FilestoreArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:Filestore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": args.stack, "Name": f"odoo-ladder-{args.stack}-filestore"}
        files = aws.efs.FileSystem(
            f"{name}-efs", encrypted=True, kms_key_id=args.kms_key_arn, throughput_mode="elastic",
            performance_mode="generalPurpose",
            lifecycle_policies=[{"transition_to_ia": IA_AFTER},
                                {"transition_to_primary_storage_class": "AFTER_1_ACCESS"}],
            tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True))
        aws.efs.BackupPolicy(f"{name}-backup", file_system_id=files.id, backup_policy={"status": "ENABLED"},
                             opts=child)
        targets = [aws.efs.MountTarget(f"{name}-target-{index}", file_system_id=files.id, subnet_id=subnet,
                                       security_groups=[args.security_group_id], opts=child)
                   for index, subnet in enumerate(args.subnet_ids)]
        point = aws.efs.AccessPoint(
            f"{name}-access-point", file_system_id=files.id, tags=tags,
            posix_user={"uid": args.uid, "gid": args.gid},
            root_directory={"path": ROOT_DIRECTORY, "creation_info": {
                "owner_uid": args.uid, "owner_gid": args.gid, "permissions": "0750"}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=targets))
        aws.efs.FileSystemPolicy(f"{name}-policy", file_system_id=files.id, opts=child,
                                 policy=pulumi.Output.all(files.arn, point.arn, args.host_role_arn).apply(
                                     lambda arns: json.dumps(file_system_policy(*arns))))
        if args.host_role_name is not None:
            aws.iam.RolePolicy(f"{name}-host-copy", role=args.host_role_name, opts=child,
                               policy=files.arn.apply(lambda arn: json.dumps(host_copy_policy(arn))))
        self.file_system_id = files.id
        self.file_system_arn = files.arn
        self.access_point_id = point.id
        self.access_point_arn = point.arn
        self.register_outputs({"file_system_id": self.file_system_id, "access_point_id": self.access_point_id})
