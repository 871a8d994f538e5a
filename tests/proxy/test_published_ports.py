"""The security group opens exactly what the proxy publishes: Caddy's HTTP/3 (443/udp) included."""
import pytest

from components.host.firewall import WORLD, public_ingress
from components.proxy import ProxySite, render_proxy
from configs.load import from_mapping
from ladder.mocked import run_stack
from tests.stacks import aws

SITE = ProxySite(domain="erp.example.org", acme_email=None, acme_ca=None, internal_ca=False, odoo_version="18.0")
SG = "aws:ec2/securityGroup:SecurityGroup"


def compose_published(kind: str) -> set[tuple[int, str]]:
    published = set()
    for service in render_proxy(SITE, kind).services.values():
        for mapping in service.get("ports", []):
            ports, _, protocol = mapping.partition("/")
            host_port = int(ports.split(":")[-2])
            published.add((host_port, protocol or "tcp"))
    return published


@pytest.mark.parametrize("kind", ["caddy", "nginx", "traefik"])
def test_security_group_and_published_ports_agree(kind):
    rules = public_ingress(from_mapping("t", aws(1, proxy={"kind": kind})))
    assert {rule.cidr for rule in rules} == {WORLD}
    assert {(rule.port, rule.protocol) for rule in rules} == compose_published(kind)


def test_caddy_publishes_http3_and_the_group_opens_udp_443():
    assert (443, "udp") in compose_published("caddy")
    ingress = run_stack(aws(1)).one(SG).inputs["ingress"]
    assert {(r["fromPort"], r["protocol"]) for r in ingress} == {(80, "tcp"), (443, "tcp"), (443, "udp")}


def test_the_move_summary_names_the_udp_port_a_switch_to_caddy_opens():
    # ladder diff's summary keys ports by protocol too, so HTTP/3's 443/udp is not hidden by 443/tcp.
    from tests.test_diff import _summary
    text = _summary("step1-nginx", "step1")
    assert "port 443/udp opens to the world" in text
    assert "port 443 opens" not in text and "port 80 " not in text
