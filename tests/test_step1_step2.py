"""Steps 1 and 2 under mocks: only 80/443 are public, the proxy is in the project, DNS is handled."""
import pytest

from configs.errors import ConfigError
from configs.load import from_mapping
from ladder.mocked import run_stack
from tests.stacks import aws, compose_of, delivered_file, local

SG = "aws:ec2/securityGroup:SecurityGroup"


@pytest.mark.parametrize("step, proxy", [(1, "caddy"), (2, "nginx")])
def test_from_step1_only_80_and_443_are_public(step, proxy):
    run = run_stack(aws(step))
    ingress = run.one(SG).inputs["ingress"]
    # Caddy's HTTP/3 adds 443/udp (components/proxy/ports.py); TCP is 80 and 443 for both.
    tcp = [r for r in ingress if r["protocol"] == "tcp"]
    assert sorted((r["fromPort"], r["toPort"], tuple(r["cidrBlocks"])) for r in tcp) == [
        (80, 80, ("0.0.0.0/0",)), (443, 443, ("0.0.0.0/0",))]
    assert {(r["fromPort"], r["protocol"]) for r in ingress if r["protocol"] != "tcp"} == (
        {(443, "udp")} if proxy == "caddy" else set())
    assert run.outputs["components"][-1] == f"proxy:{proxy}"


@pytest.mark.parametrize("step, services", [(1, {"caddy"}), (2, {"nginx", "certbot"})])
def test_the_proxy_is_the_only_service_that_publishes_ports(step, services):
    compose = compose_of(run_stack(aws(step)))
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == ({"caddy"} if step == 1 else {"nginx"})
    assert services <= set(compose["services"])
    assert "ports" not in compose["services"]["odoo"]
    assert compose["services"]["db"]["networks"] == ["internal"]


def test_odoo_runs_behind_the_proxy_with_workers_and_proxy_mode():
    conf = delivered_file(run_stack(aws(1)), "odoo.conf.base")
    assert "proxy_mode = True" in conf and "workers = 2" in conf and "list_db = False" in conf


def test_the_dns_record_is_an_output_without_a_zone_and_a_resource_with_one():
    run = run_stack(aws(1))
    assert run.outputs["dns_record"]["name"] == "erp.example.org"
    assert run.outputs["dns_record"]["value"] == "198.51.100.10"
    assert not run.of_type("aws:route53/record:Record")
    with_zone = run_stack(aws(1, dns_zone_id="Z0123456789ABC"))
    record = with_zone.one("aws:route53/record:Record").inputs
    assert record["name"] == "erp.example.org" and record["type"] == "A" and record["records"] == ["198.51.100.10"]
    assert with_zone.outputs["url"] == "https://erp.example.org"


def test_the_proxy_can_be_switched_off_explicitly_and_8069_returns_to_the_admins():
    run = run_stack(aws(1, proxy={"enabled": False}, odoo={"workers": 0}))
    ports = {r["fromPort"] for r in run.one(SG).inputs["ingress"]}
    assert ports == {8069}


def test_step_presets_pick_the_proxy_kind_and_an_explicit_kind_wins():
    assert from_mapping("t", aws(1)).components.proxy == "caddy"
    assert from_mapping("t", aws(2)).components.proxy == "nginx"
    assert from_mapping("t", aws(1, proxy={"kind": "nginx"})).components.proxy == "nginx"
    assert from_mapping("t", aws(0, proxy={"kind": "caddy"}, domain="erp.example.org")).components.proxy == "caddy"


def test_local_caddy_uses_its_internal_ca_and_local_nginx_needs_a_public_name():
    run = run_stack(local(1))
    assert run.outputs["url"] == "https://localhost"
    caddyfile = delivered_file(run, "proxy/Caddyfile")
    assert compose_of(run)["services"]["caddy"]["ports"] == ["127.0.0.1:80:80", "127.0.0.1:443:443",
                                                             "127.0.0.1:443:443/udp"]
    assert "tls internal" in caddyfile and "acme_ca" not in caddyfile
    with pytest.raises(ConfigError) as caught:
        from_mapping("t", local(2))
    assert "odoo-ladder:proxy.kind" in str(caught.value)
