"""The domain's A record: created in Route53 when a zone is configured, otherwise printed to create.

ACME can only succeed once the domain points at the host's Elastic IP.
"""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

RECORD_TTL = 300


class DnsArgs:
    def __init__(self, domain: str, public_ip: pulumi.Input[str], zone_id: Optional[str]):
        self.domain = domain
        self.public_ip = public_ip
        self.zone_id = zone_id


class Dns(pulumi.ComponentResource):
    record: pulumi.Output[dict]

    def __init__(self, name: str, args: DnsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:dns:Dns", name, None, opts)
        if args.zone_id:
            aws.route53.Record(f"{name}-a", zone_id=args.zone_id, name=args.domain, type="A", ttl=RECORD_TTL,
                               records=[args.public_ip], opts=pulumi.ResourceOptions(parent=self))
        self.record = pulumi.Output.from_input(args.public_ip).apply(
            lambda ip: {"name": args.domain, "type": "A", "value": ip, "ttl": RECORD_TTL,
                        "managed_by": "route53" if args.zone_id else "you: create it at your DNS provider"})
        self.register_outputs({"record": self.record})
