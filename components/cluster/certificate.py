"""The site's certificate from ACM, validated by DNS: records in Route53 when dns_zone_id is set,
else printed as a stack output for the user to create (the first `pulumi up` waits for them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

VALIDATION_TTL = 300


@dataclass
class CertificateArgs:
    stack: str
    domain: str
    zone_id: Optional[str]


def _records(options) -> list[dict]:
    return [{"name": o.resource_record_name, "type": o.resource_record_type, "value": o.resource_record_value}
            for o in options or []]


class Certificate(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    validation_records: pulumi.Output[list]

    def __init__(self, name: str, args: CertificateArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:Certificate", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate", domain_name=args.domain, validation_method="DNS",
            key_algorithm="EC_prime256v1", tags={"odoo-ladder:stack": args.stack},
            # A new certificate must exist before the listener lets go of the old one.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=False))
        self.validation_records = certificate.domain_validation_options.apply(_records)
        fqdns = None
        if args.zone_id:
            record = aws.route53.Record(
                f"{name}-validation", zone_id=args.zone_id, allow_overwrite=True, ttl=VALIDATION_TTL,
                name=self.validation_records.apply(lambda r: r[0]["name"]),
                type=self.validation_records.apply(lambda r: r[0]["type"]),
                records=[self.validation_records.apply(lambda r: r[0]["value"])], opts=child)
            fqdns = [record.fqdn]
        # Waits until ACM has validated the certificate (the records above, or the user's).
        validation = aws.acm.CertificateValidation(f"{name}-validation", certificate_arn=certificate.arn,
                                                   validation_record_fqdns=fqdns, opts=child)
        self.arn = validation.certificate_arn
        self.register_outputs({"arn": self.arn, "validation_records": self.validation_records})
