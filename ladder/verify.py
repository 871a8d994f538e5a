"""`ladder verify`: the step's outcome checks against a live deployment."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from components.backup.policy import BACKUP_PREFIX
from components.credentials.credentials import parameter_path
from components.proxy.site import bus_route
from configs.load import SECRET_KEYS, LadderConfig
from ladder.checks.backup import check_recent_backup
from ladder.checks.dns import check_dns
from ladder.checks.registry import (check_host_runs, check_repository, check_running_is_newest, check_scan,
                                   running_on_host)
from ladder.checks.https import check_certificate, check_http_redirect, check_ports_closed, check_websocket
from ladder.checks.result import CheckResult
from ladder.checks.secrets import check_host_disk, check_store, ssm_runner
from ladder.checks.step0 import check_health


@dataclass(frozen=True)
class Target:
    """Where the deployment answers; the ports are settable so the checks can run against stand-ins."""

    host: str
    odoo_port: int = 8069
    bus_port: int = 8072
    db_port: int = 5432
    http_port: int = 80
    https_port: int = 443
    # A CA bundle to trust instead of the system's (a test CA, or Let's Encrypt staging's root).
    ca_bundle: Optional[str] = None
    # Skip the DNS check (a deployment reached by an address the domain does not resolve to).
    skip_dns: bool = False
    # The EC2 instance to inspect through SSM; found from the Elastic IP when not given.
    instance_id: Optional[str] = None
    # Step 4: the stack's backup bucket (`pulumi stack output backup_bucket`).
    backup_bucket: Optional[str] = None
    # Step 7: the ECS cluster and web service (default: the names components/cluster gives them),
    # and whether to stop one web task and watch the site while ECS replaces it.
    cluster: Optional[str] = None
    service: Optional[str] = None
    chaos: bool = False
    chaos_timeout: float = 900


def step0_checks(target: Target) -> list[CheckResult]:
    return [
        check_health(f"http://{target.host}:{target.odoo_port}/web/health"),
        check_ports_closed(target.host, (target.db_port,)),
    ]


def proxy_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Steps 1-2: DNS first (ACME cannot succeed without it), then TLS, redirect, closed ports, bus."""
    domain = cfg.settings.domain or "localhost"
    results = [] if target.skip_dns else [check_dns(domain, target.host)]
    results += [
        check_certificate(target.host, domain, port=target.https_port, ca_bundle=target.ca_bundle),
        check_http_redirect(target.host, domain, port=target.http_port),
        check_ports_closed(target.host, (target.odoo_port, target.bus_port, target.db_port)),
        check_websocket(target.host, domain, port=target.https_port, path=bus_route(cfg.settings.odoo.version),
                        ca_bundle=target.ca_bundle),
    ]
    return results


def secrets_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Step 3: the secrets are in the store as SecureStrings, and none is on the host's disk."""
    import boto3

    store, path = cfg.components.secrets, parameter_path(cfg.stack)
    results = [check_store(boto3.client(store, region_name=cfg.region), store,
                           {key: f"{path}/{key}" for key in SECRET_KEYS})]
    results.append(_through_host(cfg, target, "no secret on the host's disk",
                                 lambda run: check_host_disk(run, store, cfg.region, path)))
    return results


def _through_host(cfg: LadderConfig, target: Target, title: str, check) -> CheckResult:
    """A check that runs commands on the stack's instance through SSM (found from the Elastic IP)."""
    import boto3

    if cfg.settings.host.retire:  # step 7: no instance left, its volume detached; nothing on it runs
        return CheckResult(title, True, "no host to check: host.retire is true (docs/step7-move.md)")
    instance_id = target.instance_id or _instance_of(boto3.client("ec2", region_name=cfg.region), target.host)
    if instance_id is None:
        return CheckResult(title, False, f"no instance holds the address {target.host}; pass --instance-id")
    return check(ssm_runner(boto3.client("ssm", region_name=cfg.region), instance_id))


def _instance_of(ec2, public_ip: str) -> Optional[str]:
    addresses = ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": [public_ip]}])["Addresses"]
    return addresses[0].get("InstanceId") if addresses else None


def backup_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Step 4: a complete set younger than 26 hours is in the stack's bucket."""
    import boto3

    if not target.backup_bucket:
        return [CheckResult("recent backup set", False,
                            "pass --backup-bucket (`pulumi stack output backup_bucket`)")]
    return [check_recent_backup(boto3.client("s3", region_name=cfg.region), target.backup_bucket, BACKUP_PREFIX)]


