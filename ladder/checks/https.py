"""Live outcome checks for Steps 1-2: the proxy serves HTTPS properly and hides Odoo.

Each check connects to `host` (an address or name) while presenting `domain` as SNI and
Host, so the same code checks a deployment by its public IP or a loopback test setup.
"""
import base64
import hashlib
import http.client
import os
import socket
import ssl
import time

from ladder.checks.result import CheckResult

# RFC 6455: the server proves it understood the upgrade with this GUID.
_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_REDIRECT_STATUSES = (301, 302, 307, 308)


def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_bundle)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _tls_connect(host: str, domain: str, port: int, ca_bundle: str | None, timeout: float) -> ssl.SSLSocket:
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        return _tls_context(ca_bundle).wrap_socket(raw, server_hostname=domain)
    except BaseException:
        raw.close()
        raise


def check_certificate(
    host: str,
    domain: str,
    port: int = 443,
    ca_bundle: str | None = None,
    min_days_left: int = 14,
    timeout: float = 5.0,
) -> CheckResult:
    """The served certificate chains to a trusted root, names `domain`, and lasts long enough."""
    name = f"certificate for {domain}"
    try:
        with _tls_connect(host, domain, port, ca_bundle, timeout) as tls:
            certificate = tls.getpeercert()
    except ssl.SSLCertVerificationError as error:
        return CheckResult(name, False, f"{host}:{port} serves a certificate that does not verify: {error.verify_message}")
    except (OSError, ssl.SSLError) as error:
        return CheckResult(name, False, f"no TLS connection to {host}:{port}: {error}")
    expires = ssl.cert_time_to_seconds(certificate["notAfter"])
    days_left = (expires - time.time()) / 86400
    if days_left < min_days_left:
        return CheckResult(
            name, False, f"valid but expires in {days_left:.1f} days (< {min_days_left}): is renewal running?"
        )
    issuer = dict(item[0] for item in certificate.get("issuer", ()))
    return CheckResult(
        name, True, f"valid, issued by {issuer.get('commonName', '?')}, expires in {days_left:.0f} days"
    )


def check_http_redirect(host: str, domain: str, port: int = 80, timeout: float = 5.0) -> CheckResult:
    """Plain http answers with a redirect to https on the same name."""
    name = f"http redirects to https for {domain}"
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/web/login", headers={"Host": domain})
        response = connection.getresponse()
        location = response.getheader("Location", "")
    except OSError as error:
        return CheckResult(name, False, f"no answer on http://{host}:{port}: {error}")
    finally:
        connection.close()
    if response.status in _REDIRECT_STATUSES and location.startswith(f"https://{domain}"):
        return CheckResult(name, True, f"{response.status} to {location}")
    return CheckResult(
        name, False, f"expected a redirect to https://{domain}/..., got {response.status} Location={location!r}"
    )


def check_ports_closed(host: str, ports: tuple[int, ...] = (8069, 8072, 5432), timeout: float = 2.0) -> CheckResult:
    """Odoo and PostgreSQL are reachable only through the proxy, never directly."""
    name = f"ports {', '.join(map(str, ports))} closed on {host}"
    reachable = []
    for port in ports:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                reachable.append(port)
        except OSError:
            pass
    if reachable:
        return CheckResult(
            name, False, f"reachable from here: {', '.join(map(str, reachable))}; only 80/443 should be open"
        )
    return CheckResult(name, True, "none of them accepts a connection")


def check_websocket(
    host: str,
    domain: str,
    port: int = 443,
    path: str = "/websocket",
    ca_bundle: str | None = None,
    timeout: float = 5.0,
) -> CheckResult:
    """A websocket upgrade on `path` is answered with 101 and a correct Sec-WebSocket-Accept."""
    name = f"websocket upgrade on https://{domain}{path}"
    key = base64.b64encode(os.urandom(16)).decode()
    expected_accept = base64.b64encode(hashlib.sha1((key + _WEBSOCKET_GUID).encode()).digest()).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {domain}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://{domain}\r\n\r\n"
    )
    try:
        with _tls_connect(host, domain, port, ca_bundle, timeout) as tls:
            tls.sendall(request.encode())
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 16384:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                head += chunk
    except (OSError, ssl.SSLError) as error:
        return CheckResult(name, False, f"no TLS connection to {host}:{port}: {error}")
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status_line = lines[0] if lines else ""
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if " 101 " not in f"{status_line} ":
        return CheckResult(name, False, f"expected 101 Switching Protocols, got {status_line!r}")
    if headers.get("sec-websocket-accept") != expected_accept:
        return CheckResult(name, False, "101 but a wrong Sec-WebSocket-Accept: not a websocket server")
    return CheckResult(name, True, "101 Switching Protocols with a valid accept key")
