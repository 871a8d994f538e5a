"""A stand-in for Docker's embedded DNS (127.0.0.11 in every container on a user-defined network).

pebble-challtestsrv serves the records: the compose service names the lab sets, and nothing else
(no default address), so a name whose container is "down" does not resolve, as in Docker.
Test code changes a record through the management API on loopback.
"""
import json
import urllib.request

ADDRESS = "127.0.0.11"
MANAGEMENT_PORT = 8056
# What Docker writes into a container's /etc/resolv.conf.
RESOLV_CONF = f"nameserver {ADDRESS}\noptions ndots:0\n"


def command() -> list[str]:
    return ["pebble-challtestsrv", "-defaultIPv4", "", "-defaultIPv6", "",
            "-dns01", f"{ADDRESS}:53", "-http01", "", "-https01", "", "-tlsalpn01", "",
            "-management", f"127.0.0.1:{MANAGEMENT_PORT}"]


def _post(path: str, body: dict) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{MANAGEMENT_PORT}/{path}", data=json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def point(name: str, address: str) -> None:
    """The container `name` (re)started with this address."""
    _post("clear-a", {"host": name})
    _post("add-a", {"host": name, "addresses": [address]})


def remove(name: str) -> None:
    """The container `name` is not running: Docker's DNS no longer knows it."""
    _post("clear-a", {"host": name})
