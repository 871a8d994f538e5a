"""The stack's delivery: its bundle, to the local engine or to the EC2 host, chosen by the target."""
from __future__ import annotations

from typing import Optional

import pulumi

from components.app.service import odoo_service
from components.credentials.credentials import Credentials, parameter_path
from components.database.host_files import RdsEndpoint
from components.delivery.bundle import BUCKET_PLACEHOLDER, render_bundle
from components.delivery.local import LocalDelivery, LocalDeliveryArgs
from components.delivery.ssm import SsmDelivery, SsmDeliveryArgs
from configs.load import LadderConfig

# Until the bundle moved up to the delivery, an `App` component was the deliveries' parent. The
# alias keeps their resources' identity, so an existing stack updates them in place: replacing the
# local command would run its delete (`docker compose down`) after the new one started.
def _formerly_under_app() -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=pulumi.resource.create_urn("app", "odoo-ladder:app:App"))])


def _rds_endpoint(cfg: LadderConfig, database) -> pulumi.Output:
    """The RDS instance as the bundle needs it, once AWS has created it."""
    return pulumi.Output.all(database.address, database.port, database.master_secret_arn).apply(
        lambda parts: RdsEndpoint(parts[0], int(parts[1]), parts[2], cfg.region, cfg.settings.odoo.db_name,
                                  database.db_maxconn))


def deliver(cfg: LadderConfig, credentials: Credentials, host=None,
            backup_bucket: Optional[pulumi.Output[str]] = None, database=None) -> Optional[SsmDelivery]:
    """Returns the SSM delivery on AWS (its association id is exported), None locally."""
    service = odoo_service(cfg)
    if host is None:
        LocalDelivery("app-local", LocalDeliveryArgs(cfg.stack, render_bundle(cfg), service, credentials.values),
                      opts=_formerly_under_app())
        return None
    # The backup commands name the bucket, and odoo.conf the RDS endpoint, known once AWS has created them.
    endpoint = _rds_endpoint(cfg, database) if database is not None else None
    if backup_bucket is not None or endpoint is not None:
        files = pulumi.Output.all(backup_bucket, endpoint).apply(
            lambda parts: render_bundle(cfg, parts[0] if parts[0] is not None else BUCKET_PLACEHOLDER,
                                        database=parts[1]))
    else:
        files = render_bundle(cfg)
    # The host must be able to read the secrets before the project starts.
    return SsmDelivery("app-ssm", SsmDeliveryArgs(
        cfg.stack, cfg.region, files, service, host.instance_id, host.role_name, parameter_path(cfg.stack),
        depends_on=[credentials], secret_versions=credentials.versions),
        opts=_formerly_under_app())
