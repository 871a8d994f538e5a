"""IAM documents of the tasks (pure: input -> dict): each task its own role, scoped to the stack.

- the execution role (ECS's agent, not the app): pull this stack's repository, write its log group;
- the task roles (what the code inside may do): read the stack's secrets (the same document as the
  host's, components/secrets/policy.py), mount the filestore through its access point only, and
  open ECS Exec's channel. No secret is in the task definition: the entrypoint reads the store.
"""
from __future__ import annotations

from components.registry.pull_policy import host_pull_policy
from components.secrets.key_policy import ADMIN_ACTIONS
from components.secrets.policy import parameter_path, read_policy

VERSION = "2012-10-17"
# ECS Exec's channel through SSM Session Manager; these actions have no resource-level scope.
EXEC_ACTIONS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
EFS_ACTIONS = ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")


def task_trust(partition: str, region: str, account: str) -> dict:
    """ecs-tasks may assume the role only for this account's tasks (the confused-deputy guard)."""
    return {"Version": VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account},
                      "ArnLike": {"aws:SourceArn": f"arn:{partition}:ecs:{region}:{account}:*"}}}]}


def service_trust(service: str, account: str) -> dict:
    """A role an AWS service assumes for this account (ECS's blue/green, EventBridge Scheduler)."""
    return {"Version": VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}


def execution_policy(repository_arn: str, log_group_arn: str) -> dict:
    pull = host_pull_policy(repository_arn)["Statement"]
    return {"Version": VERSION, "Statement": pull + [
        {"Sid": "WriteTaskLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"{log_group_arn}:log-stream:*"}]}


def filestore_statement(file_system_arn: str, access_point_arn: str) -> dict:
    """Mount and write the filestore, only through the stack's access point (its uid/gid, its root)."""
    return {"Sid": "MountFilestoreThroughAccessPoint", "Effect": "Allow", "Action": list(EFS_ACTIONS),
            "Resource": file_system_arn,
            "Condition": {"ArnEquals": {"elasticfilesystem:AccessPointArn": access_point_arn},
                          "Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}}


def exec_statement() -> dict:
    return {"Sid": "EcsExecChannel", "Effect": "Allow", "Action": list(EXEC_ACTIONS), "Resource": "*"}


def task_policy(store: str, partition: str, region: str, account: str, stack: str, kms_key_arn: str,
                file_system_arn: str, access_point_arn: str) -> dict:
    secrets = read_policy(store, partition, region, account, parameter_path(stack), kms_key_arn)
    return {"Version": VERSION, "Statement": secrets["Statement"] + [
        filestore_statement(file_system_arn, access_point_arn), exec_statement()]}


def alarm_key_policy(partition: str, region: str, account: str) -> dict:
    """The alarm topic's key: CloudWatch (for this account's alarms) encrypts what it publishes, the
    account's principals use it only through SNS; administered by the account, used by no one else."""
    root = f"arn:{partition}:iam::{account}:root"
    return {"Version": VERSION, "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": root}, "Action": list(ADMIN_ACTIONS),
         "Resource": "*"},
        {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "AccountUseViaSns", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"sns.{region}.amazonaws.com", "kms:CallerAccount": account}}},
    ]}
