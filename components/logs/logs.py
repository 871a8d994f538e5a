"""Step 4, optional: container logs shipped to CloudWatch Logs (the docker awslogs driver)."""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from configs.load import LadderConfig

RETENTION_DAYS = 30


def log_group_name(stack: str) -> str:
    return f"/odoo-ladder/{stack}"


def host_logs_policy(log_group_arn: str) -> dict:
    """Write to the stack's own group, nothing else."""
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": [log_group_arn, f"{log_group_arn}:*"]}]}


def container_logging(cfg: LadderConfig) -> Optional[dict]:
    """The compose logging of every service when logs go to CloudWatch; None keeps the rotated
    json-file logs on the host."""
    if not (cfg.components.logs and cfg.settings.logs.cloudwatch):
        return None
    return {"driver": "awslogs", "options": {"awslogs-region": cfg.region, "awslogs-group": log_group_name(cfg.stack),
                                             "tag": "{{.Name}}"}}


class LogsArgs:
    def __init__(self, stack: str, host_role: pulumi.Input[str]):
        self.stack = stack
        self.host_role = host_role


class Logs(pulumi.ComponentResource):
    group_name: pulumi.Output[str]

    def __init__(self, name: str, args: LogsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:logs:Logs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = aws.cloudwatch.LogGroup(f"{name}-group", name=log_group_name(args.stack),
                                        retention_in_days=RETENTION_DAYS, opts=child,
                                        tags={"odoo-ladder:stack": args.stack})
        aws.iam.RolePolicy(f"{name}-host", role=args.host_role, opts=child,
                           policy=group.arn.apply(lambda arn: json.dumps(host_logs_policy(arn))))
        self.group_name = group.name
        self.register_outputs({"group_name": self.group_name})
