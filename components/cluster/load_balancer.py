"""The ALB: HTTPS with the ACM certificate (TLS 1.3 policy), HTTP redirected, access logs in S3.

- drop_invalid_header_fields: a header name with other characters than letters, digits and '-'
  never reaches the sidecar (request smuggling through odd names).
- preserve_host_header on: the Host the browser sent reaches the sidecar unchanged (AWS's default
  may append the listener port), and the sidecar sets X-Forwarded-Host from it.
- HTTPS forwards only the site's name (a host-header rule); any other Host gets the ALB's own 404.
- deletion protection on: the ALB's DNS name is what the site's record points at.
- the idle timeout is cluster.idle_timeout (long reports send nothing until done); websockets
  are kept alive by Odoo's 45 s ping.
- the target group sends to the sidecar's port (ip targets: awsvpc tasks); health is /web/health.
- the site's name: components/dns's record, an alias to the ALB from cluster.cutover on.
- blue_green: a second target group; the site's rule is the production listener rule ECS switches.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.cluster.access_logs import PREFIX, access_log_policy
from components.cluster.names import lb_name
from components.proxy.sidecar import ALB_PRESERVE_HOST_HEADER, HEALTH_PATH, SIDECAR_PORT

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# In-flight requests of a stopping task may finish within this (Odoo's long requests are reports).
DEREGISTRATION_DELAY = 60


@dataclass
class LoadBalancerArgs:
    stack: str
    region: str
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    certificate_arn: pulumi.Input[str]
    idle_timeout: int
    access_log_days: int
    domain: str
    blue_green: bool = False


class LoadBalancer(pulumi.ComponentResource):
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    alternate_target_group_arn: Optional[pulumi.Output[str]]
    production_rule_arn: Optional[pulumi.Output[str]]
    log_bucket: pulumi.Output[str]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": args.stack}
        account = aws.get_caller_identity().account_id

        bucket = aws.s3.Bucket(f"{name}-logs", tags=tags, force_destroy=True, opts=child)
        # Versioned like every bucket of the stack; old versions expire with the logs.
        aws.s3.BucketVersioning(f"{name}-logs", bucket=bucket.id, versioning_configuration={"status": "Enabled"},
                                opts=child)
        aws.s3.BucketPublicAccessBlock(f"{name}-logs", bucket=bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        aws.s3.BucketOwnershipControls(f"{name}-logs", bucket=bucket.id,
                                       rule={"object_ownership": "BucketOwnerEnforced"}, opts=child)
        # ALB access logs take SSE-S3 only (not KMS).
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-logs", bucket=bucket.id, opts=child,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}])
        aws.s3.BucketLifecycleConfiguration(f"{name}-logs", bucket=bucket.id, opts=child, rules=[{
            "id": "expire-access-logs", "status": "Enabled", "filter": {"prefix": f"{PREFIX}/"},
            "expiration": {"days": args.access_log_days},
            "noncurrent_version_expiration": {"noncurrent_days": 1},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 2}}])
        policy = aws.s3.BucketPolicy(f"{name}-logs", bucket=bucket.id, opts=child, policy=bucket.arn.apply(
            lambda arn: json.dumps(access_log_policy(arn, "aws", args.region, account))))

        balancer = aws.lb.LoadBalancer(
            f"{name}-alb", name=lb_name(args.stack, "alb"), load_balancer_type="application", internal=False,
            subnets=args.subnet_ids, security_groups=[args.security_group_id], idle_timeout=args.idle_timeout,
            drop_invalid_header_fields=True, enable_deletion_protection=True,
            preserve_host_header=ALB_PRESERVE_HOST_HEADER,
            access_logs={"bucket": bucket.bucket, "prefix": PREFIX, "enabled": True}, tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

        def target_group(suffix: str) -> aws.lb.TargetGroup:
            return aws.lb.TargetGroup(
                f"{name}-{suffix}", name=lb_name(args.stack, suffix), vpc_id=args.vpc_id, target_type="ip",
                port=SIDECAR_PORT, protocol="HTTP", deregistration_delay=DEREGISTRATION_DELAY, tags=tags,
                health_check={"path": HEALTH_PATH, "port": "traffic-port", "protocol": "HTTP", "matcher": "200",
                              "interval": 15, "timeout": 5, "healthy_threshold": 2, "unhealthy_threshold": 3},
                opts=child)

        blue = target_group("blue")
        aws.lb.Listener(f"{name}-http", load_balancer_arn=balancer.arn, port=80, protocol="HTTP", opts=child, tags=tags,
                        default_actions=[{"type": "redirect", "redirect": {
                            "protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}])
        # Only the site's name reaches Odoo; any other Host (a scanner on the ALB's address) gets 404
        # from the ALB itself (the sidecar copies Host into X-Forwarded-Host and trusts it).
        https = aws.lb.Listener(f"{name}-https", load_balancer_arn=balancer.arn, port=443, protocol="HTTPS",
                                ssl_policy=TLS_POLICY, certificate_arn=args.certificate_arn, opts=child, tags=tags,
                                default_actions=[{"type": "fixed-response", "fixed_response": {
                                    "content_type": "text/plain", "message_body": "unknown host",
                                    "status_code": "404"}}])
        self.alternate_target_group_arn = None
        groups = [{"arn": blue.arn, "weight": 100}]
        if args.blue_green:
            green = target_group("green")
            groups.append({"arn": green.arn, "weight": 0})
            self.alternate_target_group_arn = green.arn
        # The site's rule is the production listener rule ECS's blue/green switches between the two
        # groups; ECS moves the weights during a deployment, so Pulumi must not move them back.
        rule = aws.lb.ListenerRule(
            f"{name}-https-site", listener_arn=https.arn, priority=1, tags=tags,
            conditions=[{"host_header": {"values": [args.domain]}}],
            actions=[{"type": "forward", "forward": {"target_groups": groups}}],
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["actions"] if args.blue_green else []))
        self.production_rule_arn = rule.arn if args.blue_green else None

        # The site's name is components/dns's record (one resource on every step), an alias to this
        # ALB from the cut-over on (cluster.cutover).

        self.arn_suffix = balancer.arn_suffix
        self.dns_name = balancer.dns_name
        self.zone_id = balancer.zone_id
        self.target_group_arn = blue.arn
        self.target_group_arn_suffix = blue.arn_suffix
        self.log_bucket = bucket.bucket
        self.register_outputs({"dns_name": self.dns_name, "target_group_arn": self.target_group_arn,
                               "log_bucket": self.log_bucket})
