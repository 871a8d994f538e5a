"""The Odoo application: its compose project, delivered to the local engine or to the EC2 host."""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.app.bundle import render_bundle
from components.app.service import odoo_service
from components.credentials.credentials import Credentials, parameter_path
from components.delivery.local import LocalDelivery, LocalDeliveryArgs
from components.delivery.ssm import SsmDelivery, SsmDeliveryArgs
from configs.load import LadderConfig


def host_read_policy(region: str, account_id: str, path: str) -> str:
    """The host may read (not write) its own stack's parameters, and decrypt them only through SSM."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
             "Resource": f"arn:aws:ssm:{region}:{account_id}:parameter{path}/*"},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}}},
        ],
    })


class AppArgs:
    def __init__(self, cfg: LadderConfig, credentials: Credentials, host=None):
        self.cfg = cfg
        self.credentials = credentials
        self.host = host


class App(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:app:App", name, None, opts)
        cfg = args.cfg
        files = render_bundle(cfg)
        service = odoo_service(cfg)
        if args.host is None:
            LocalDelivery(f"{name}-local", LocalDeliveryArgs(cfg.stack, files, service, args.credentials.values),
                          opts=pulumi.ResourceOptions(parent=self))
        else:
            account = aws.get_caller_identity().account_id
            path = parameter_path(cfg.stack)
            policy = aws.iam.RolePolicy(f"{name}-read-secrets", role=args.host.role_name,
                                        policy=host_read_policy(cfg.region, account, path),
                                        opts=pulumi.ResourceOptions(parent=self))
            SsmDelivery(f"{name}-ssm", SsmDeliveryArgs(
                cfg.stack, cfg.region, files, service, args.host.instance_id, path,
                depends_on=[policy, args.credentials]), opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})
