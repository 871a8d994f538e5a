"""STAND-INS FOR ODOO, for tests and benchmarks only. Not Odoo.

On the HTTP port (Odoo's 8069) a server that answers every request with what it
received: method, path, headers and the body size, as JSON. A few fixed paths serve
fixed content for the benchmark. On the bus port (Odoo's 8072) a websocket echo server.

Run: python -m tests.proxy.standins --host 127.0.0.1 --http-port 8069 --bus-port 8072
"""
import argparse
import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from websockets.asyncio.server import serve

SMALL_PAGE = b"<!doctype html><title>stand-in</title><p>Odoo stand-in page</p>\n"
STATIC_ASSET = (b"/* stand-in static asset */\n" + b".o_stand_in { color: #714b67; }\n" * 600)
ONE_MIB = b"\x00" * (1024 * 1024)
FIXED = {
    "/bench/page": ("text/html; charset=utf-8", SMALL_PAGE),
    "/bench/static.css": ("text/css", STATIC_ASSET),
    "/bench/1mib": ("application/octet-stream", ONE_MIB),
}


class EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle + delayed ACK
    # add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def _handle(self) -> None:
        if self.path in FIXED:
            content_type, body = FIXED[self.path]
            self._send(200, content_type, body)
            return
        remaining = int(self.headers.get("Content-Length") or 0)
        received = 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            received += len(chunk)
            remaining -= len(chunk)
        echo = {
            "standin": "odoo-http",
            # Which stand-in answered: tells an old odoo container's address from a new one.
            "address": self.server.server_address[0],
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_bytes": received,
        }
        self._send(200, "application/json", json.dumps(echo).encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read JSON, not logs
        pass


async def _echo(connection) -> None:
    async for message in connection:
        if message == "__headers__":
            # Lets a test see the headers the proxy sent on the bus route.
            await connection.send(json.dumps([[k, v] for k, v in connection.request.headers.raw_items()]))
        else:
            await connection.send(message)


async def _serve_bus(host: str, port: int) -> None:
    async with serve(_echo, host, port):
        await asyncio.Future()


def arguments() -> argparse.Namespace:
    """Where a stand-in listens: Odoo's address and its two ports."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8069)
    parser.add_argument("--bus-port", type=int, default=8072)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    http_server = ThreadingHTTPServer((args.host, args.http_port), EchoHandler)
    http_server.daemon_threads = True
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    asyncio.run(_serve_bus(args.host, args.bus_port))


if __name__ == "__main__":
    main()
