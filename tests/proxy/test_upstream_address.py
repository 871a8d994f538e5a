"""The proxy finds Odoo through Docker's DNS at run time: it follows a recreated odoo container
(a new address) without a reload, and it starts, ACME included, while Odoo is down."""
import json
import time

from tests.proxy.test_e2e_proxy import get

FOLLOW_WITHIN_SECONDS = 30


def answering_address(lab) -> str | None:
    response = get(lab, "/web/which-odoo")
    return json.loads(response["body"])["address"] if response["status"] == 200 else None


def reload_count(lab) -> int:
    return lab.log("nginx").count("nginx reloaded")


def recreate_odoo(lab, old: str, new: str) -> None:
    """Docker's DNS now answers `new` for odoo. When the old container stops, its connections close,
    and Caddy's and Traefik's pools (keyed by the name `odoo`) drop them. The lab's old stand-in
    keeps serving other tests, so its connections are closed here as the exit would close them.
    nginx gets no such help: it re-resolves by itself while the old stand-in still answers."""
    lab.call("docker_dns", name="odoo", address=new)
    if lab.info["kind"] != "nginx":
        lab.exec("ss", "-K", "dst", old, "dport", "=", ":8069", check=False)


def wait_for_address(lab, address: str) -> float:
    started = time.monotonic()
    while answering_address(lab) != address:
        assert time.monotonic() - started < FOLLOW_WITHIN_SECONDS, f"still not sending to {address}"
        time.sleep(1)
    return time.monotonic() - started


def test_each_proxy_follows_a_recreated_odoo_without_a_reload(any_lab):
    first, second = any_lab.info["odoo_ip"], any_lab.info["next_odoo_ip"]
    assert answering_address(any_lab) == first
    reloads = reload_count(any_lab) if any_lab.info["kind"] == "nginx" else 0
    try:
        recreate_odoo(any_lab, first, second)
        wait_for_address(any_lab, second)
        if any_lab.info["kind"] == "nginx":
            assert reload_count(any_lab) == reloads
    finally:
        recreate_odoo(any_lab, second, first)
        wait_for_address(any_lab, first)


def test_nginx_loads_its_full_config_while_odoo_is_down(nginx_lab):
    """`nginx -t` parses and resolves as a start does (and start.sh runs it before every reload):
    with `odoo` unknown to Docker's DNS, the old config failed with "host not found in upstream"."""
    try:
        nginx_lab.call("docker_dns", name="odoo")
        loaded = nginx_lab.exec("nginx", "-t", check=False)
        assert loaded.returncode == 0, loaded.stderr
        # The TLS server is part of what was tested, not only the port-80 one.
        assert "ssl_certificate" in nginx_lab.exec("nginx", "-T").stdout
        deadline = time.monotonic() + FOLLOW_WITHIN_SECONDS
        while get(nginx_lab, "/web/while-down")["status"] != 502:
            assert time.monotonic() < deadline, "nginx still reaches a removed odoo"
            time.sleep(1)
        redirect = nginx_lab.call("http_request", url=f"http://{nginx_lab.domain}/web/login")
        assert redirect["status"] == 301
    finally:
        nginx_lab.call("docker_dns", name="odoo", address=nginx_lab.info["odoo_ip"])
        wait_for_address(nginx_lab, nginx_lab.info["odoo_ip"])
