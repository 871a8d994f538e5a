"""Pebble (Let's Encrypt's ACME test server) and its mock DNS, for the namespaced lab.

Gotchas handled here: pebble ships no listener certificate (we make one with openssl);
the issued chain's root is served on the management port at /roots/0; challtestsrv
answers pebble's DNS queries so the test domain points at the proxy; no sleeps, no
nonce rejection.
"""
import json
import os
import subprocess
import urllib.request
import ssl
from pathlib import Path

ACME_PORT = 14000
MANAGEMENT_PORT = 15000
DNS_PORT = 8053
ACME_DIRECTORY = f"https://localhost:{ACME_PORT}/dir"
# TLS-ALPN-01 goes to a port nobody listens on, so certificates come through HTTP-01 only.
UNUSED_TLS_ALPN_PORT = 5001


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_listener_certificate(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a localhost certificate for pebble's ACME listener."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = directory / "listener-ca.key", directory / "listener-ca.pem"
    key, csr, cert = directory / "listener.key", directory / "listener.csr", directory / "listener.pem"
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(ca_key))
    _openssl("req", "-x509", "-new", "-key", str(ca_key), "-subj", "/CN=odoo-ladder test listener CA",
             "-days", "2", "-out", str(ca_cert))
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key))
    _openssl("req", "-new", "-key", str(key), "-subj", "/CN=localhost", "-out", str(csr))
    extensions = directory / "listener.ext"
    extensions.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key), "-CAcreateserial",
             "-days", "2", "-extfile", str(extensions), "-out", str(cert))
    return ca_cert, cert, key


def write_config(directory: Path, cert: Path, key: Path) -> Path:
    config = {
        "pebble": {
            "listenAddress": f"127.0.0.1:{ACME_PORT}",
            "managementListenAddress": f"127.0.0.1:{MANAGEMENT_PORT}",
            "certificate": str(cert),
            "privateKey": str(key),
            "httpPort": 80,
            "tlsPort": UNUSED_TLS_ALPN_PORT,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False,
        }
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pebble-config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


def challtestsrv_command(public_ip: str) -> list[str]:
    # Only the mock DNS: every name resolves to the proxy's "public" address.
    return [
        "pebble-challtestsrv",
        "-defaultIPv4", public_ip,
        "-defaultIPv6", "",
        "-dns01", f"127.0.0.1:{DNS_PORT}",
        "-http01", "",
        "-https01", "",
        "-tlsalpn01", "",
        "-management", "127.0.0.1:8055",
    ]


def pebble_command(config: Path) -> list[str]:
    return ["pebble", "-config", str(config), "-dnsserver", f"127.0.0.1:{DNS_PORT}"]


def pebble_environment() -> dict[str, str]:
    return {**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"}


def fetch_issuing_root(listener_ca: Path, destination: Path) -> Path:
    """The root that pebble's issued chains lead to (regenerated on every pebble start)."""
    context = ssl.create_default_context(cafile=str(listener_ca))
    with urllib.request.urlopen(f"https://localhost:{MANAGEMENT_PORT}/roots/0", context=context, timeout=5) as r:
        destination.write_bytes(r.read())
    return destination
