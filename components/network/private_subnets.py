"""Private subnets, one per zone, on a route table of their own.

The table has no route but the VPC's local one, so a route added to the main table later cannot make
these subnets public. RDS (step 5) and the private ECS tasks (step 7) each get theirs.
"""
from __future__ import annotations

import pulumi
import pulumi_aws as aws


def private_subnets(table_name: str, subnet_prefix: str, vpc_id: pulumi.Input[str], cidrs: tuple[str, ...],
                    zones: list[str], tags: dict,
                    opts: pulumi.ResourceOptions) -> tuple[aws.ec2.RouteTable, list[aws.ec2.Subnet]]:
    """The table and `subnet_prefix`-0, -1, ... in `zones` in turn; `opts` carries the owning component as
    parent (a gateway endpoint may add its route to the table)."""
    routes = aws.ec2.RouteTable(table_name, vpc_id=vpc_id, tags=tags, opts=opts)
    subnets = []
    for index, cidr in enumerate(cidrs):
        subnet = aws.ec2.Subnet(f"{subnet_prefix}-{index}", vpc_id=vpc_id, cidr_block=cidr,
                                availability_zone=zones[index % len(zones)], map_public_ip_on_launch=False,
                                tags=tags, opts=opts)
        aws.ec2.RouteTableAssociation(f"{subnet_prefix}-{index}", subnet_id=subnet.id, route_table_id=routes.id,
                                      opts=opts)
        subnets.append(subnet)
    return routes, subnets
