"""The namespace side of bench/proxy_bench.py: one proxy lab (tests/proxy/netns_lab.py: pebble,
Docker's DNS stand-in, the proxy exactly as rendered) whose `odoo` is a benchmark upstream:

- nginx serving static files, on odoo:8069 (plain, for the proxy) and :8443 (TLS, for the direct
  baseline: the client pays for TLS in both measurements);
- under /slow/, the same nginx passes to slow_upstream.py, which answers after 10 ms.

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

DIRECT_TLS_PORT = 8443
SLOW_PORT = 9000
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
    upstream slow {{ server 127.0.0.1:{slow}; keepalive 64; }}
    server {{
        listen {ip}:8069;
        listen {ip}:{tls} ssl;
        ssl_certificate {w}/upstream.pem;
        ssl_certificate_key {w}/upstream.key;
        root {w}/static;
        location /slow/ {{
            proxy_pass http://slow;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


class BenchLab(Lab):
    fast_logs: dict = {}  # the rendered check intervals: their work must not count as the proxy's

    def start_standins(self) -> None:
        work = self.workdir / "upstream"
        (work / "static" / "bench").mkdir(parents=True)
        (work / "tmp").mkdir()
        (work / "static" / "bench" / "page.html").write_bytes(SMALL_PAGE)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-subj", "/CN=odoo", "-days", "1", "-keyout", str(work / "upstream.key"),
                        "-out", str(work / "upstream.pem")], check=True, capture_output=True)
        conf = work / "upstream.conf"
        conf.write_text(UPSTREAM_CONF.format(w=work, ip=ODOO_IP, tls=DIRECT_TLS_PORT, slow=SLOW_PORT))
        self.start("slow-upstream", [sys.executable, str(REPO / "bench" / "slow_upstream.py"), "127.0.0.1",
                                     str(SLOW_PORT)])
        self.start("static-upstream", ["nginx", "-p", str(work), "-e", str(work / "upstream-error.log"),
                                       "-c", str(conf)])
        wait_for_port(ODOO_IP, 8069)
        wait_for_port(ODOO_IP, DIRECT_TLS_PORT)
        wait_for_port("127.0.0.1", SLOW_PORT)


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
        print("READY " + json.dumps(info), flush=True)
        sys.stdin.read()
    except Exception as error:  # noqa: BLE001 - reported to the driver
        print("FAILED " + json.dumps({"error": repr(error), "traceback": traceback.format_exc()}), flush=True)
    finally:
        lab.stop_all()


if __name__ == "__main__":
    main()
