"""The stack's delivery: its bundle, to the local engine or to the EC2 host, chosen by the target."""
from __future__ import annotations

from typing import Optional

import pulumi

from components.app.service import odoo_service
from components.credentials.credentials import Credentials, parameter_path
from components.delivery.bundle import render_bundle
from components.delivery.local import LocalDelivery, LocalDeliveryArgs
from components.delivery.ssm import SsmDelivery, SsmDeliveryArgs
from configs.load import LadderConfig

# Until the bundle moved up to the delivery, an `App` component was the deliveries' parent. The
# alias keeps their resources' identity, so an existing stack updates them in place: replacing the
# local command would run its delete (`docker compose down`) after the new one started.
def _formerly_under_app() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=pulumi.resource.create_urn("app", "odoo-ladder:app:App"))])


def deliver(cfg: LadderConfig, credentials: Credentials, host=None,
            backup_bucket: Optional[pulumi.Output[str]] = None) -> Optional[SsmDelivery]:
    """Returns the SSM delivery on AWS (its association id is exported), None locally."""
    service = odoo_service(cfg)
    if host is None:
        LocalDelivery("app-local", LocalDeliveryArgs(cfg.stack, render_bundle(cfg), service, credentials.values),
                      opts=_formerly_under_app())
        return None
    # The backup commands name the bucket, known once AWS has created it.
    files = (backup_bucket.apply(lambda bucket: render_bundle(cfg, bucket))
             if backup_bucket is not None else render_bundle(cfg))
    # The host must be able to read the secrets before the project starts.
    return SsmDelivery("app-ssm", SsmDeliveryArgs(
        cfg.stack, cfg.region, files, service, host.instance_id, host.role_name, parameter_path(cfg.stack),
        depends_on=[credentials], secret_versions=credentials.versions),
        opts=_formerly_under_app())
