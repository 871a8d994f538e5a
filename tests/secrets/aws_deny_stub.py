"""A stand-in AWS endpoint on loopback (NOT AWS) that denies every SSM / Secrets Manager call.

moto can deny through its IAM emulation, but answers JSON-protocol services with an XML error body
and HTTP 403. Real SSM and Secrets Manager answer HTTP 400 with the JSON error below, so this stub
checks the entrypoint against the wire format AWS actually sends for an access denied.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _DenyHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")  # e.g. AmazonSSM.GetParameter
        service = "ssm" if target.startswith("AmazonSSM.") else "secretsmanager"
        action = f"{service}:{target.rpartition('.')[2]}"
        body = json.dumps({
            "__type": "AccessDeniedException",
            "message": ("User: arn:aws:sts::123456789012:assumed-role/odoo-ladder-test/i-0abc"
                        f" is not authorized to perform: {action} because no identity-based"
                        " policy allows the action"),
        }).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class DenyingEndpoint:
    """Context manager: serves on 127.0.0.1, a free port, until exit."""

    def __enter__(self) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _DenyHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
