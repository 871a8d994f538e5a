"""An ALB in front of the sidecar, for the step-7 test: run inside the sidecar lab through nsenter.

What an Application Load Balancer sends its target (HTTPS listener, defaults plus
preserve_host_header, components/proxy/sidecar.py), from one of its nodes' VPC addresses:
- Host: as the client sent it;
- X-Forwarded-For: the client's own X-Forwarded-For, if any, then ", " and the client's address
  (routing.http.xff_header_processing.mode = append, the default);
- X-Forwarded-Proto: https; X-Forwarded-Port: 443 (the listener's);
- every other client header unchanged, X-Forwarded-Host included (the ALB neither sets nor drops it).

Usage: python -m tests.proxy.alb_front FUNCTION '{"kwarg": ...}'   → one JSON line
"""
from __future__ import annotations

import json
import socket
import sys

from websockets.sync.client import connect

from tests.proxy.nsclient import http_request

LISTENER_PORT = 443


def alb_headers(client_ip: str, client_headers: dict[str, str]) -> dict[str, str]:
    headers = {k: v for k, v in client_headers.items()
               if k.lower() not in ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-port")}
    previous = next((v for k, v in client_headers.items() if k.lower() == "x-forwarded-for"), None)
    headers["X-Forwarded-For"] = f"{previous}, {client_ip}" if previous else client_ip
    headers["X-Forwarded-Proto"] = "https"
    headers["X-Forwarded-Port"] = str(LISTENER_PORT)
    return headers


def through_alb(target: str, path: str, client_ip: str, client_headers: dict[str, str],
                alb_node_ip: str, method: str = "GET", body_bytes: int = 0) -> dict:
    """One request as the ALB forwards it, from the ALB node's address."""
    return http_request(f"http://{target}{path}", method=method, headers=alb_headers(client_ip, client_headers),
                        body_bytes=body_bytes, source_ip=alb_node_ip)


def direct(target: str, path: str, source_ip: str, headers: dict[str, str]) -> dict:
    """One request from an address outside the VPC, with whatever headers it likes."""
    return http_request(f"http://{target}{path}", headers=headers, source_ip=source_ip)


def websocket_through_alb(target: str, client_ip: str, host: str, alb_node_ip: str, message: str) -> dict:
    """Open /websocket as the ALB forwards it, send `message` and ask the bus what Odoo saw."""
    address, port = target.rsplit(":", 1)
    sock = socket.socket()
    sock.bind((alb_node_ip, 0))
    sock.connect((address, int(port)))
    headers = alb_headers(client_ip, {"Origin": f"https://{host}"})
    with connect(f"ws://{host}/websocket", sock=sock, additional_headers=headers, open_timeout=10) as ws:
        ws.send(message)
        echo = ws.recv(timeout=10)
        ws.send("__odoo_view__")
        return {"echo": echo, "odoo": json.loads(ws.recv(timeout=10))}


FUNCTIONS = {f.__name__: f for f in (through_alb, direct, websocket_through_alb)}

if __name__ == "__main__":
    print(json.dumps(FUNCTIONS[sys.argv[1]](**json.loads(sys.argv[2]))))
