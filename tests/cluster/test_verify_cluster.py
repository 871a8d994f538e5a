"""`ladder verify` for step 7: targets and zones, what Odoo sees, and --chaos, against an in-memory
ECS/ELBv2 checked against botocore's models and a local HTTPS stand-in for the site."""
from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ladder.checks.cluster import chaos, check_healthy_targets, check_odoo_sees_https, odoo_url_verdict, site_probe
from ladder.cli import parser
from tests.cluster.fake_aws import FakeEcs, FakeElbv2, Service
from tests.proxy.pebble import make_listener_certificate
from tests.tools import require_tool

DOMAIN = "localhost"  # what the stand-in's certificate names


def service_with(*zones: str) -> Service:
    service = Service()
    for zone in zones:
        service.add_task(zone)
    return service


def targets(service: Service):
    return check_healthy_targets(FakeEcs(service), FakeElbv2(service), service.cluster, service.name)


def test_two_healthy_tasks_in_two_zones_pass():
    result = targets(service_with("eu-south-1a", "eu-south-1b"))
    assert result.ok and result.detail == "2 healthy in eu-south-1a, eu-south-1b"


def test_two_tasks_in_one_zone_fail():
    result = targets(service_with("eu-south-1a", "eu-south-1a"))
    assert not result.ok and "one zone's outage" in result.detail


def test_an_unhealthy_target_does_not_count():
    service = service_with("eu-south-1a", "eu-south-1b")
    service.tasks[1].health = "unhealthy"
    result = targets(service)
    assert not result.ok and result.detail.startswith("1 healthy in eu-south-1a")


def test_a_missing_service_says_what_to_do():
    service = service_with("eu-south-1a", "eu-south-1b")
    result = check_healthy_targets(FakeEcs(service), FakeElbv2(service), service.cluster, "other")
    assert not result.ok and "has `pulumi up` run with cluster.enabled?" in result.detail


# -- what Odoo sees ---------------------------------------------------------------------------------

@pytest.mark.parametrize("location,page,verdict", [
    ("https://erp.example.com/web/login?redirect=%2Fweb", "", True),             # Odoo 17, werkzeug 2.0
    ("http://erp.example.com/web/login?redirect=%2Fweb", "", False),             # no X-Forwarded-Host
    ("https://10.42.1.20:8080/web/login", "", False),                            # the target's own address
    ("/web/login?redirect=%2Fweb", '<meta property="og:url" content="https://erp.example.com/web/login"/>', True),
    ("/web/login?redirect=%2Fweb", '<link rel="canonical" href="http://erp.example.com/web/login"/>', False),
    ("/web/login?redirect=%2Fweb", '<a href="https://www.odoo.com/">Powered by Odoo</a>', None),
])
def test_the_urls_odoo_builds_show_what_it_saw(location, page, verdict):
    result = odoo_url_verdict("erp.example.com", location, page)
    assert (result and result[0]) == verdict


class SiteStandIn(BaseHTTPRequestHandler):
    """The site through the ALB: /web redirects as Odoo does, /web/health answers from a script."""

    location = "/web/login?redirect=%2Fweb%3F"
    login_page = "<html><form action='/web/login'></form></html>"
    health: list = []

    def do_GET(self):  # noqa: N802
        if self.path == "/web":
            self._send(303, b"", {"Location": self.location})
        elif self.path == "/web/login":
            self._send(200, self.login_page.encode(), {})
        elif self.path == "/web/health":
            status = self.health.pop(0) if self.health else 200
            self._send(status, b'{"status": "pass"}', {})
        else:
            self._send(404, b"", {})

    def _send(self, status, body, headers):
        self.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_tool("openssl")
    ca, cert, key = make_listener_certificate(tmp_path_factory.mktemp("site-tls"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), SiteStandIn)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"host": "127.0.0.1", "port": server.server_address[1], "ca_bundle": str(ca)}
    server.shutdown()
    server.server_close()


def test_an_absolute_http_redirect_fails(site, monkeypatch):
    monkeypatch.setattr(SiteStandIn, "location", f"http://{DOMAIN}/web/login")
    result = check_odoo_sees_https(site["host"], DOMAIN, site["port"], site["ca_bundle"])
    assert not result.ok and f"names http://{DOMAIN}/" in result.detail


def test_an_absolute_https_redirect_passes(site, monkeypatch):
    monkeypatch.setattr(SiteStandIn, "location", f"https://{DOMAIN}/web/login")
    assert check_odoo_sees_https(site["host"], DOMAIN, site["port"], site["ca_bundle"]).ok


def test_relative_urls_only_say_where_the_evidence_is(site):
    result = check_odoo_sees_https(site["host"], DOMAIN, site["port"], site["ca_bundle"])
    assert result.ok and "web.base.url must read https://localhost" in result.detail


