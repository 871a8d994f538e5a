"""Step 7's outcome checks on the ECS service behind the ALB (boto3 ECS/ELBv2 clients in, CheckResult out).

- at least two healthy targets, in at least two availability zones: the target group's health
  (DescribeTargetHealth) joined with the service's running tasks (DescribeTasks: each task's ENI
  address and zone), because an `ip` target carries no zone of its own;
- Odoo sees https and the domain: real Odoo has no endpoint that echoes what it saw, so the check
  reads the URLs Odoo builds itself (see `check_odoo_sees_https`);
- `chaos`: stop one web task and poll the site every second until ECS has replaced it and the new
  task is healthy in the target group; the failed requests and the recovery time are the result.
"""
from __future__ import annotations

import http.client
import re
import ssl
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from ladder.checks.https import _tls_connect
from ladder.checks.result import CheckResult

MINIMUM_TARGETS = 2
MINIMUM_ZONES = 2
CHAOS_REASON = "odoo-ladder verify --chaos: one web task stopped on purpose"


def service_target_groups(ecs, cluster: str, service: str) -> list[str]:
    (described,) = ecs.describe_services(cluster=cluster, services=[service])["services"] or [{}]
    return [lb["targetGroupArn"] for lb in described.get("loadBalancers", []) if lb.get("targetGroupArn")]


def running_tasks(ecs, cluster: str, service: str) -> dict[str, dict]:
    """task ARN -> {"ip", "zone", "status"} for the service's tasks that ECS wants running."""
    arns = [arn for page in ecs.get_paginator("list_tasks").paginate(
        cluster=cluster, serviceName=service, desiredStatus="RUNNING") for arn in page["taskArns"]]
    tasks = {}
    for start in range(0, len(arns), 100):  # DescribeTasks takes at most 100
        for task in ecs.describe_tasks(cluster=cluster, tasks=arns[start:start + 100])["tasks"]:
            ip = next((detail["value"] for attachment in task.get("attachments", [])
                       if attachment.get("type") == "ElasticNetworkInterface"
                       for detail in attachment.get("details", []) if detail.get("name") == "privateIPv4Address"),
                      None)
            tasks[task["taskArn"]] = {"ip": ip, "zone": task.get("availabilityZone"), "status": task.get("lastStatus")}
    return tasks


def healthy_addresses(elbv2, target_groups: list[str]) -> set[str]:
    healthy = set()
    for arn in target_groups:
        for description in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]:
            if description["TargetHealth"]["State"] == "healthy":
                healthy.add(description["Target"]["Id"])
    return healthy


def healthy_tasks(ecs, elbv2, cluster: str, service: str) -> dict[str, dict]:
    groups = service_target_groups(ecs, cluster, service)
    healthy = healthy_addresses(elbv2, groups)
    return {arn: task for arn, task in running_tasks(ecs, cluster, service).items() if task["ip"] in healthy}


def check_healthy_targets(ecs, elbv2, cluster: str, service: str) -> CheckResult:
    title = f"at least {MINIMUM_TARGETS} healthy targets in {MINIMUM_ZONES} zones ({service})"
    if not service_target_groups(ecs, cluster, service):
        return CheckResult(title, False, f"service {service} in cluster {cluster} has no target group: "
                                         "has `pulumi up` run with cluster.enabled?")
    tasks = healthy_tasks(ecs, elbv2, cluster, service)
    zones = sorted({task["zone"] for task in tasks.values()})
    detail = f"{len(tasks)} healthy in {', '.join(zones) or 'no zone'}"
    if len(tasks) < MINIMUM_TARGETS:
        return CheckResult(title, False, f"{detail}: the ALB has one task or none to send to")
    if len(zones) < MINIMUM_ZONES:
        return CheckResult(title, False, f"{detail}: one zone's outage would take the site down")
    return CheckResult(title, True, detail)


# -- what Odoo sees --------------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"""(https?)://([A-Za-z0-9.-]+(?::\d+)?)/""")