def registry_checks(cfg: LadderConfig, target: Optional[Target] = None,
                    run_on_host: Optional[Callable[[str], str]] = None) -> list[CheckResult]:
    """Step 6: the repository's settings, what the host runs (read through SSM when the host is known)
    against the stack's digest and the newest build, and that image's scan."""
    import boto3

    from components.app.compose import project_name
    from components.cicd.names import repository_name
    ecr, name, running = boto3.client("ecr", region_name=cfg.region), repository_name(cfg.stack), cfg.settings.registry.image
    results = [check_repository(ecr, name)]
    if run_on_host is None and target is not None:
        instance_id = target.instance_id or _instance_of(boto3.client("ec2", region_name=cfg.region), target.host)
        if instance_id is not None:
            run_on_host = ssm_runner(boto3.client("ssm", region_name=cfg.region), instance_id)
    if run_on_host is not None:
        try:
            on_host = running_on_host(run_on_host, project_name(cfg.stack))
        except RuntimeError as err:
            on_host = None
            results.append(CheckResult("the host runs the image the stack names", False, f"SSM: {err}"))
        else:
            results.append(check_host_runs(on_host, running))
        running = on_host or running
    return results + [check_running_is_newest(ecr, name, running), check_scan(ecr, name, running)]


def cluster_names(cfg: LadderConfig, target: Target) -> tuple[str, str]:
    if target.cluster and target.service:
        return target.cluster, target.service
    from components.cluster.names import ecs_name
    return target.cluster or ecs_name(cfg.stack, "cluster"), target.service or ecs_name(cfg.stack, "web")


def cluster_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Step 7: healthy targets in two zones, HTTPS and the bus through the ALB, the URL Odoo sees,
    and with --chaos the site while ECS replaces a stopped task. --host is the ALB (or the domain)."""
    import boto3

    from ladder.checks.cluster import chaos, check_healthy_targets, check_odoo_sees_https, site_probe
    domain, (cluster, service) = cfg.settings.domain or "localhost", cluster_names(cfg, target)
    ecs, elbv2 = boto3.client("ecs", region_name=cfg.region), boto3.client("elbv2", region_name=cfg.region)
    site = dict(port=target.https_port, ca_bundle=target.ca_bundle)
    results = [
        check_healthy_targets(ecs, elbv2, cluster, service),
        check_certificate(target.host, domain, **site),
        check_http_redirect(target.host, domain, port=target.http_port),
        check_websocket(target.host, domain, path=bus_route(cfg.settings.odoo.version), **site),
        check_odoo_sees_https(target.host, domain, **site),
    ]
    if target.chaos:
        if not results[0].ok:
            results.append(CheckResult("chaos", False, "not run: the service is not healthy in two zones"))
        else:
            report = chaos(ecs, elbv2, cluster, service, site_probe(target.host, domain, **site),
                           timeout=target.chaos_timeout)
            results.append(report.result(target.chaos_timeout))
    return results


def database_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Step 5: the RDS instance's settings, PITR, force_ssl, and Odoo's connections on TLS."""
    import datetime

    import boto3

    from components.app.compose import project_name
    from components.database.identifiers import instance_identifier
    from components.delivery.ssm import HOST_PROJECT_DIR
    from ladder.checks.database import check_force_ssl, check_instance, check_odoo_tls, check_restorable, describe

    rds = boto3.client("rds", region_name=cfg.region)
    identifier = instance_identifier(cfg.stack)
    instance = describe(rds, identifier)
    results = [check_instance(instance, identifier),
               check_restorable(instance, datetime.datetime.now(datetime.timezone.utc)),
               check_force_ssl(rds, instance)]
    results.append(_through_host(cfg, target, "Odoo's own connections to RDS use TLS",
                                 lambda run: check_odoo_tls(run, project_name(cfg.stack), HOST_PROJECT_DIR)))
    return results


def run_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    if cfg.components.cluster:
        results = cluster_checks(cfg, target)
    else:
        results = proxy_checks(cfg, target) if cfg.components.proxy else step0_checks(target)
    if cfg.components.secrets:
        results += secrets_checks(cfg, target)
    if cfg.components.backup:
        results += backup_checks(cfg, target)
    if cfg.components.database == "rds":
        results += database_checks(cfg, target)
    if cfg.components.registry and cfg.settings.registry.kind == "ecr":
        results += registry_checks(cfg, target)
    return results
