"""A Docker host in miniature, built only from network namespaces this module creates.

    container netns --veth--> [bridge] "host" netns [veth] --> "metadata" netns
    172.30.0.2, fd00:d0c::2           routes and forwards        169.254.169.254, fd00:ec2::254
                                                                (and .123 / ::123, not IMDS)

As on EC2, the metadata service is not an address of the host: the host reaches it directly
(OUTPUT), a container's packets are forwarded (FORWARD, hence DOCKER-USER). The stand-in HTTP
server in the metadata namespace answers every path with a fixed body; it is a stand-in for
IMDS, not AWS. The machine's own network is never touched: every link, address, route, sysctl
and iptables rule lives in one of the three namespaces, which vanish with their processes.
"""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

IMDS = "169.254.169.254"
IMDS6 = "fd00:ec2::254"
# Amazon Time Sync's address: on the same link, but not IMDS; it must stay reachable.
OTHER = "169.254.169.123"
OTHER6 = "fd00:ec2::123"
STANDIN_BODY = "stand-in metadata service (not AWS)"

SETUP = {
    "host": [
        "ip link set lo up",
        "ip link add br-ladder type bridge",
        "ip addr add 172.30.0.1/24 dev br-ladder",
        "ip -6 addr add fd00:d0c::1/64 dev br-ladder nodad",
        "ip link set br-ladder up",
        "ip link add veth-ctr type veth peer name eth0 netns {container}",
        "ip link set veth-ctr master br-ladder up",
        "ip link add veth-meta type veth peer name eth0 netns {metadata}",
        "ip addr add 169.254.0.1/16 dev veth-meta",
        "ip -6 addr add fd00:ec2::1/64 dev veth-meta nodad",
        "ip link set veth-meta up",
        "sysctl -q -w net.ipv4.ip_forward=1",
        "sysctl -q -w net.ipv6.conf.all.forwarding=1",
    ],
    "container": [
        "ip link set lo up",
        "ip addr add 172.30.0.2/24 dev eth0",
        "ip -6 addr add fd00:d0c::2/64 dev eth0 nodad",
        "ip link set eth0 up",
        "ip route add default via 172.30.0.1",
        "ip -6 route add default via fd00:d0c::1",
    ],
    "metadata": [
        "ip link set lo up",
        f"ip addr add {IMDS}/16 dev eth0",
        f"ip addr add {OTHER}/16 dev eth0",
        f"ip -6 addr add {IMDS6}/64 dev eth0 nodad",
        f"ip -6 addr add {OTHER6}/64 dev eth0 nodad",
        "ip link set eth0 up",
        "ip route add default via 169.254.0.1",
        "ip -6 route add default via fd00:ec2::1",
    ],
}

# Answers any GET with the stand-in body, on every address of the metadata namespace.
STANDIN_SERVER = f"""
import http.server, socket
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = {STANDIN_BODY!r}.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(http.server.HTTPServer):
    address_family = socket.AF_INET6
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
Server(("::", 80), Handler).serve_forever()
"""


@dataclass
class MiniHost:
    pids: dict[str, int] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def run(self, where: str, command: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(["nsenter", "-t", str(self.pids[where]), "-n", *command],
                              capture_output=True, text=True, timeout=timeout)

    def must(self, where: str, command: list[str]) -> str:
        done = self.run(where, command)
        if done.returncode != 0:
            raise RuntimeError(f"{where}: {' '.join(command)} failed: {done.stderr}")
        return done.stdout

    def fetch(self, where: str, address: str, seconds: float = 2) -> str | None:
        """The stand-in's answer to a GET from that namespace, or None when nothing answered."""
        host = f"[{address}]" if ":" in address else address
        done = self.run(where, ["curl", "-sS", "--max-time", str(seconds),
                                f"http://{host}/latest/api/token"], timeout=seconds + 10)
        return done.stdout if done.returncode == 0 else None

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


def start_minihost(workdir: Path) -> MiniHost:
    mini = MiniHost()
    try:
        for name in ("host", "container", "metadata"):
            # `unshare --net` execs sleep in a fresh network namespace: its pid names the namespace.
            process = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
            mini.processes.append(process)
            mini.pids[name] = process.pid
        time.sleep(0.2)
        for where, commands in SETUP.items():
            for command in commands:
                mini.must(where, command.format(**mini.pids).split())
        server = workdir / "standin_imds.py"
        server.write_text(STANDIN_SERVER)
        standin = subprocess.Popen(["nsenter", "-t", str(mini.pids["metadata"]), "-n", sys.executable, str(server)])
        mini.processes.append(standin)
        # Ready once every path answers: the links and the neighbour tables settle in a second or so.
        for where, address in (("host", IMDS), ("container", OTHER), ("container", OTHER6)):
            deadline = time.monotonic() + 20
            while mini.fetch(where, address, seconds=1) != STANDIN_BODY:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the stand-in at {address} did not answer the {where} namespace")
                time.sleep(0.2)
    except Exception:
        mini.stop()
        raise
    return mini
