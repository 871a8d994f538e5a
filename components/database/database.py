"""PostgreSQL on RDS (step 5 on): private subnets, a subnet group, a TLS-only parameter group, an
encrypted instance that outlives the stack, and a security group that only the app's may reach.

The master user's password is RDS's own (Secrets Manager, under the stack's key, rotated by RDS);
only the one-shot admin steps (the migration, components/database/scripts) use it, never Odoo.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import json

import pulumi
import pulumi_aws as aws

from components.database import identifiers, settings
from components.database.parameters import FAMILY, parameters
from components.database.snapshot_export import SnapshotExport
from components.network.private_subnets import private_subnets
from configs.load import LadderConfig

# Private subnets, one per zone, beside the network's public ones (10.42.0-1.0/24); no NAT:
# RDS needs no egress.
PRIVATE_SUBNETS = ("10.42.10.0/24", "10.42.11.0/24")
PORT = 5432
MASTER_USERNAME = "ladder_admin"
ENGINE = "postgres"
# Performance Insights' free tier keeps 7 days.
PERFORMANCE_INSIGHTS_FREE_DAYS = 7


@dataclass
class DatabaseArgs:
    cfg: LadderConfig
    vpc_id: pulumi.Input[str]
    zones: list[str]
    # The host's security group, the only source of 5432 below step 7; at step 7 the tasks' group is
    # added (components/cluster/security.py), and with host.retire the host's is None: no rule for it.
    app_security_group_id: Optional[pulumi.Input[str]]
    kms_key_arn: pulumi.Input[str]
    # The host's role (steps 5-6): it reads the master's secret for the one-shot admin steps.
    host_role_name: Optional[pulumi.Input[str]] = None


class Database(pulumi.ComponentResource):
    address: pulumi.Output[str]
    port: pulumi.Output[int]
    identifier: str
    master_secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    # Odoo's db_maxconn for this class (components/database/connections.py says how).
    db_maxconn: int

    def __init__(self, name: str, args: DatabaseArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:database:Database", name, None, opts)
        cfg = args.cfg
        settings.check(cfg)
        db = cfg.settings.database
        child = pulumi.ResourceOptions(parent=self)
        tags = {"Name": f"odoo-ladder-{cfg.stack}-db", "odoo-ladder:stack": cfg.stack}
        identifier = identifiers.instance_identifier(cfg.stack)

        _, subnets = private_subnets(f"{name}-private", f"{name}-private", args.vpc_id, PRIVATE_SUBNETS, args.zones,
                                     tags, child)
        subnet_group = aws.rds.SubnetGroup(f"{name}-subnets", subnet_ids=[s.id for s in subnets], tags=tags,
                                           description=f"odoo-ladder {cfg.stack}: private, two zones", opts=child)

        # No inline rules: the one ingress rule below is its own resource, referencing the app's group
        # by id (never a CIDR), and there is no egress at all.
        group = aws.ec2.SecurityGroup(f"{name}-sg", vpc_id=args.vpc_id, tags=tags, opts=child,
                                      description=f"odoo-ladder {cfg.stack} database: 5432 from the app only")
        if args.app_security_group_id is not None:
            aws.vpc.SecurityGroupIngressRule(f"{name}-from-app", security_group_id=group.id, ip_protocol="tcp",
                                             from_port=PORT, to_port=PORT,
                                             referenced_security_group_id=args.app_security_group_id,
                                             description="PostgreSQL from the app's security group", tags=tags,
                                             opts=child)

        parameter_group = aws.rds.ParameterGroup(
            f"{name}-parameters", family=FAMILY, description=f"odoo-ladder {cfg.stack}: TLS only, slow statements",
            parameters=[{"name": key, "value": value, "apply_method": "immediate"}
                        for key, value in parameters(db).items()],
            tags=tags, opts=child)

        # Made before the instance so RDS does not create it without a retention.
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", name=identifiers.log_group_name(identifier),
                                       retention_in_days=db.log_retention_days, tags=tags, opts=child)

        instance = aws.rds.Instance(
            f"{name}-instance", identifier=identifier, engine=ENGINE, engine_version=db.engine_version,
            auto_minor_version_upgrade=True, instance_class=db.instance_class,
            allocated_storage=db.allocated_storage_gb, max_allocated_storage=db.max_allocated_storage_gb,
            storage_type="gp3", storage_encrypted=True, kms_key_id=args.kms_key_arn,
            db_subnet_group_name=subnet_group.name, vpc_security_group_ids=[group.id], port=PORT,
            publicly_accessible=False, parameter_group_name=parameter_group.name,
            username=MASTER_USERNAME, manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            backup_retention_period=db.backup_retention_days, backup_window=db.backup_window,
            maintenance_window=db.maintenance_window, multi_az=settings.multi_az(cfg),
            deletion_protection=True, skip_final_snapshot=False,
            final_snapshot_identifier=identifiers.final_snapshot_identifier(identifier),
            copy_tags_to_snapshot=True, delete_automated_backups=False,
            performance_insights_enabled=True, performance_insights_kms_key_id=args.kms_key_arn,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_FREE_DAYS,
            enabled_cloudwatch_logs_exports=["postgresql"], tags=tags,
            # The data outlives the program: protected from `pulumi destroy`, kept if removed from it.
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True, depends_on=[logs]))

        self.master_secret_arn = instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else "")
        if args.host_role_name is not None:
            # The host runs the move and sets Odoo's role password as the master: it may read that one
            # secret, and decrypt it only through Secrets Manager.
            aws.iam.RolePolicy(f"{name}-master-read", role=args.host_role_name, opts=child,
                               policy=pulumi.Output.all(self.master_secret_arn, args.kms_key_arn).apply(
                                   lambda parts: json.dumps(master_read_policy(parts[0], parts[1], cfg.region))))
        self.export = None
        if db.snapshot_export:
            self.export = SnapshotExport(name, cfg.stack, args.kms_key_arn, parent=self)
        self.identifier = identifier
        self.db_maxconn = settings.odoo_db_maxconn(cfg)
        self.address = instance.address
        self.port = instance.port
        self.security_group_id = group.id
        self.register_outputs({"address": self.address, "port": self.port,
                               "security_group_id": self.security_group_id})


def master_read_policy(secret_arn: str, key_arn: str, region: str) -> dict:
    """The host role's read of RDS's master secret (PLAN contract 1), nothing else of RDS's."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadRdsMasterSecret", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
         "Resource": [secret_arn]},
        {"Sid": "DecryptRdsMasterViaSecretsManager", "Effect": "Allow", "Action": ["kms:Decrypt"],
         "Resource": [key_arn],
         "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}},
    ]}
