"""STAND-IN FOR ODOO, for the step-7 sidecar test only. Not Odoo.

Faithful where the sidecar's work shows (checked against odoo/http.py and addons/bus/websocket.py):
- with proxy_mode on, Odoo runs werkzeug's ProxyFix(x_for=1, x_proto=1, x_host=1) over the environ
  only when X-Forwarded-Host is present (Application.__call__); without it, every X-Forwarded-*
  header is ignored: scheme http, the peer's address, the Host header;
- /websocket on the bus port answers 400 to a request without the websocket handshake headers
  (`_assert_handshake_validity`: "Empty or missing header(s)").
Each answer says what Odoo would see: scheme, host, remote address, URL, the raw headers.

Run: python -m tests.proxy.odoo_faithful --host 127.0.0.1 --http-port 8069 --bus-port 8072
"""
from __future__ import annotations

import asyncio
import json
import threading
from http import HTTPStatus

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from tests.proxy.standins import arguments

PROXY_MODE = True  # odoo.conf's proxy_mode, as components/app/odoo_conf.py renders it


def odoo_view(environ: dict) -> dict:
    """What Odoo's request sees after its own proxy handling (odoo/http.py)."""
    if PROXY_MODE and environ.get("HTTP_X_FORWARDED_HOST"):
        ProxyFix(lambda env, start: [], x_for=1, x_proto=1, x_host=1)(environ, lambda status, headers: None)
    request = Request(environ)
    return {"standin": "odoo-faithful", "scheme": request.scheme, "host": request.host,
            "remote_addr": request.remote_addr, "url": request.url, "path": request.path,
            "headers": [[k, v] for k, v in request.headers.items()]}


def http_app(environ, start_response):
    if environ["PATH_INFO"] == "/web/health":
        body, content_type = b'{"status": "pass"}', "application/json"
    else:
        # Drain the body (uploads) before answering.
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
        while remaining > 0:
            chunk = environ["wsgi.input"].read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)
        body, content_type = json.dumps(odoo_view(environ)).encode(), "application/json"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _environ(connection, request) -> dict:
    environ = {"REMOTE_ADDR": connection.remote_address[0], "wsgi.url_scheme": "http",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8072", "PATH_INFO": request.path.split("?")[0],
               "QUERY_STRING": "", "REQUEST_METHOD": "GET", "SCRIPT_NAME": ""}
    for name, value in request.headers.raw_items():
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


REQUIRED_HANDSHAKE_HEADERS = ("connection", "host", "sec-websocket-key", "sec-websocket-version", "upgrade")


def _handshake(connection, request):
    missing = [h for h in REQUIRED_HANDSHAKE_HEADERS if h not in request.headers]
    if missing:
        body = f"Empty or missing header(s): {', '.join(missing)}".encode()
        return Response(HTTPStatus.BAD_REQUEST, "Bad Request",
                        Headers([("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]), body)
    connection.odoo_view = odoo_view(_environ(connection, request))
    return None


async def _bus(connection) -> None:
    async for message in connection:
        await connection.send(json.dumps(connection.odoo_view) if message == "__odoo_view__" else message)


async def _serve_bus(host: str, port: int) -> None:
    async with serve(_bus, host, port, process_request=_handshake):
        await asyncio.Future()


def main() -> None:
    args = arguments()
    server = make_server(args.host, args.http_port, http_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    asyncio.run(_serve_bus(args.host, args.bus_port))


if __name__ == "__main__":
    main()