class _SiteConnection(http.client.HTTPSConnection):
    """HTTPS to `host` (the ALB, or a stand-in) presenting `domain` as SNI, checked against it."""

    def __init__(self, host: str, domain: str, port: int, ca_bundle: Optional[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.domain, self.ca_bundle = domain, ca_bundle

    def connect(self) -> None:
        self.sock = _tls_connect(self.host, self.domain, self.port, self.ca_bundle, self.timeout)


def _get(host: str, domain: str, port: int, path: str, ca_bundle: Optional[str], timeout: float):
    """(status, Location, body) of one GET, no redirect followed, no cookie sent."""
    connection = _SiteConnection(host, domain, port, ca_bundle, timeout)
    try:
        connection.request("GET", path, headers={"Host": domain})
        response = connection.getresponse()
        return response.status, response.getheader("Location", ""), response.read(1 << 20).decode("utf-8", "replace")
    finally:
        connection.close()


def _own_url(domain: str, netloc: str) -> bool:
    """A page links to other sites too (odoo.com): only URLs on the domain, or on a bare address or
    port (the target's own, as Odoo sees it behind a proxy it does not believe), are Odoo's own."""
    host = netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
    return host == domain or ":" in netloc or re.fullmatch(r"[0-9.]+", host) is not None


def odoo_url_verdict(domain: str, location: str, page: str) -> Optional[tuple[bool, str]]:
    """From a redirect's Location (always Odoo's own URL) and a page Odoo rendered: (ok, why), or
    None when neither holds an absolute URL of Odoo's own (then nothing shows what Odoo saw)."""
    found = [("the redirect's Location", scheme, netloc) for scheme, netloc in _ABSOLUTE.findall(location or "")[:1]]
    found += [("the login page", scheme, netloc) for scheme, netloc in _ABSOLUTE.findall(page or "")
              if _own_url(domain, netloc)]
    for source, scheme, netloc in found:
        if (scheme, netloc) != ("https", domain):
            return False, (f"{source} names {scheme}://{netloc}/: Odoo does not see https://{domain} "
                           "(is the proxy sidecar setting X-Forwarded-Host, is proxy_mode on?)")
    if found:
        return True, f"{found[0][0]} names https://{domain}/"
    return None


def check_odoo_sees_https(host: str, domain: str, port: int = 443, ca_bundle: Optional[str] = None,
                          timeout: float = 10.0) -> CheckResult:
    """Odoo builds URLs from what it sees (ProxyFix, only with X-Forwarded-Host): an unauthenticated
    /web redirects to the login page, and Odoo 17 (werkzeug < 2.1) makes that Location absolute;
    the login page of a database with `website` carries absolute og:url/canonical links. Either shows
    the scheme and host Odoo saw. Odoo 18+ without `website` builds neither: then the check says so,
    and web.base.url (which Odoo rewrites to the URL it saw when an administrator logs in) is the
    evidence to read."""
    title = f"Odoo sees https://{domain}"
    try:
        status, location, _ = _get(host, domain, port, "/web", ca_bundle, timeout)
        _, _, page = _get(host, domain, port, "/web/login", ca_bundle, timeout)
    except (OSError, ssl.SSLError) as error:
        return CheckResult(title, False, f"no answer on https://{domain} through {host}:{port}: {error}")
    verdict = odoo_url_verdict(domain, location, page)
    if verdict is not None:
        return CheckResult(title, *verdict)
    return CheckResult(title, True, f"/web answered {status} with a relative Location and the login page has no "
                                    "absolute URL: nothing here shows what Odoo saw; after an administrator's login, "
                                    f"Settings > Technical > System Parameters > web.base.url must read https://{domain}")


# -- chaos -----------------------------------------------------------------------------------------

@dataclass
class ChaosReport:
    stopped: str
    requests: int = 0
    failed: int = 0
    replaced_by: Optional[str] = None
    recovery_seconds: Optional[float] = None
    failures: list[str] = field(default_factory=list)

    def result(self, timeout: float) -> CheckResult:
        title = "the site stays up while ECS replaces a stopped web task"
        tail = f"stopped {self.stopped.rsplit('/', 1)[-1]}; {self.requests} requests, {self.failed} failed"
        if self.replaced_by is None:
            return CheckResult(title, False, f"{tail}; not replaced by a healthy task within {timeout:.0f} s")
        tail += f"; replaced by {self.replaced_by.rsplit('/', 1)[-1]}, healthy after {self.recovery_seconds:.0f} s"
        if self.failed:
            return CheckResult(title, False, f"{tail}; first failures: {'; '.join(self.failures[:3])}")
        return CheckResult(title, True, tail)


def chaos(ecs, elbv2, cluster: str, service: str, probe: Callable[[], Optional[str]], timeout: float = 900,
          interval: float = 1.0, clock: Callable[[], float] = time.monotonic,
          sleep: Callable[[float], None] = time.sleep) -> ChaosReport:
    """Stop one healthy web task, then every `interval` probe the site (None: answered well, else the
    failure) until a task that was not there before is healthy and the healthy count is back."""
    before = healthy_tasks(ecs, elbv2, cluster, service)
    if len(before) < MINIMUM_TARGETS:
        raise ValueError(f"only {len(before)} healthy task(s): stopping one would take the site down; "
                         "run `ladder verify` without --chaos first")
    victim = sorted(before)[0]
    ecs.stop_task(cluster=cluster, task=victim, reason=CHAOS_REASON)
    report, started = ChaosReport(stopped=victim), clock()
    while clock() - started < timeout:
        failure = probe()
        report.requests += 1
        if failure is not None:
            report.failed += 1
            report.failures.append(f"{clock() - started:.0f} s: {failure}")
        now = healthy_tasks(ecs, elbv2, cluster, service)
        new = sorted(set(now) - set(before))
        if new and len(now) >= len(before):
            report.replaced_by, report.recovery_seconds = new[0], clock() - started
            return report
        sleep(interval)
    return report


def site_probe(host: str, domain: str, port: int = 443, ca_bundle: Optional[str] = None,
               timeout: float = 5.0) -> Callable[[], Optional[str]]:
    """One GET of /web/health through the ALB: None when Odoo answers 200, else what went wrong."""
    def probe() -> Optional[str]:
        try:
            status, _, _ = _get(host, domain, port, "/web/health", ca_bundle, timeout)
        except (OSError, ssl.SSLError) as error:
            return repr(error)
        return None if status == 200 else f"HTTP {status}"
    return probe
