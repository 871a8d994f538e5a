"""The Odoo application: its compose project, delivered to the local engine or to the EC2 host."""
from __future__ import annotations

from typing import Optional

import pulumi

from components.app.bundle import render_bundle
from components.app.service import odoo_service
from components.credentials.credentials import Credentials, parameter_path
from components.delivery.local import LocalDelivery, LocalDeliveryArgs
from components.delivery.ssm import SsmDelivery, SsmDeliveryArgs
from configs.load import LadderConfig


class AppArgs:
    def __init__(self, cfg: LadderConfig, credentials: Credentials, host=None,
                 backup_bucket: Optional[pulumi.Output[str]] = None):
        self.cfg = cfg
        self.credentials = credentials
        self.host = host
        self.backup_bucket = backup_bucket


class App(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:app:App", name, None, opts)
        cfg = args.cfg
        service = odoo_service(cfg)
        child = pulumi.ResourceOptions(parent=self)
        if args.host is None:
            files = render_bundle(cfg)
            LocalDelivery(f"{name}-local", LocalDeliveryArgs(cfg.stack, files, service, args.credentials.values),
                          opts=child)
        else:
            # The backup commands name the bucket, known once AWS has created it.
            files = (args.backup_bucket.apply(lambda bucket: render_bundle(cfg, bucket))
                     if args.backup_bucket is not None else render_bundle(cfg))
            # The host must be able to read the secrets before the project starts.
            delivery = SsmDelivery(f"{name}-ssm", SsmDeliveryArgs(
                cfg.stack, cfg.region, files, service, args.host.instance_id, parameter_path(cfg.stack),
                depends_on=[args.credentials], secret_versions=args.credentials.versions), opts=child)
            self.association_id = delivery.association_id
        self.register_outputs({})
