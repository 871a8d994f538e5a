"""The stack's passwords: given as Pulumi secrets or generated, and on AWS kept in SSM Parameter Store.

They stay Outputs marked secret from start to end; nothing here ever holds a plain value.
"""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from configs.load import SECRET_KEYS, LadderConfig


def parameter_path(stack: str) -> str:
    return f"/odoo-ladder/{stack}"


class CredentialsArgs:
    def __init__(self, cfg: LadderConfig):
        self.cfg = cfg


class Credentials(pulumi.ComponentResource):
    values: dict[str, pulumi.Output[str]]
    parameter_names: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: CredentialsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:credentials:Credentials", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        config = pulumi.Config()
        self.values = {}
        self.parameter_names = {}
        for key in SECRET_KEYS:
            if key in cfg.given_secrets:
                value = config.require_secret(key)
            else:
                # Letters and digits only: the value goes into odoo.conf and SQL without quoting.
                value = random.RandomPassword(f"{name}-{key}", length=32, special=False, opts=child).result
            self.values[key] = pulumi.Output.secret(value)
            if cfg.settings.target == "aws":
                parameter = aws.ssm.Parameter(
                    f"{name}-{key}", name=f"{parameter_path(cfg.stack)}/{key}", type="SecureString",
                    value=self.values[key], description=f"odoo-ladder {cfg.stack}: {key}",
                    tags={"odoo-ladder:stack": cfg.stack}, opts=child)
                self.parameter_names[key] = parameter.name
        self.register_outputs({"parameter_names": self.parameter_names})
