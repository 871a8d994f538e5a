"""The stack's own KMS key for its secrets, on AWS from Step 0, whichever store keeps them.

The values and their storage are the credentials component's; this key, with its explicit key
policy (components/secrets/key_policy.py), is what makes them readable only by this stack's host,
and only through the store. The key is protected and retained: parameters, their history and
Secrets Manager versions stay encrypted under it, so no move on the ladder may delete it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.secrets.key_policy import key_alias, key_policy


@dataclass
class SecretsArgs:
    stack: str
    store: str  # ssm or secretsmanager: the only service through which the host may decrypt
    region: str
    host_role_arn: pulumi.Input[str]
    registry: bool = False  # step 6: ECR encrypts the stack's image repository with this key
    # RDS (step 5 on) encrypts with this key too.
    rds: bool = False
    # Step 7: EFS encrypts the filestore with this key.
    efs: bool = False


class Secrets(pulumi.ComponentResource):
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecretsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:secrets:Secrets", name, None, opts)
        account = aws.get_caller_identity().account_id
        policy = pulumi.Output.from_input(args.host_role_arn).apply(
            lambda role: json.dumps(key_policy("aws", args.region, account, role, args.store,
                                               registry=args.registry, rds=args.rds, efs=args.efs)))
        key = aws.kms.Key(f"{name}-key", description=f"odoo-ladder {args.stack}: the stack's secrets",
                          enable_key_rotation=True, deletion_window_in_days=30, policy=policy,
                          tags={"odoo-ladder:stack": args.stack},
                          opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True))
        aws.kms.Alias(f"{name}-alias", name=key_alias(args.stack), target_key_id=key.key_id,
                      opts=pulumi.ResourceOptions(parent=self))
        self.key_arn = key.arn
        self.register_outputs({"key_arn": self.key_arn})
