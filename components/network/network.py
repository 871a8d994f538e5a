"""The AWS network: a VPC with public subnets in two zones and no NAT gateway.

Two zones from the start, so the RDS subnet group (step 5) and the ALB (step 7) fit without
moving the host's subnet.
"""
from __future__ import annotations

import pulumi
import pulumi_aws as aws

VPC_CIDR = "10.42.0.0/16"
PUBLIC_SUBNETS = ("10.42.0.0/24", "10.42.1.0/24")


class NetworkArgs:
    def __init__(self, stack: str, zones: list[str]):
        self.stack = stack
        # One per public subnet, the host's first (components/network/zones.py chooses them).
        self.zones = zones


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    zones: list[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("odoo-ladder:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"Name": f"odoo-ladder-{args.stack}", "odoo-ladder:stack": args.stack}

        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=VPC_CIDR, enable_dns_hostnames=True,
                          enable_dns_support=True, tags=tags, opts=child)
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=tags, opts=child)
        routes = aws.ec2.RouteTable(f"{name}-public", vpc_id=vpc.id, tags=tags, opts=child,
                                    routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}])
        subnets = []
        for index, cidr in enumerate(PUBLIC_SUBNETS):
            # A subnet stays in the zone it was made in: a different answer from a zone lookup (stacks
            # made before the zone was kept) must not replace it, nor the host inside it.
            subnet = aws.ec2.Subnet(f"{name}-public-{index}", vpc_id=vpc.id, cidr_block=cidr,
                                    availability_zone=args.zones[index],
                                    map_public_ip_on_launch=False, tags=tags,
                                    opts=pulumi.ResourceOptions(parent=self, ignore_changes=["availabilityZone"]))
            aws.ec2.RouteTableAssociation(f"{name}-public-{index}", subnet_id=subnet.id,
                                          route_table_id=routes.id, opts=child)
            subnets.append(subnet)

        self.vpc_id = vpc.id
        self.public_subnet_ids = [subnet.id for subnet in subnets]
        self.zones = list(args.zones)
        self.register_outputs({"vpc_id": self.vpc_id, "public_subnet_ids": self.public_subnet_ids})
