"""The cluster's security groups: traffic flows only internet -> ALB -> tasks -> RDS / EFS (and,
while the host of steps 0-6 is kept, host -> EFS for the filestore copy of the move).

No inline rules: each rule is its own resource that names its peer group by id (never a CIDR
inside the VPC), so the graph is what tests/cluster/test_security_groups.py reads. The tasks reach
the internet only on 443 (ECR, SSM, CloudWatch Logs; through endpoints with private_tasks) and on
SMTP submission (465, 587) for Odoo's outgoing mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.proxy.sidecar import SIDECAR_PORT

HTTP, HTTPS, POSTGRES, NFS = 80, 443, 5432, 2049
SMTP_SUBMISSION = (465, 587)
WORLD = "0.0.0.0/0"


@dataclass
class SecurityGroupsArgs:
    stack: str
    vpc_id: pulumi.Input[str]
    database_group_id: pulumi.Input[str]
    # The host of steps 0-6 while it is kept: it mounts EFS to copy the filestore (the move 6 -> 7).
    host_group_id: Optional[pulumi.Input[str]] = None


class SecurityGroups(pulumi.ComponentResource):
    alb: pulumi.Output[str]
    tasks: pulumi.Output[str]
    filestore: pulumi.Output[str]

    def __init__(self, name: str, args: SecurityGroupsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:SecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": args.stack}

        def group(suffix: str, what: str) -> aws.ec2.SecurityGroup:
            return aws.ec2.SecurityGroup(f"{name}-{suffix}", vpc_id=args.vpc_id, opts=child,
                                         description=f"odoo-ladder {args.stack} {what}",
                                         tags={**tags, "Name": f"odoo-ladder-{args.stack}-{suffix}"})

        def ingress(suffix: str, group_id, port: int, why: str, cidr: str | None = None, source=None) -> None:
            aws.vpc.SecurityGroupIngressRule(f"{name}-{suffix}", security_group_id=group_id, ip_protocol="tcp",
                                             from_port=port, to_port=port, cidr_ipv4=cidr,
                                             referenced_security_group_id=source, description=why, tags=tags, opts=child)

        def egress(suffix: str, group_id, port: int, why: str, cidr: str | None = None, target=None) -> None:
            aws.vpc.SecurityGroupEgressRule(f"{name}-{suffix}", security_group_id=group_id, ip_protocol="tcp",
                                            from_port=port, to_port=port, cidr_ipv4=cidr,
                                            referenced_security_group_id=target, description=why, tags=tags, opts=child)

        alb = group("alb", "load balancer: 80/443 from the internet")
        tasks = group("tasks", "Odoo tasks: the sidecar's port from the ALB only")
        filestore = group("efs", "filestore: NFS from the tasks only")

        ingress("alb-http", alb.id, HTTP, "HTTP, redirected to HTTPS", cidr=WORLD)
        ingress("alb-https", alb.id, HTTPS, "HTTPS", cidr=WORLD)
        egress("alb-to-tasks", alb.id, SIDECAR_PORT, "to the tasks' sidecar", target=tasks.id)
        ingress("tasks-from-alb", tasks.id, SIDECAR_PORT, "the sidecar, from the ALB", source=alb.id)
        egress("tasks-https", tasks.id, HTTPS, "ECR, SSM, CloudWatch Logs over HTTPS", cidr=WORLD)
        for port in SMTP_SUBMISSION:  # Odoo's outgoing mail (AWS blocks 25 by default anyway)
            egress(f"tasks-smtp-{port}", tasks.id, port, "Odoo's outgoing mail (SMTP submission)", cidr=WORLD)
        egress("tasks-to-db", tasks.id, POSTGRES, "PostgreSQL on RDS", target=args.database_group_id)
        egress("tasks-to-efs", tasks.id, NFS, "the filestore over NFS (TLS)", target=filestore.id)
        ingress("efs-from-tasks", filestore.id, NFS, "NFS from the tasks", source=tasks.id)
        if args.host_group_id is not None:
            ingress("efs-from-host", filestore.id, NFS, "NFS from the host, to copy the filestore (6 -> 7)",
                    source=args.host_group_id)
        # The database's group is the database component's; the tasks join the host as its clients.
        ingress("db-from-tasks", args.database_group_id, POSTGRES, "PostgreSQL from the Odoo tasks", source=tasks.id)

        self.alb, self.tasks, self.filestore = alb.id, tasks.id, filestore.id
        self.register_outputs({"alb": self.alb, "tasks": self.tasks, "filestore": self.filestore})
