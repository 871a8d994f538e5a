"""Step 4's backup without the host: odoo-backup (components/backup/scripts, unchanged) as an ECS
task that EventBridge Scheduler runs daily at backup.time (UTC). Same set format, same bucket and
prefix; the database from RDS (as the odoo role, whose password the entrypoint reads with the
task's role), the filestore from EFS through the access point. A metric filter counts complete
sets for the backup-age alarm (components/cluster/alarm_specs.py).

The script travels in the task definition (gzip + base64, about 21 KB of the 64 KiB; ladder/limits.py
checks the whole definition), so the image needs nothing new but zstd (image/Dockerfile installs it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.backup.policy import BACKUP_PREFIX, backup_task_role_name, host_backup_policy
from components.cluster.alarm_specs import BACKUP_METRIC, backup_namespace
from components.cluster.containers import CONFIG_DIR, backup_containers
from components.cluster.names import ecs_name
from components.cluster.one_off import packed, task_definition, task_role
from components.cluster.policies import service_trust
from components.cluster.task_config import DB_PORT, task_odoo_conf
from components.secrets.policy import parameter_path
from configs.load import LadderConfig

SCRIPT = Path(__file__).resolve().parent.parent / "backup" / "scripts" / "odoo-backup"
CPU, MEMORY = 512, 1024
# The odoo role's password from the complete odoo.conf into a pgpass file on the container's tmpfs
# (':' and '\' escaped as libpq wants); nothing in the environment or on a command line.
COMMAND = (
    "set -eu; umask 077; "
    "sed -n 's/^db_password = //p' \"$ODOO_RC\" | sed 's/[\\\\:]/\\\\&/g; s/^/*:*:*:*:/' > /dev/shm/odoo-ladder/pgpass; "
    "export PGPASSFILE=/dev/shm/odoo-ladder/pgpass; "
    f"exec python3 {CONFIG_DIR}/odoo-backup")
SUCCESS_PATTERN = '"odoo-backup: set" "complete:"'


def packed_script() -> str:
    return packed(SCRIPT)


def schedule_expression(time: str) -> str:
    hours, minutes = time.split(":")
    return f"cron({int(minutes)} {int(hours)} * * ? *)"


def scheduler_policy(cluster_arn: str, task_family_arn: str, pass_roles: list[str]) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "RunTheBackupTask", "Effect": "Allow", "Action": "ecs:RunTask", "Resource": f"{task_family_arn}:*",
         "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}}},
        {"Sid": "PassItsRoles", "Effect": "Allow", "Action": "iam:PassRole", "Resource": pass_roles,
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}


@dataclass
class BackupScheduleArgs:
    cfg: LadderConfig
    image: str
    db_host: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    backup_key_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    public_ip: bool
    file_system_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    access_point_arn: pulumi.Input[str]


class BackupSchedule(pulumi.ComponentResource):
    task_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BackupScheduleArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:BackupSchedule", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": cfg.stack}
        account = aws.get_caller_identity().account_id
        store = cfg.components.secrets or "ssm"
        path = parameter_path(cfg.stack)

        role = task_role(name, backup_task_role_name(cfg.stack), "the backup task", cfg, args.kms_key_arn,
                         args.file_system_arn, args.access_point_arn, child)
        aws.iam.RolePolicy(f"{name}-sets", role=role.name, opts=child, policy=pulumi.Output.all(
            args.bucket_name, args.backup_key_arn).apply(
            lambda a: json.dumps(host_backup_policy(f"arn:aws:s3:::{a[0]}", a[1]))))

        def definitions(values: list) -> str:
            db_host, bucket, group = values
            environment = {"BACKUP_BUCKET": bucket, "BACKUP_PREFIX": BACKUP_PREFIX, "ODOO_DB": cfg.settings.odoo.db_name,
                           "ODOO_VERSION": cfg.settings.odoo.version, "PGHOST": db_host, "PGPORT": str(DB_PORT),
                           "PGUSER": "odoo", "BACKUP_WORK_DIR": "/tmp/odoo-backup-work",
                           "BACKUP_STATUS_FILE": "/tmp/odoo-backup/last-run.json"}
            return json.dumps(backup_containers(args.image, task_odoo_conf(cfg, "cron", db_host), packed_script(),
                                                store, path, cfg.region, group, environment, COMMAND))

        family = ecs_name(cfg.stack, "backup")
        task = task_definition(name, cfg, family, CPU, MEMORY, args.execution_role_arn, role.arn, args.file_system_id,
                               args.access_point_id, pulumi.Output.all(args.db_host, args.bucket_name,
                                                                       args.log_group_name).apply(definitions), child)

        scheduler = aws.iam.Role(f"{name}-scheduler", tags=tags, opts=child,
                                 assume_role_policy=json.dumps(service_trust("scheduler.amazonaws.com", account)),
                                 description=f"odoo-ladder {cfg.stack}: EventBridge Scheduler runs the backup task")
        family_arn = f"arn:aws:ecs:{cfg.region}:{account}:task-definition/{family}"
        aws.iam.RolePolicy(f"{name}-scheduler", role=scheduler.name, opts=child, policy=pulumi.Output.all(
            args.cluster_arn, args.execution_role_arn, role.arn).apply(
            lambda a: json.dumps(scheduler_policy(a[0], family_arn, [a[1], a[2]]))))
        aws.scheduler.Schedule(
            f"{name}-daily", name=family[:64], schedule_expression_timezone="UTC",
            schedule_expression=schedule_expression(cfg.settings.backup.time), flexible_time_window={"mode": "OFF"},
            target={"arn": args.cluster_arn, "role_arn": scheduler.arn,
                    "retry_policy": {"maximum_retry_attempts": 2, "maximum_event_age_in_seconds": 3600},
                    "ecs_parameters": {"task_definition_arn": task.arn, "launch_type": "FARGATE",
                                       "platform_version": "LATEST", "task_count": 1,
                                       "network_configuration": {"subnets": args.subnet_ids,
                                                                 "security_groups": [args.security_group_id],
                                                                 "assign_public_ip": args.public_ip}}},
            opts=child)
        aws.cloudwatch.LogMetricFilter(
            f"{name}-complete", log_group_name=args.log_group_name, pattern=SUCCESS_PATTERN, opts=child,
            metric_transformation={"name": BACKUP_METRIC, "namespace": backup_namespace(cfg.stack), "value": "1"})
        self.task_arn = task.arn
        self.role_arn = role.arn
        self.register_outputs({"task_arn": self.task_arn, "role_arn": self.role_arn})
