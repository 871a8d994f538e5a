"""The step-7 sidecar's rendered config, run with the real Caddy behind an ALB's exact header set.

The lab (sidecar_lab.py) runs the sidecar's command on its rendered config as the task definition
holds them, an Odoo-faithful stand-in behind it (odoo_faithful.py: ProxyFix only with X-Forwarded-Host),
and requests come either as the ALB forwards them, from a VPC address (alb_front.py), or straight
from an address outside the VPC.
"""
import json
import sys

import pytest

from components.proxy.sidecar import ALB_PRESERVE_HOST_HEADER
from components.proxy.site import ODOO_MAX_BODY_MIB
from tests.proxy.lab import start_lab, stop_lab
from tests.tools import require_caddy, require_root, require_tool

BROWSER_IP = "198.51.100.23"  # the client the ALB saw


@pytest.fixture(scope="module", params=["caddy", "nginx"])
def lab(request, tmp_path_factory):
    require_root()
    for tool in ("unshare", "nsenter", "ip", "setpriv"):
        require_tool(tool)
    require_caddy() if request.param == "caddy" else require_tool("nginx")
    running = start_lab(request.param, tmp_path_factory.mktemp(f"sidecar-{request.param}"),
                        module="tests.proxy.sidecar_lab")
    yield running
    stop_lab(running.process)


def front(lab, function: str, **kwargs) -> dict:
    done = lab.exec(sys.executable, "-m", "tests.proxy.alb_front", function, json.dumps(kwargs), check=False)
    assert done.returncode == 0, f"{function} failed in the lab:\n{done.stderr[-3000:]}\n{lab.log('sidecar')[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def via_alb(lab, path: str = "/web/login", headers: dict | None = None, **kwargs) -> dict:
    return front(lab, "through_alb", target=lab.info["sidecar"], path=path, client_ip=BROWSER_IP,
                 client_headers={"Host": lab.domain, **(headers or {})}, alb_node_ip=lab.info["alb_node_ip"], **kwargs)


def odoo_saw(response: dict) -> dict:
    assert response["status"] == 200, response
    return json.loads(response["body"])


def test_odoo_sees_https_the_host_and_the_client_behind_the_alb(lab):
    seen = odoo_saw(via_alb(lab))
    assert (seen["scheme"], seen["host"], seen["remote_addr"]) == ("https", lab.domain, BROWSER_IP)
    assert seen["url"] == f"https://{lab.domain}/web/login"


def test_a_client_cannot_choose_the_host_or_address_odoo_sees(lab):
    """The ALB passes a client's X-Forwarded-Host and the left of its X-Forwarded-For through."""
    seen = odoo_saw(via_alb(lab, headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "10.42.9.9"}))
    assert (seen["host"], seen["remote_addr"], seen["scheme"]) == (lab.domain, BROWSER_IP, "https")
    headers = dict(seen["headers"])
    assert headers["X-Forwarded-Host"] == lab.domain
    assert headers["X-Forwarded-For"] == BROWSER_IP


def test_headers_from_outside_the_vpc_are_overwritten(lab):
    seen = odoo_saw(front(lab, "direct", target=lab.info["sidecar"], path="/web/login",
                          source_ip=lab.info["internet_ip"],
                          headers={"Host": lab.domain, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443",
                                   "X-Forwarded-For": "198.51.100.99", "X-Forwarded-Host": "evil.example"}))
    assert (seen["scheme"], seen["host"], seen["remote_addr"]) == ("http", lab.domain, lab.info["internet_ip"])
    assert "X-Forwarded-Port" not in dict(seen["headers"])


def test_the_host_survives_an_alb_that_appends_its_port(lab):
    """preserve_host_header false would send `host:443`; Odoo still builds https://host URLs."""
    assert ALB_PRESERVE_HOST_HEADER is True
    seen = odoo_saw(via_alb(lab, headers={"Host": f"{lab.domain}:443"}))
    assert seen["url"] == f"https://{lab.domain}/web/login"


def test_the_database_manager_is_blocked(lab):
    for path in ("/web/database/manager", "/web/database/selector", "/web/database/backup"):
        assert via_alb(lab, path)["status"] == 404


def test_health_check_reaches_odoo(lab):
    response = via_alb(lab, "/web/health")
    assert response["status"] == 200 and json.loads(response["body"]) == {"status": "pass"}
    # As the target group asks it: from a VPC address, no forwarding headers at all.
    direct = front(lab, "direct", target=lab.info["sidecar"], path="/web/health",
                   source_ip=lab.info["alb_node_ip"], headers={"Host": lab.info["sidecar"]})
    assert direct["status"] == 200


def test_bodies_up_to_odoos_limit_pass_and_larger_are_refused(lab):
    limit = ODOO_MAX_BODY_MIB * 1024 * 1024
    assert odoo_saw(via_alb(lab, "/web/binary/upload", method="POST", body_bytes=limit))["path"] == "/web/binary/upload"
    assert via_alb(lab, "/web/binary/upload", method="POST", body_bytes=limit + 1)["status"] in (413, None)


def test_websocket_without_upgrade_reaches_the_bus_and_is_refused_as_odoo_does(lab):
    response = via_alb(lab, "/websocket")
    assert response["status"] == 400 and "missing header" in response["body"]


def test_websocket_echo_through_the_sidecar(lab):
    result = front(lab, "websocket_through_alb", target=lab.info["sidecar"], client_ip=BROWSER_IP,
                   host=lab.domain, alb_node_ip=lab.info["alb_node_ip"], message="ping-bus")
    assert result["echo"] == "ping-bus"
    seen = result["odoo"]
    # The bus compares the Origin with scheme://host: it must see what the browser used.
    assert (seen["scheme"], seen["host"], seen["remote_addr"]) == ("https", lab.domain, BROWSER_IP)


def test_access_log_goes_to_stdout_without_tokens(lab):
    via_alb(lab, "/web/reset_password?token=SECRET-TOKEN-1")
    log = lab.log("sidecar")
    assert "/web/reset_password" in log and "SECRET-TOKEN-1" not in log


# -- the renderer, without a lab ---------------------------------------------------------------

def test_caddy_is_the_default_sidecar_and_traefik_is_refused_naming_the_key():
    from components.proxy.sidecar import render_sidecar, sidecar_site
    site = sidecar_site("erp.example.com", "18.0")
    assert render_sidecar(site, "/config").kind == render_sidecar(site, "/config", "caddy").kind == "caddy"
    with pytest.raises(ValueError, match=r"odoo-ladder:proxy\.kind: 'traefik'.*caddy \(the default\) or nginx"):
        render_sidecar(site, "/config", "traefik")


@pytest.mark.parametrize("kind,image,name", [("caddy", "CADDY", "Caddyfile"), ("nginx", "NGINX", "nginx.conf")])
def test_the_task_runs_the_pinned_image_on_the_config_in_its_volume(kind, image, name):
    from components import images
    from components.proxy.sidecar import SIDECAR_PORT, render_sidecar, sidecar_site
    sidecar = render_sidecar(sidecar_site("erp.example.com", "17.0"), "/etc/odoo-ladder/proxy", kind)
    assert sidecar.image == getattr(images, image) and "@sha256:" in sidecar.image
    assert f"/etc/odoo-ladder/proxy/{name}" in sidecar.command and sidecar.config_name == name
    assert str(SIDECAR_PORT) in sidecar.config and "127.0.0.1:8072" in sidecar.config
