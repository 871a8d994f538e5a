"""The host role's SSM agent policy: what Session Manager and the delivery need, and no secret.

It replaces the AWS-managed AmazonSSMManagedInstanceCore, which grants ssm:GetParameter(s) and
ssm:GetDocument on `*` (every parameter in the account whose key lets the account decrypt through
SSM, as aws/ssm does). Pure functions (input -> dict); the host json.dumps the result into an
inline `aws.iam.RolePolicy`. Each action kept, and why (docs/secrets.md lists them too):

- ssm:UpdateInstanceInformation: the agent registers and sends its heartbeat; without it the
  instance is not "managed" and neither Session Manager nor Run Command/State Manager reach it.
- ssmmessages:Create/OpenControlChannel, Create/OpenDataChannel: Session Manager's channels
  (and the agent's control channel on current agents).
- ec2messages:*Message, GetEndpoint, SendReply: Run Command / State Manager deliver commands to
  the agent through this service, and the agent acknowledges and replies through it.
- ssm:ListAssociations, ListInstanceAssociations, DescribeAssociation, UpdateAssociationStatus,
  UpdateInstanceAssociationStatus: the agent finds the stack's State Manager association (the
  delivery), reads it and reports its status, which `pulumi up` waits for.
- ssm:GetDocument, ssm:DescribeDocument: the agent fetches the association's document, only the
  documents tagged with this stack (the delivery tags its document `odoo-ladder:stack=<stack>`),
  or exactly the ARNs given.

Left out on purpose: ssm:GetParameter(s) (the secrets policy grants the stack's path only),
ssm:PutInventory and ssm:PutComplianceItems (used by inventory and patching associations, which
this project does not create; an association's compliance is recorded by the service from
UpdateInstanceAssociationStatus), ssm:GetManifest, ssm:PutConfigurePackageResult and
ssm:GetDeployablePatchSnapshotForInstance (Distributor and Patch Manager).

The messaging and registration actions have no resource scoping worth having (ssmmessages and
ec2messages support none); they read nothing stored. Everything that holds data is scoped.
"""
from __future__ import annotations

import re

from components.secrets.inputs import check, check_account_place, check_path

STACK_TAG = "odoo-ladder:stack"

AGENT_REGISTRATION_ACTIONS = ("ssm:UpdateInstanceInformation",)
SESSION_CHANNEL_ACTIONS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                           "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
COMMAND_MESSAGE_ACTIONS = ("ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage",
                           "ec2messages:FailMessage", "ec2messages:GetEndpoint",
                           "ec2messages:GetMessages", "ec2messages:SendReply")
ASSOCIATION_READ_ACTIONS = ("ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:DescribeAssociation")
# These two name an association or a document (and the instance) as required resources: scoped to
# this account and region.
ASSOCIATION_STATUS_ACTIONS = ("ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus")
DOCUMENT_READ_ACTIONS = ("ssm:GetDocument", "ssm:DescribeDocument")
# Every way to read a parameter's value; denied outside the stack's path whatever else allows it.
PARAMETER_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                          "ssm:GetParameterHistory")

_STACK = re.compile(r"^[A-Za-z0-9._-]+$")
_DOCUMENT_ARN = re.compile(r"^arn:aws(-[a-z]+)*:ssm:[a-z0-9-]+:\d{12}:document/[A-Za-z0-9._-]{3,128}$")


def agent_policy(partition: str, region: str, account_id: str, path: str, stack: str,
                 document_arns: list[str] | None = None) -> dict:
    """The role's agent policy. document_arns: when given, GetDocument is scoped to exactly these
    (the delivery may pass its own); otherwise to this stack's tagged documents in the region."""
    check_account_place(partition, region, account_id)
    check_path(path)
    check("stack", stack, _STACK, "a Pulumi stack name")
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AgentRegistration", "Effect": "Allow", "Action": list(AGENT_REGISTRATION_ACTIONS),
         "Resource": "*"},
        {"Sid": "SessionManagerChannels", "Effect": "Allow", "Action": list(SESSION_CHANNEL_ACTIONS),
         "Resource": "*"},
        {"Sid": "RunCommandMessages", "Effect": "Allow", "Action": list(COMMAND_MESSAGE_ACTIONS),
         "Resource": "*"},
        {"Sid": "StateManagerAssociations", "Effect": "Allow", "Action": list(ASSOCIATION_READ_ACTIONS),
         "Resource": "*"},
        {"Sid": "StateManagerStatus", "Effect": "Allow", "Action": list(ASSOCIATION_STATUS_ACTIONS),
         "Resource": [f"arn:{partition}:ssm:{region}:{account_id}:association/*",
                      f"arn:{partition}:ssm:{region}:{account_id}:document/*",
                      f"arn:{partition}:ec2:{region}:{account_id}:instance/*"]},
        document_statement(partition, region, account_id, stack, document_arns),
        deny_other_parameters(partition, region, account_id, path),
    ]}


def document_statement(partition: str, region: str, account_id: str, stack: str,
                       document_arns: list[str] | None = None) -> dict:
    statement = {"Sid": "ReadStackDocuments", "Effect": "Allow", "Action": list(DOCUMENT_READ_ACTIONS)}
    if document_arns is not None:
        for arn in document_arns:
            check("document_arn", arn, _DOCUMENT_ARN, "arn:<partition>:ssm:<region>:<account>:document/<name>")
        return {**statement, "Resource": list(document_arns)}
    return {**statement, "Resource": f"arn:{partition}:ssm:{region}:{account_id}:document/*",
            "Condition": {"StringEquals": {f"aws:ResourceTag/{STACK_TAG}": stack}}}


def deny_other_parameters(partition: str, region: str, account_id: str, path: str) -> dict:
    """An explicit Deny outside the stack's path, so no later Allow (a managed policy attached by
    hand, a wider statement) can open another stack's or the account's parameters to the host.
    Across regions and accounts too: the NotResource names this region and account only."""
    parameter = f"arn:{partition}:ssm:{region}:{account_id}:parameter"
    return {"Sid": "DenyParametersOutsideTheStackPath", "Effect": "Deny",
            "Action": list(PARAMETER_READ_ACTIONS),
            # The path itself stays out of the Deny: GetParametersByPath is authorized against it.
            "NotResource": [f"{parameter}{path}", f"{parameter}{path}/*"]}
