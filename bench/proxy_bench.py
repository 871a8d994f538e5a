"""Proxy overhead: each rendered proxy (Caddy; nginx + certbot) vs the upstream directly.

Runs each proxy in its own private network namespace (tests/proxy/netns_lab.py: pebble
issues the certificate, the Odoo stand-ins serve the content) and loads it from inside
that namespace over loopback: a small HTML page, a 20 KiB CSS asset, a 1 MiB binary.
Through the proxy is HTTPS with keep-alive (as a browser); directly is plain HTTP to the
stand-in on 127.0.0.1:8069. Both send `Accept-Encoding: gzip`, as browsers do.
Request counts are fixed (bounded); 4 client processes share the machine with the server.

Run as root from the repository root:
    venv/bin/python bench/proxy_bench.py
"""
import http.client
import json
import multiprocessing
import os
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAYLOADS = [("small page", "/bench/page", 3000), ("static asset", "/bench/static.css", 3000),
            ("1 MiB response", "/bench/1mib", 300)]
CONCURRENCY = 4


def _worker(url: str, count: int, cafile: str | None, queue) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port or 443,
                                                 context=ssl.create_default_context(cafile=cafile))
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", parts.path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        latencies.append(time.perf_counter() - started)
    connection.close()
    queue.put(latencies)


def load(url: str, count: int, cafile: str | None) -> dict:
    """`count` GETs over CONCURRENCY keep-alive connections: requests/s, p50, p99."""
    queue = multiprocessing.Queue()
    per_worker = count // CONCURRENCY
    # Warm-up: TLS handshake, caches, upstream keep-alive.
    _worker(url, 20, cafile, queue)
    queue.get()
    workers = [multiprocessing.Process(target=_worker, args=(url, per_worker, cafile, queue))
               for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    latencies = sorted(sum((queue.get() for _ in workers), []))
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def client_main(argv: list[str]) -> None:
    """Inside the namespace: measure direct and through the proxy for every payload."""
    domain, cafile = argv
    results = []
    for name, path, count in PAYLOADS:
        direct = load(f"http://127.0.0.1:8069{path}", count, None)
        proxied = load(f"https://{domain}{path}", count, cafile)
        results.append({"payload": name, "count": count, "direct": direct, "proxied": proxied})
    print(json.dumps(results))


def main() -> None:
    from tests.proxy.lab import start_lab, stop_lab

    if os.geteuid() != 0:
        sys.exit("needs root: each proxy runs in its own `unshare --net --mount` namespace")
    print(f"proxy_bench: {os.cpu_count()} cores, {CONCURRENCY} client processes, keep-alive, loopback only")
    print(f"{'proxy':7} {'payload':15} {'n':>5} {'direct rps':>10} {'proxy rps':>10} {'rps ratio':>9} "
          f"{'direct p50':>10} {'proxy p50':>9} {'direct p99':>10} {'proxy p99':>9}  (ms)")
    for kind in ("caddy", "nginx"):
        with tempfile.TemporaryDirectory(prefix=f"proxy-bench-{kind}-") as workdir:
            lab = start_lab(kind, Path(workdir))
            try:
                done = lab.exec(sys.executable, str(Path(__file__).resolve()), "client", lab.domain, lab.root_ca,
                                timeout=900)
            finally:
                stop_lab(lab.process)
        for row in json.loads(done.stdout.strip().splitlines()[-1]):
            d, p = row["direct"], row["proxied"]
            print(f"{kind:7} {row['payload']:15} {row['count']:>5} {d['rps']:>10.0f} {p['rps']:>10.0f} "
                  f"{p['rps'] / d['rps']:>9.2f} {d['p50_ms']:>10.2f} {p['p50_ms']:>9.2f} "
                  f"{d['p99_ms']:>10.2f} {p['p99_ms']:>9.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["client"]:
        client_main(sys.argv[2:])
    else:
        main()
