"""The services later steps bring in (written now against pulumi-aws's input names, so they hold
from the first resource): log groups, RDS (Step 5), ECR (Step 6), the ALB (Step 7)."""
from __future__ import annotations

import re

from .model import Resource, Rule, known
from .values import as_list, is_set, number

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LOAD_BALANCERS = {"aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"}
LISTENERS = {"aws:lb/listener:Listener", "aws:alb/listener:Listener"}
MIN_BACKUP_DAYS = 7
# ELB's predefined policies that refuse TLS 1.0 and 1.1 (ELBSecurityPolicy-TLS13-1-2-2021-06, -TLS-1-2-2017-01, -FS-1-2-*).
TLS12_POLICY = re.compile(r"TLS13-1-[23]|TLS-1-[23]|FS-1-2")


def log_retention_problems(resource: Resource) -> list[str]:
    """Without a retention, CloudWatch keeps logs (and bills them) forever, and what they leaked stays."""
    days = resource.get("retentionInDays")
    return [] if not known(days) or (number(days) or 0) > 0 else ["retentionInDays is not set: logs are kept forever"]


def rds_problems(resource: Resource) -> list[str]:
    problems = []
    if resource.type == RDS_INSTANCE and resource.get("publiclyAccessible") is True:
        problems.append("publiclyAccessible is true")
    if not is_set(resource.get("deletionProtection")):
        problems.append("deletionProtection is not true")
    days = resource.get("backupRetentionPeriod")
    if known(days) and (number(days) or 0) < MIN_BACKUP_DAYS:
        problems.append(f"backupRetentionPeriod is {number(days) or 0:g} days, under {MIN_BACKUP_DAYS} (PITR window)")
    return problems


def ecr_problems(resource: Resource) -> list[str]:
    problems = []
    mutability = resource.get("imageTagMutability")
    if known(mutability) and not str(mutability or "MUTABLE").startswith("IMMUTABLE"):
        problems.append(f"imageTagMutability is {mutability or 'MUTABLE (the default)'}: a tag could be re-pointed")
    scanning = resource.get("imageScanningConfiguration") or {}
    if known(scanning) and not is_set(scanning.get("scanOnPush")):
        problems.append("imageScanningConfiguration.scanOnPush is not true")
    return problems


def load_balancer_problems(resource: Resource) -> list[str]:
    """An ALB forwards malformed header fields unless told not to (request smuggling toward Odoo)."""
    if resource.get("loadBalancerType", "application") != "application":
        return []
    return [] if is_set(resource.get("dropInvalidHeaderFields")) else ["dropInvalidHeaderFields is not true"]


def listener_problems(resource: Resource) -> list[str]:
    protocol = resource.get("protocol") or "HTTP"
    if not known(protocol):
        return []
    if protocol in ("HTTPS", "TLS"):
        policy = resource.get("sslPolicy")
        if known(policy) and not (isinstance(policy, str) and TLS12_POLICY.search(policy)):
            return [f"sslPolicy is {policy or 'not set'}: it must refuse TLS below 1.2"]
        return []
    if protocol == "HTTP":
        actions = as_list(resource.get("defaultActions"))
        redirects = [a for a in actions if isinstance(a, dict) and a.get("type") == "redirect"
                     and (a.get("redirect") or {}).get("protocol") == "HTTPS"]
        if not actions or len(redirects) != len(actions):
            return ["an HTTP listener that does not only redirect to HTTPS"]
    return []


RULES = [
    Rule(name="log-group-retention",
         description="set retention_in_days on every log group (the stack's logs.retention_days)",
         types=frozenset({LOG_GROUP}), check=log_retention_problems),
    Rule(name="rds-private-protected-backed-up",
         description=f"set publicly_accessible=False, deletion_protection=True and backup_retention_period>="
                     f"{MIN_BACKUP_DAYS} on the database",
         types=frozenset({RDS_INSTANCE, RDS_CLUSTER}), check=rds_problems),
    Rule(name="ecr-immutable-scanned",
         description="set image_tag_mutability='IMMUTABLE' and image_scanning_configuration scan_on_push=True",
         types=frozenset({ECR_REPOSITORY}), check=ecr_problems),
    Rule(name="alb-drop-invalid-headers",
         description="set drop_invalid_header_fields=True on the application load balancer",
         types=frozenset(LOAD_BALANCERS), check=load_balancer_problems),
    Rule(name="alb-listener-tls12-redirect",
         description="HTTPS listeners: ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.2+); HTTP listeners: "
                     "only a default action of type 'redirect' to protocol 'HTTPS'",
         types=frozenset(LISTENERS), check=listener_problems),
]
