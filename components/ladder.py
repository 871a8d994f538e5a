"""The ladder: the resolved component set of a stack, built in dependency order."""
from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.backup.backup import Backup, BackupArgs
from components.cluster import settings as cluster_settings
from components.cluster.from_config import build_cluster
from components.cluster.names import deploy_names
from components.credentials.credentials import Credentials, CredentialsArgs
from components.database.database import Database, DatabaseArgs
from components.delivery.from_config import deliver
from components.dns.dns import Dns, DnsArgs
from components.host.host import Host, HostArgs
from components.logs.logs import Logs, LogsArgs
from components.network.network import PUBLIC_SUBNETS, Network, NetworkArgs
from components.network.zones import host_zone, subnet_zones
from components.proxy.from_config import site_url
from components.registry.from_config import build_registry
from components.secrets.secrets import Secrets, SecretsArgs
from configs.load import LadderConfig
from configs.moves import STATE_OUTPUT, keeps_backup_bucket, keeps_rds, state_of


def build(cfg: LadderConfig) -> dict[str, pulumi.Input]:
    """Registers the stack's components and returns what the stack exports."""
    outputs: dict[str, pulumi.Input] = {"step": cfg.settings.step, "components": cfg.components.names()}
    if cfg.components.cluster:  # step 7: refused before any resource, naming the keys
        cluster_settings.check(cfg)
    host = None
    zone = None
    if cfg.components.host:
        available = aws.get_availability_zones(state="available").names
        zones = subnet_zones(host_zone(cfg, available), available, len(PUBLIC_SUBNETS))
        network = Network("network", NetworkArgs(cfg.stack, zones))
        host = Host("host", HostArgs(cfg, network.vpc_id, network.public_subnet_ids[0], network.zones[0]))
        zone = host.data_volume_zone
        outputs["data_volume_id"] = host.data_volume_id
        if host.instance_id is not None:  # none once retired (step 7: the cluster gives the url)
            outputs.update(public_ip=host.public_ip, instance_id=host.instance_id,
                           url=site_url(cfg) or host.public_ip.apply(lambda ip: f"http://{ip}:8069"))
        if cfg.components.proxy and not cfg.components.cluster:  # step 7: below, once the ALB exists
            dns = Dns("dns", DnsArgs(cfg.settings.domain, host.public_ip, cfg.settings.dns_zone_id))
            outputs["dns_record"] = dns.record
    else:
        outputs["url"] = site_url(cfg) or "http://localhost:8069"
    key_arn = None
    if host is not None:
        # On AWS the stack's own key encrypts its secrets from Step 0 (never aws/ssm).
        on_ecr = cfg.components.registry and cfg.settings.registry.kind == "ecr"
        key_arn = Secrets("secrets", SecretsArgs(cfg.stack, cfg.components.secrets or "ssm", cfg.region, host.role_arn,
                                                  registry=on_ecr,
                                                  rds=keeps_rds(cfg),
                                                  efs=cfg.components.cluster)).key_arn
    database = None
    if keeps_rds(cfg):
        # The delivery moves the data over on the first rollout, and back with database.allow_move_back
        # (components/delivery/database_steps.py).
        # A retired host (step 7) has no security group, and runs no admin step on the master's secret.
        running = host.instance_id is not None
        database = Database("database", DatabaseArgs(cfg, network.vpc_id, network.zones, host.security_group_id,
                                                     key_arn, host_role_name=host.role_name if running else None))
        outputs["database_address"] = database.address
        if database.export is not None:  # `ladder snapshot-export` takes these
            outputs.update(snapshot_export_bucket=database.export.bucket, snapshot_export_role=database.export.role_arn,
                           kms_key_arn=key_arn)
    credentials = Credentials("credentials", CredentialsArgs(
        cfg, reader_role=host.role_name if host else None, kms_key_arn=key_arn))
    outputs["admin_password"] = credentials.values["admin_password"]
    bucket = backup = backup_key = None
    if keeps_backup_bucket(cfg):
        # Below Step 4 with backup.retain, the bucket and its settings stay, without the host's part.
        backup = Backup("backup", BackupArgs(cfg, host.role_name, retained_only=not cfg.components.backup))
        outputs["backup_bucket"] = backup.bucket_name
        outputs["backup_restore_role_arn"] = backup.restore_role_arn  # odoo-restore's credentials
        backup_key = backup.key_arn
        bucket = backup.bucket_name if cfg.components.backup else None
    if cfg.components.logs and cfg.settings.logs.cloudwatch:
        outputs["log_group"] = Logs("logs", LogsArgs(cfg.stack, host.role_name)).group_name
    if cfg.components.registry:  # Step 6: ECR and the CI roles (none for Docker Hub)
        outputs.update(build_registry(cfg, host.role_name, key_arn, backup_key,
                                      deploy_names(cfg.stack) if cfg.components.cluster else None))
    if cfg.components.cluster:
        # Step 7: Odoo runs on ECS; the host stays (with its data volume) but gets no new rollout.
        # A retired host copies nothing to EFS: no NFS rule, no mount right.
        cluster = build_cluster(cfg, network, database, key_arn, host if host.instance_id is not None else None,
                                backup if bucket else None)
        outputs.update(cluster)
        # The site's one record: the host's Elastic IP until the cut-over, then an alias to the ALB.
        alias = (cluster["alb_dns_name"], cluster["alb_zone_id"]) if cfg.settings.cluster.cutover else None
        outputs["dns_record"] = Dns("dns", DnsArgs(cfg.settings.domain, host.public_ip, cfg.settings.dns_zone_id,
                                                   alias)).record
    delivery = None if cfg.components.cluster else deliver(cfg, credentials, host, backup_bucket=bucket,
                                                           database=database)
    if delivery is not None:
        outputs["apply_association_id"] = delivery.association_id
    # What the next `pulumi up` checks its move against (configs/moves.py).
    outputs[STATE_OUTPUT] = state_of(cfg, zone)
    return outputs
