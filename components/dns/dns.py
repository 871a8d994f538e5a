"""The domain's A record: created in Route53 when a zone is configured, otherwise printed to create.

ACME can only succeed once the domain points at the host's Elastic IP. At step 7 the same record (one
resource for the name on every step) becomes an alias to the ALB at the cut-over: Route53 updates it
in place. Two resources for one name would not work: deleting the host's record deletes whatever
record set has that name and type, the alias included (terraform-provider-aws route53 record delete
finds the set by name and type).
"""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

RECORD_TTL = 300


class DnsArgs:
    def __init__(self, domain: str, public_ip: pulumi.Input[str], zone_id: Optional[str],
                 alias: Optional[tuple[pulumi.Input[str], pulumi.Input[str]]] = None):
        self.domain = domain
        self.public_ip = public_ip
        self.zone_id = zone_id
        self.alias = alias  # (DNS name, hosted zone id) of the ALB: the step-7 cut-over


class Dns(pulumi.ComponentResource):
    record: pulumi.Output[dict]

    def __init__(self, name: str, args: DnsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:dns:Dns", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.alias is not None:
            alb_name, alb_zone = args.alias
            if args.zone_id:
                aws.route53.Record(f"{name}-a", zone_id=args.zone_id, name=args.domain, type="A", opts=child,
                                   aliases=[{"name": alb_name, "zone_id": alb_zone, "evaluate_target_health": True}])
            self.record = pulumi.Output.from_input(alb_name).apply(
                lambda value: {"name": args.domain, "type": "A (alias)" if args.zone_id else "CNAME", "value": value,
                               "managed_by": "route53" if args.zone_id else "you: create it at your DNS provider"})
            self.register_outputs({"record": self.record})
            return
        if args.zone_id:
            aws.route53.Record(f"{name}-a", zone_id=args.zone_id, name=args.domain, type="A", ttl=RECORD_TTL,
                               records=[args.public_ip], opts=child)
        self.record = pulumi.Output.from_input(args.public_ip).apply(
            lambda ip: {"name": args.domain, "type": "A", "value": ip, "ttl": RECORD_TTL,
                        "managed_by": "route53" if args.zone_id else "you: create it at your DNS provider"})
        self.register_outputs({"record": self.record})