def test_an_untrusted_certificate_fails(site):
    result = check_odoo_sees_https(site["host"], DOMAIN, site["port"], None)
    assert not result.ok and "no answer" in result.detail


# -- chaos ------------------------------------------------------------------------------------------

class Clock:
    """Seconds that pass only when the loop sleeps; ECS replaces the task on a schedule."""

    def __init__(self, service: Service, replaced_at: float, healthy_at: float):
        self.now, self.service, self.replaced_at, self.healthy_at = 0.0, service, replaced_at, healthy_at
        self.new = None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        if self.now >= self.replaced_at and self.new is None:
            self.new = self.service.add_task("eu-south-1a", health="initial")
        if self.new is not None and self.now >= self.healthy_at:
            self.new.health = "healthy"


def test_chaos_stops_one_task_and_times_the_replacement(site):
    service = service_with("eu-south-1a", "eu-south-1b")
    clock = Clock(service, replaced_at=20, healthy_at=75)
    SiteStandIn.health = [200, 502, 200]  # one request lost while the ALB drains the stopped task
    report = chaos(FakeEcs(service), FakeElbv2(service), service.cluster, service.name,
                   site_probe(site["host"], DOMAIN, site["port"], site["ca_bundle"]), clock=clock, sleep=clock.sleep)
    assert service.stopped == [service.tasks[0].arn]
    assert (report.requests, report.failed, report.recovery_seconds) == (76, 1, 75)
    assert report.replaced_by == clock.new.arn
    result = report.result(900)
    assert not result.ok and "76 requests, 1 failed" in result.detail and "healthy after 75 s" in result.detail
    assert "1 s: HTTP 502" in result.detail


def test_chaos_without_failures_passes_and_a_missing_replacement_fails():
    service = service_with("eu-south-1a", "eu-south-1b")
    clock = Clock(service, replaced_at=5, healthy_at=30)
    report = chaos(FakeEcs(service), FakeElbv2(service), service.cluster, service.name, lambda: None,
                   clock=clock, sleep=clock.sleep)
    assert report.result(900).ok and report.recovery_seconds == 30
    service = service_with("eu-south-1a", "eu-south-1b")
    never = Clock(service, replaced_at=10_000, healthy_at=10_000)
    report = chaos(FakeEcs(service), FakeElbv2(service), service.cluster, service.name, lambda: None,
                   timeout=60, clock=never, sleep=never.sleep)
    result = report.result(60)
    assert not result.ok and "not replaced by a healthy task within 60 s" in result.detail and report.requests == 60


def test_chaos_refuses_to_stop_the_only_healthy_task():
    service = service_with("eu-south-1a")
    with pytest.raises(ValueError, match="would take the site down"):
        chaos(FakeEcs(service), FakeElbv2(service), service.cluster, service.name, lambda: None)
    assert service.stopped == []


def test_verify_takes_the_step_7_options():
    args = parser().parse_args(["verify", "configs/stacks/step4.yaml", "--host", "erp.example.com", "--chaos",
                                "--cluster", "c", "--service", "s", "--chaos-timeout", "120"])
    assert (args.chaos, args.cluster, args.service, args.chaos_timeout) == (True, "c", "s", 120.0)


def test_verify_runs_the_step_7_checks_on_a_cluster_stack(site, monkeypatch):
    """ladder/verify.py's wiring: the cluster's checks replace the host's, --chaos adds one."""
    from types import SimpleNamespace

    import boto3

    from ladder.verify import Target, run_checks
    service = service_with("eu-south-1a", "eu-south-1b")
    fakes = {"ecs": FakeEcs(service), "elbv2": FakeElbv2(service)}
    monkeypatch.setattr(boto3, "client", lambda name, region_name: fakes[name])
    cfg = SimpleNamespace(stack="prod", region="eu-south-1",
                          components=SimpleNamespace(cluster=True, proxy=True, secrets=False, backup=False, database="container",
                                                     registry=False),
                          settings=SimpleNamespace(domain=DOMAIN, odoo=SimpleNamespace(version="18.0")))
    target = Target(host=site["host"], https_port=site["port"], http_port=1, ca_bundle=site["ca_bundle"],
                    cluster=service.cluster, service=service.name, chaos=True, chaos_timeout=1.5)
    results = {r.name: r for r in run_checks(cfg, target)}
    assert results[f"at least 2 healthy targets in 2 zones ({service.name})"].ok
    assert "expires in 2.0 days" in results[f"certificate for {DOMAIN}"].detail  # the test CA lasts 2 days
    assert results[f"Odoo sees https://{DOMAIN}"].ok
    assert not results[f"websocket upgrade on https://{DOMAIN}/websocket"].ok  # the stand-in has no bus
    chaos_result = results["the site stays up while ECS replaces a stopped web task"]
    assert not chaos_result.ok and "not replaced by a healthy task within 2 s" in chaos_result.detail
    assert service.stopped == [service.tasks[0].arn]
