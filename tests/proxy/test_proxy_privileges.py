"""The labs run each proxy with exactly its compose service's privileges (cap_drop ALL, the
capabilities hardening.py adds back, no-new-privileges), and everything else in the lab's tests
passes that way: the capability lists are enough, not just written down."""
import json
import sys

import pytest

from components.app.hardening import profile

# Capability numbers from linux/capability.h.
CAP_BITS = {"CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "SETGID": 6, "SETUID": 7,
            "NET_BIND_SERVICE": 10}

# Lists the processes in the lab's network namespace (the lab shares the machine's pid namespace).
PROCESSES = r"""
import json, os
mine = os.readlink("/proc/self/ns/net")
found = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if os.readlink(f"/proc/{pid}/ns/net") != mine:
            continue
        status = dict(line.split(":\t", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":\t" in line)
    except OSError:
        continue
    found.append({"name": status["Name"], "uid": status["Uid"].split()[1], "bounding": status["CapBnd"].strip(),
                  "effective": status["CapEff"].strip(), "no_new_privs": status.get("NoNewPrivs", "").strip()})
print(json.dumps(found))
"""


def mask(service: str) -> str:
    return f"{sum(1 << CAP_BITS[cap] for cap in profile(service).cap_add):016x}"


def processes(lab, name: str) -> list[dict]:
    found = json.loads(lab.exec(sys.executable, "-c", PROCESSES).stdout)
    return [p for p in found if p["name"] == name]


@pytest.mark.parametrize("kind", ["caddy", "traefik"])
def test_a_single_process_proxy_runs_with_net_bind_service_only(kind, request):
    running = processes(request.getfixturevalue(f"{kind}_lab"), kind)
    assert running
    for process in running:
        assert process["bounding"] == mask(kind) == f"{1 << 10:016x}"
        assert process["no_new_privs"] == "1"


def test_nginx_master_has_its_four_capabilities_and_its_workers_none(nginx_lab):
    running = processes(nginx_lab, "nginx")
    masters = [p for p in running if p["uid"] == "0"]
    workers = [p for p in running if p["uid"] != "0"]
    assert masters and workers
    for process in running:
        assert process["bounding"] == mask("nginx") and process["no_new_privs"] == "1"
    for worker in workers:
        assert worker["effective"] == "0000000000000000"


def test_certbot_runs_without_any_capability(nginx_lab):
    shells = [p for p in processes(nginx_lab, "sh") if p["bounding"] == mask("certbot")]
    assert shells and all(p["effective"] == "0000000000000000" for p in shells)
    assert mask("certbot") == "0000000000000000"
