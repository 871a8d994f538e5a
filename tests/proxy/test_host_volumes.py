"""The labs' named volumes are the folders the apply script prepares on the AWS host, and the
proxies work with them: nginx's unprivileged workers serve the ACME challenges certbot writes."""
import re
import stat

import pytest

from components.proxy import ProxySite, render_proxy
from tests.proxy.host_volumes import data_volume_lines

SITE = ProxySite(domain="erp.example.org", acme_email=None, acme_ca=None, internal_ca=False, odoo_version="18.0")

INSTALL = re.compile(r"install -d -m (\d{4}) -o (\S+) -g (\S+) /srv/odoo-data/(\S+)$", re.M)


def prepared(kind: str) -> dict[str, tuple[int, str]]:
    return {name: (int(mode, 8), owner) for mode, owner, _, name in INSTALL.findall(data_volume_lines(kind))}


def test_nginx_workers_can_reach_the_webroot_and_the_logs():
    # The defect: 0700 root folders, so the workers (uid 101) answered 403 to every challenge.
    volumes = prepared("nginx")
    assert volumes["certbot_webroot"][0] & stat.S_IROTH and volumes["certbot_webroot"][0] & stat.S_IXOTH
    assert volumes["proxy_logs"][0] & stat.S_IXOTH
    assert volumes["letsencrypt"] == (0o700, "root")


def named_volume_targets(kind: str) -> dict[str, str]:
    """Where the compose services mount each named volume (caddy's /data and /config are its XDG
    directories, pointed at the same folders through the environment, as the image does)."""
    targets = {}
    for service in render_proxy(SITE, kind).services.values():
        for volume in service["volumes"]:
            source, target, *_ = volume.split(":")
            if not source.startswith("./") and target not in ("/data", "/config"):
                targets[source] = target
    return targets


def test_each_mounted_volume_is_the_folder_the_apply_script_prepared(any_lab):
    kind = any_lab.info["kind"]
    volumes = prepared(kind)
    targets = named_volume_targets(kind)
    assert targets
    for name, target in targets.items():
        seen, host = (any_lab.exec("stat", "-c", "%d:%i %a %U", path).stdout.split()
                      for path in (target, f"/srv/odoo-data/{name}"))
        assert seen == host, f"{target} is not the host's folder for {name}"
        assert seen[1:] == [f"{volumes[name][0]:o}", volumes[name][1]], f"{name} at {target}"


def test_a_challenge_certbot_writes_is_served_by_nginx_on_port_80(nginx_lab):
    # certbot runs as root and creates the challenge folders itself, as here.
    nginx_lab.exec("sh", "-c", "mkdir -p /var/www/certbot/.well-known/acme-challenge && "
                   "echo probe-token > /var/www/certbot/.well-known/acme-challenge/probe")
    try:
        response = nginx_lab.call("http_request", url=f"http://{nginx_lab.domain}/.well-known/acme-challenge/probe")
        assert response["status"] == 200, response
        assert response["body"].strip() == "probe-token"
    finally:
        nginx_lab.exec("rm", "-f", "/var/www/certbot/.well-known/acme-challenge/probe")


@pytest.mark.parametrize("kind", ["caddy", "nginx"])
def test_every_proxy_volume_is_prepared_on_the_host(kind):
    assert set(render_proxy(SITE, kind).volumes) <= set(prepared(kind))
