"""The client side of the e2e tests, run inside the lab's namespaces through nsenter.

Usage: python -m tests.proxy.nsclient FUNCTION '{"kwarg": ...}'   → one JSON line
"""
import dataclasses
import importlib
import json
import socket
import ssl
import sys
from urllib.parse import urlsplit
import http.client

from websockets.sync.client import connect


def _context(cafile: str | None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


def _zeros(total: int, chunk: int = 1 << 20):
    while total > 0:
        size = min(chunk, total)
        total -= size
        yield b"\0" * size


def http_request(url: str, method: str = "GET", headers: dict | None = None, body_bytes: int = 0,
                 cafile: str | None = None, source_ip: str | None = None, timeout: float = 60) -> dict:
    parts = urlsplit(url)
    source = (source_ip, 0) if source_ip else None
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=timeout,
                                                 context=_context(cafile), source_address=source)
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout,
                                                source_address=source)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    all_headers = dict(headers or {})
    body = None
    if body_bytes:
        all_headers["Content-Length"] = str(body_bytes)
        body = _zeros(body_bytes)
    try:
        connection.request(method, path, body=body, headers=all_headers)
        serial = None
        if parts.scheme == "https":
            serial = connection.sock.getpeercert().get("serialNumber")
        response = connection.getresponse()
        content = response.read()
        return {
            "status": response.status,
            "headers": [[k, v] for k, v in response.getheaders()],
            "body": content[:65536].decode("utf-8", "replace"),
            "body_length": len(content),
            "certificate_serial": serial,
        }
    except (ConnectionError, OSError) as error:
        # A proxy may close the connection while a rejected body is still being sent.
        return {"status": None, "error": repr(error)}
    finally:
        connection.close()


def http_burst(url: str, count: int, cafile: str | None = None) -> dict:
    """`count` sequential GETs; returns the status codes seen."""
    statuses: dict[str, int] = {}
    for _ in range(count):
        status = str(http_request(url, cafile=cafile)["status"])
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def websocket_echo(url: str, message: str, cafile: str | None = None) -> dict:
    with connect(url, ssl=_context(cafile) if url.startswith("wss") else None, open_timeout=10) as ws:
        ws.send(message)
        return {"echo": ws.recv(timeout=10)}


def served_certificate(host: str, port: int, server_name: str, cafile: str) -> dict:
    """The certificate served for `server_name`, verified against `cafile` (the chain must lead there)."""
    with socket.create_connection((host, port), timeout=5) as raw:
        with _context(cafile).wrap_socket(raw, server_hostname=server_name) as tls:
            certificate = tls.getpeercert()
    return {
        "serial": certificate["serialNumber"],
        "not_after": certificate["notAfter"],
        "subject_alt_names": [value for kind, value in certificate.get("subjectAltName", ()) if kind == "DNS"],
        "issuer": dict(item[0] for item in certificate["issuer"]),
    }


def docker_dns(name: str, address: str | None = None) -> dict:
    """Point a compose service name at a new address, or (None) take it out, as Docker's DNS would."""
    from tests.proxy import docker_dns as dns
    dns.point(name, address) if address else dns.remove(name)
    return {"name": name, "address": address}


def run_check(module: str, function: str, kwargs: dict) -> dict:
    """Run one of ladder.checks.<module>.<function>; lists become tuples (ports)."""
    check = getattr(importlib.import_module(f"ladder.checks.{module}"), function)
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return dataclasses.asdict(check(**kwargs))


FUNCTIONS = {f.__name__: f for f in (http_request, http_burst, websocket_echo, served_certificate, docker_dns,
                                             run_check)}

if __name__ == "__main__":
    result = FUNCTIONS[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result))
