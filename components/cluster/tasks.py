"""The task definitions and their roles: web (Odoo + sidecar) and cron, ARM64 Fargate by default.

Each task has its own role (components/cluster/policies.py): the secrets under the stack's path,
the filestore through its access point, ECS Exec. The execution role (the agent's) pulls the image
and writes the log group. The filestore is EFS through the access point, TLS and IAM on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.cluster.containers import CONFIG_DIR, CONFIG_VOLUME, FILESTORE_VOLUME, cron_containers, web_containers
from components.cluster.names import ecs_name
from components.cluster.policies import execution_policy, task_policy, task_trust
from components.cluster.task_config import task_odoo_conf
from components.cluster.upgrade import upgrade_command
from components.proxy.sidecar import render_sidecar, sidecar_site
from components.secrets.policy import parameter_path
from configs.load import LadderConfig

ARCHITECTURES = {"arm64": "ARM64", "x86_64": "X86_64"}


def volumes(file_system_id: pulumi.Input[str], access_point_id: pulumi.Input[str]) -> list[dict]:
    return [{"name": CONFIG_VOLUME},  # the task's own storage: the configs the `config` container writes
            {"name": FILESTORE_VOLUME, "efs_volume_configuration": {
                "file_system_id": file_system_id, "transit_encryption": "ENABLED",
                "authorization_config": {"access_point_id": access_point_id, "iam": "ENABLED"}}}]


@dataclass
class TasksArgs:
    cfg: LadderConfig
    image: str
    db_host: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    repository_arn: pulumi.Input[str]
    file_system_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    access_point_arn: pulumi.Input[str]


class Tasks(pulumi.ComponentResource):
    web_arn: pulumi.Output[str]
    cron_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TasksArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:Tasks", name, None, opts)
        cfg = args.cfg
        cluster = cfg.settings.cluster
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": cfg.stack}
        account = aws.get_caller_identity().account_id
        trust = json.dumps(task_trust("aws", cfg.region, account))
        store = cfg.components.secrets or "ssm"
        path = parameter_path(cfg.stack)

        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=f"/odoo-ladder/{cfg.stack}/ecs",
                                       retention_in_days=cluster.log_retention_days, tags=tags, opts=child)
        execution = aws.iam.Role(f"{name}-execution", assume_role_policy=trust, tags=tags, opts=child,
                                 description=f"odoo-ladder {cfg.stack}: ECS pulls the image and writes the logs")
        aws.iam.RolePolicy(f"{name}-execution", role=execution.name, opts=child,
                           policy=pulumi.Output.all(args.repository_arn, logs.arn).apply(
                               lambda a: json.dumps(execution_policy(*a))))

        def task_role(role: str) -> aws.iam.Role:
            found = aws.iam.Role(f"{name}-{role}", assume_role_policy=trust, tags=tags, opts=child,
                                 description=f"odoo-ladder {cfg.stack}: the {role} task")
            aws.iam.RolePolicy(f"{name}-{role}", role=found.name, opts=child, policy=pulumi.Output.all(
                args.kms_key_arn, args.file_system_arn, args.access_point_arn).apply(
                lambda a: json.dumps(task_policy(store, "aws", cfg.region, account, cfg.stack, *a))))
            return found

        sidecar = render_sidecar(sidecar_site(cfg.settings.domain, cfg.settings.odoo.version), CONFIG_DIR,
                                 cfg.components.proxy)
        grace = cluster.health_check_grace_seconds

        def web(values: list) -> str:
            db_host, group = values
            return json.dumps(web_containers(args.image, task_odoo_conf(cfg, "web", db_host), sidecar, store, path,
                                             cfg.region, group, grace))

        def cron(values: list) -> str:
            db_host, group = values
            return json.dumps(cron_containers(args.image, task_odoo_conf(cfg, "cron", db_host), store, path,
                                              cfg.region, group))

        common = dict(network_mode="awsvpc", requires_compatibilities=["FARGATE"], execution_role_arn=execution.arn,
                      runtime_platform={"operating_system_family": "LINUX",
                                        "cpu_architecture": ARCHITECTURES[cluster.architecture]},
                      volumes=volumes(args.file_system_id, args.access_point_id), tags=tags, opts=child)
        on_both = pulumi.Output.all(args.db_host, logs.name)
        web_task = aws.ecs.TaskDefinition(f"{name}-web", family=ecs_name(cfg.stack, "web"), cpu=str(cluster.cpu),
                                          memory=str(cluster.memory), task_role_arn=task_role("web").arn,
                                          container_definitions=on_both.apply(web), **common)
        cron_task = aws.ecs.TaskDefinition(f"{name}-cron", family=ecs_name(cfg.stack, "cron"),
                                           cpu=str(cluster.cron_cpu), memory=str(cluster.cron_memory),
                                           task_role_arn=task_role("cron").arn,
                                           container_definitions=on_both.apply(cron), **common)
        # odoo.update_modules: the cron task's containers and role with `odoo -u` for a command, run once
        # per (image, modules) before the services roll (components/cluster/upgrade.py).
        self.upgrade_arn = None
        if cfg.settings.odoo.update_modules:
            def upgrade(values: list) -> str:
                db_host, group = values
                found = cron_containers(args.image, task_odoo_conf(cfg, "cron", db_host), store, path, cfg.region,
                                        group)
                found[-1]["command"] = upgrade_command(cfg.settings.odoo.update_modules)
                return json.dumps(found)

            self.upgrade_arn = aws.ecs.TaskDefinition(
                f"{name}-upgrade", family=ecs_name(cfg.stack, "upgrade"), cpu=str(cluster.cron_cpu),
                memory=str(cluster.cron_memory), task_role_arn=task_role("upgrade").arn,
                container_definitions=on_both.apply(upgrade), **common).arn
        self.web_arn = web_task.arn
        self.cron_arn = cron_task.arn
        self.log_group_name = logs.name
        self.execution_role_arn = execution.arn
        self.register_outputs({"web_arn": self.web_arn, "cron_arn": self.cron_arn})
