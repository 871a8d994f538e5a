"""The maintenance page during a database move: 503 and a short page on Odoo's ports, under its name.

Run by the delivery in a throwaway container of the Odoo image (its python3), as nobody, read-only,
on the project's edge network with the alias `odoo`: every proxy (Caddy, nginx, Traefik) asks
Docker's DNS for `odoo` per connection, so while Odoo is stopped they reach this instead of failing.
"""
import http.server
import socketserver
import sys
import threading

PAGE = (b"<!doctype html><html><head><meta charset='utf-8'><title>Maintenance</title></head><body>"
        b"<h1>Back in a few minutes</h1><p>The database is being moved. Nothing you saved is lost; "
        b"please try again shortly.</p></body></html>\n")


class Maintenance(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Retry-After", "60")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(PAGE)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(ports):
    servers = [Server(("0.0.0.0", int(port)), Maintenance) for port in ports]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:] or ["8069", "8072"])
