"""Both rendered proxies, run unchanged against pebble and the Odoo stand-ins (netns_lab.py)."""
import json

import pytest

MiB = 1024 * 1024
SPOOFED = {
    "X-Forwarded-For": "198.51.100.66",
    "X-Forwarded-Host": "evil.example.net",
    "X-Forwarded-Proto": "http",
    "X-Real-IP": "198.51.100.66",
}


def https(lab, path: str) -> str:
    return f"https://{lab.domain}{path}"


def get(lab, path: str, **kwargs) -> dict:
    return lab.call("http_request", url=https(lab, path), cafile=lab.root_ca, **kwargs)


def header(response: dict, name: str) -> str | None:
    values = [v for k, v in response["headers"] if k.lower() == name.lower()]
    return values[0] if values else None


def echoed_headers(pairs: list) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for key, value in pairs:
        seen.setdefault(key.lower(), []).append(value)
    return seen


def test_certificate_comes_from_pebble_through_http01(any_lab):
    # Verified against pebble's root only: the chain must lead there.
    served = any_lab.call("served_certificate", host=any_lab.info["public_ip"], port=443,
                          server_name=any_lab.domain, cafile=any_lab.root_ca)
    assert served["subject_alt_names"] == [any_lab.domain]
    assert "Pebble" in served["issuer"]["commonName"]
    assert f"Attempting to validate w/ HTTP: http://{any_lab.domain}:80/.well-known/acme-challenge/" in any_lab.log(
        "pebble")


def test_http_redirects_to_https(any_lab):
    response = any_lab.call("http_request", url=f"http://{any_lab.domain}/web/login?redirect=%2Fodoo")
    assert response["status"] in (301, 308)
    assert header(response, "Location") == f"https://{any_lab.domain}/web/login?redirect=%2Fodoo"


def test_root_reaches_the_http_standin_with_hsts(any_lab):
    response = get(any_lab, "/web/login")
    assert response["status"] == 200
    echo = json.loads(response["body"])
    assert echo["standin"] == "odoo-http" and echo["path"] == "/web/login"
    assert header(response, "Strict-Transport-Security").startswith("max-age=63072000")


def test_websocket_reaches_the_bus_standin(any_lab):
    url = f"wss://{any_lab.domain}/websocket"
    assert any_lab.call("websocket_echo", url=url, message="ping bus", cafile=any_lab.root_ca) == {"echo": "ping bus"}


@pytest.mark.parametrize("route", ["http", "bus"])
def test_forwarded_headers_are_the_proxys_not_the_clients(any_lab, route):
    client_ip = any_lab.info["client_ip"]
    if route == "http":
        response = get(any_lab, "/web/webclient/version_info", headers=SPOOFED, source_ip=client_ip)
        received = echoed_headers(json.loads(response["body"])["headers"])
    else:
        # The bus stand-in answers `__headers__` with its handshake headers. Spoofed headers
        # go in through a plain HTTP request on the same route first would not reach it, so
        # the websocket client's own headers are checked: no client values, proxy values set.
        reply = any_lab.call("websocket_echo", url=f"wss://{any_lab.domain}/websocket", message="__headers__",
                             cafile=any_lab.root_ca)
        received = echoed_headers(json.loads(reply["echo"]))
        client_ip = "127.0.0.1"  # websocket_echo connects from the default source address
    assert received["x-forwarded-for"] == [client_ip]
    assert received["x-real-ip"] == [client_ip]
    assert received["x-forwarded-host"] == [any_lab.domain]
    assert received["x-forwarded-proto"] == ["https"]
    assert received["host"] == [any_lab.domain]


@pytest.mark.parametrize("path", ["/web/database/manager", "/web/database/selector", "/web/database/create"])
def test_database_manager_is_blocked(any_lab, path):
    response = get(any_lab, path)
    assert response["status"] == 404
    assert "odoo-http" not in response["body"]


def test_upload_of_100_mib_reaches_odoo(any_lab):
    response = get(any_lab, "/web/binary/upload_attachment", method="POST", body_bytes=100 * MiB,
                   headers={"Content-Type": "application/octet-stream"})
    assert response["status"] == 200
    assert json.loads(response["body"])["body_bytes"] == 100 * MiB


def test_body_over_128_mib_does_not_reach_odoo(any_lab):
    response = get(any_lab, "/web/binary/upload_attachment", method="POST", body_bytes=129 * MiB,
                   headers={"Content-Type": "application/octet-stream"})
    assert response["status"] != 200 or json.loads(response["body"])["body_bytes"] < 129 * MiB


def test_text_is_compressed_binary_is_not(any_lab):
    text = get(any_lab, "/bench/static.css", headers={"Accept-Encoding": "gzip"})
    assert header(text, "Content-Encoding") == "gzip"
    binary = get(any_lab, "/bench/1mib", headers={"Accept-Encoding": "gzip"})
    assert header(binary, "Content-Encoding") is None and binary["body_length"] == MiB


def test_access_log_is_written_to_the_log_volume(any_lab):
    marker = "/web/access-log-probe"
    get(any_lab, marker)
    log_path = any_lab.info["access_log"]
    # Read all rotated files too: nginx's lab rotates at a small size.
    logs = any_lab.exec("sh", "-c", f"cat {log_path}*").stdout
    assert marker in logs
