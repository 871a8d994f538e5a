"""cluster.private_tasks: the tasks in private subnets, reaching AWS through VPC endpoints (no NAT).

Interface endpoints for what a task calls (ECR's API and registry, CloudWatch Logs, the secret
store and KMS, ECS Exec's SSM channel) and the S3 gateway endpoint (free) for ECR's image layers.
Each interface endpoint costs per hour in each zone: docs/step7.md compares it with public IPs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.cluster.security import HTTPS
from components.network.private_subnets import private_subnets

# Beside the network's public (10.42.0-1.0/24) and the database's private (10.42.10-11.0/24) subnets.
TASK_SUBNETS = ("10.42.20.0/24", "10.42.21.0/24")


def interface_services(store: str) -> tuple[str, ...]:
    """The services a task calls; the secret store is SSM or Secrets Manager, and ECS Exec needs
    ssmmessages either way."""
    return ("ecr.api", "ecr.dkr", "logs", "kms", "ssmmessages", "ssm" if store == "ssm" else "secretsmanager")


@dataclass
class PrivateNetworkArgs:
    stack: str
    region: str
    vpc_id: pulumi.Input[str]
    zones: list[str]
    tasks_group_id: pulumi.Input[str]
    store: str


class PrivateNetwork(pulumi.ComponentResource):
    subnet_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: PrivateNetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": args.stack, "Name": f"odoo-ladder-{args.stack}-tasks"}
        routes, subnets = private_subnets(f"{name}-routes", f"{name}-subnet", args.vpc_id, TASK_SUBNETS, args.zones,
                                          tags, child)
        endpoints = aws.ec2.SecurityGroup(f"{name}-endpoints", vpc_id=args.vpc_id, tags=tags, opts=child,
                                          description=f"odoo-ladder {args.stack} endpoints: HTTPS from the tasks")
        aws.vpc.SecurityGroupIngressRule(f"{name}-endpoints-from-tasks", security_group_id=endpoints.id,
                                         ip_protocol="tcp", from_port=HTTPS, to_port=HTTPS,
                                         referenced_security_group_id=args.tasks_group_id,
                                         description="HTTPS from the Odoo tasks", tags=tags, opts=child)
        for service in interface_services(args.store):
            aws.ec2.VpcEndpoint(f"{name}-{service.replace('.', '-')}", vpc_id=args.vpc_id,
                                service_name=f"com.amazonaws.{args.region}.{service}", vpc_endpoint_type="Interface",
                                subnet_ids=[s.id for s in subnets], security_group_ids=[endpoints.id],
                                private_dns_enabled=True, tags=tags, opts=child)
        aws.ec2.VpcEndpoint(f"{name}-s3", vpc_id=args.vpc_id, service_name=f"com.amazonaws.{args.region}.s3",
                            vpc_endpoint_type="Gateway", route_table_ids=[routes.id], tags=tags, opts=child)
        self.subnet_ids = [s.id for s in subnets]
        self.register_outputs({"subnet_ids": self.subnet_ids})
