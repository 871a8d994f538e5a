"""What the scheduled backup task and the one-off restore task share: a script carried in the task
definition, a task role of a fixed name with every task's rights, and a Fargate definition on EFS."""
from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.cluster.policies import task_policy, task_trust
from components.cluster.tasks import ARCHITECTURES, volumes
from configs.load import LadderConfig


def packed(script: Path) -> str:
    """gzip + base64: the config container unpacks it (components/cluster/containers.py)."""
    return base64.b64encode(gzip.compress(script.read_bytes(), mtime=0)).decode()


def task_role(name: str, role_name: str, what: str, cfg: LadderConfig, kms_key_arn: pulumi.Input[str],
              file_system_arn: pulumi.Input[str], access_point_arn: pulumi.Input[str],
              opts: pulumi.ResourceOptions) -> aws.iam.Role:
    """A fixed name, so the backup key's policy can name it by ARN before it exists; the store's reads
    and the filestore's mount, as every task (components/cluster/policies.py)."""
    account = aws.get_caller_identity().account_id
    role = aws.iam.Role(f"{name}-task", name=role_name,
                        assume_role_policy=json.dumps(task_trust("aws", cfg.region, account)),
                        description=f"odoo-ladder {cfg.stack}: {what}", tags={"odoo-ladder:stack": cfg.stack},
                        opts=opts)
    aws.iam.RolePolicy(f"{name}-task", role=role.name, opts=opts, policy=pulumi.Output.all(
        kms_key_arn, file_system_arn, access_point_arn).apply(
        lambda a: json.dumps(task_policy(cfg.components.secrets or "ssm", "aws", cfg.region, account, cfg.stack, *a))))
    return role


def task_definition(name: str, cfg: LadderConfig, family: str, cpu: int, memory: int,
                    execution_role_arn: pulumi.Input[str], role_arn: pulumi.Input[str],
                    file_system_id: pulumi.Input[str], access_point_id: pulumi.Input[str],
                    containers: pulumi.Input[str], opts: pulumi.ResourceOptions) -> aws.ecs.TaskDefinition:
    return aws.ecs.TaskDefinition(
        f"{name}-definition", family=family, cpu=str(cpu), memory=str(memory), network_mode="awsvpc",
        requires_compatibilities=["FARGATE"], execution_role_arn=execution_role_arn, task_role_arn=role_arn,
        runtime_platform={"operating_system_family": "LINUX",
                          "cpu_architecture": ARCHITECTURES[cfg.settings.cluster.architecture]},
        volumes=volumes(file_system_id, access_point_id), tags={"odoo-ladder:stack": cfg.stack}, opts=opts,
        container_definitions=containers)
