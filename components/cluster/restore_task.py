"""Step 4's restore without the host: odoo-restore (components/backup/scripts, unchanged) as a one-off
ECS task definition that an operator runs with `aws ecs run-task` (docs/step7.md, "Restore").

It restores onto RDS the way the host does with DB_KIND=rds: the master (its secret read with the
task's role) creates the database, the set's SQL runs as Odoo's role; the filestore goes to EFS
through the access point. Its role reads sets and decrypts them (as the restore role: read only,
nothing written to the bucket); it never runs on a schedule. The arguments come from RESTORE_ARGS
(default `--list`), which `run-task --overrides` replaces.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.backup.policy import BACKUP_PREFIX, restore_role_policy, restore_task_role_name
from components.cluster.containers import CONFIG_DIR, SECRET_CONFIG_OUT, script_containers
from components.cluster.names import ecs_name
from components.cluster.one_off import packed, task_definition, task_role
from components.cluster.task_config import DB_PORT, DB_TLS_ENVIRONMENT, task_odoo_conf
from components.database.database import master_read_policy
from components.secrets.policy import parameter_path
from configs.load import LadderConfig

SCRIPT = Path(__file__).resolve().parent.parent / "backup" / "scripts" / "odoo-restore"
DATABASE_ENV_VARIABLE = "ODOO_LADDER_DATABASE_ENV"
# The download and the unpacked dump: Fargate's ephemeral storage (20 GiB by default), not EFS.
WORK_DIR = "/tmp/odoo-restore-work"
DEFAULT_ARGS = "--list"
CPU, MEMORY = 1024, 2048
# RESTORE_ARGS is split into words on purpose: set and database names hold no space (odoo-restore
# checks both). The passfiles odoo-restore writes go beside ODOO_RC, on the container's tmpfs.
COMMAND = f"set -eu; exec python3 {CONFIG_DIR}/odoo-restore ${{RESTORE_ARGS:-{DEFAULT_ARGS}}}"


def database_env(db_host: str, master_secret_arn: str, region: str) -> str:
    """odoo-restore's --database-env for RDS: where, how to verify it, whose secret; no password."""
    return (f"DB_KIND=rds\nPGHOST={db_host}\nPGPORT={DB_PORT}\nPGSSLMODE={DB_TLS_ENVIRONMENT['PGSSLMODE']}\n"
            f"PGSSLROOTCERT={DB_TLS_ENVIRONMENT['PGSSLROOTCERT']}\nMASTER_SECRET_ARN={master_secret_arn}\n"
            f"AWS_REGION={region}\n")


@dataclass
class RestoreTaskArgs:
    cfg: LadderConfig
    image: str
    db_host: pulumi.Input[str]
    master_secret_arn: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    backup_key_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    file_system_id: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    access_point_arn: pulumi.Input[str]


class RestoreTask(pulumi.ComponentResource):
    task_arn: pulumi.Output[str]
    family: str
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RestoreTaskArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:RestoreTask", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        store = cfg.components.secrets or "ssm"
        path = parameter_path(cfg.stack)

        role = task_role(name, restore_task_role_name(cfg.stack), "the one-off restore task", cfg, args.kms_key_arn,
                         args.file_system_arn, args.access_point_arn, child)
        aws.iam.RolePolicy(f"{name}-sets", role=role.name, opts=child, policy=pulumi.Output.all(
            args.bucket_name, args.backup_key_arn).apply(
            lambda a: json.dumps(restore_role_policy(f"arn:aws:s3:::{a[0]}", a[1]))))
        aws.iam.RolePolicy(f"{name}-master-read", role=role.name, opts=child, policy=pulumi.Output.all(
            args.master_secret_arn, args.kms_key_arn).apply(
            lambda a: json.dumps(master_read_policy(a[0], a[1], cfg.region))))

        def definitions(values: list) -> str:
            db_host, secret_arn, bucket, group = values
            environment = {"BACKUP_BUCKET": bucket, "BACKUP_PREFIX": BACKUP_PREFIX, "ODOO_DB": cfg.settings.odoo.db_name,
                           "ODOO_DATA_DIR": "/var/lib/odoo", "BACKUP_WORK_DIR": WORK_DIR,
                           "RESTORE_DATABASE_ENV": f"{CONFIG_DIR}/database.env", "RESTORE_ARGS": DEFAULT_ARGS,
                           # The complete config (db_user, db_password) the entrypoint writes before the script.
                           "RESTORE_ODOO_CONF": SECRET_CONFIG_OUT}
            files = {"database.env": (DATABASE_ENV_VARIABLE, database_env(db_host, secret_arn, cfg.region))}
            return json.dumps(script_containers("restore", args.image, task_odoo_conf(cfg, "cron", db_host),
                                                ("odoo-restore", packed(SCRIPT)), store, path, cfg.region, group,
                                                environment, COMMAND, files))

        self.family = ecs_name(cfg.stack, "restore")
        task = task_definition(name, cfg, self.family, CPU, MEMORY, args.execution_role_arn, role.arn,
                               args.file_system_id, args.access_point_id, pulumi.Output.all(
                                   args.db_host, args.master_secret_arn, args.bucket_name,
                                   args.log_group_name).apply(definitions), child)
        self.task_arn = task.arn
        self.role_arn = role.arn
        self.register_outputs({"task_arn": self.task_arn, "role_arn": self.role_arn})
