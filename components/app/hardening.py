"""Container hardening, applied to the whole compose document in one call (`harden`).

Every service gets:
- `no-new-privileges`: no setuid binary or file capability can raise a process above what it
  started with (a compromised Odoo cannot `su`, nor run a setcap'd tool to gain privileges).
- `cap_drop: [ALL]`, then only what its image's start-up needs, each capability with its reason
  (SERVICES below). Docker's default set keeps 14, including DAC_OVERRIDE, SETUID and NET_RAW.
- a memory and a pids limit: one runaway container (a report that eats memory, a fork bomb in an
  addon) cannot take the host, and with it the database, down. Memory is shared out from what the
  instance type has, minus what the host itself needs.

Pure: a dict in, a new dict out; the document's other keys are left as they are.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Optional

from components.app.instance_memory import memory_mib

SECURITY_OPT = ["no-new-privileges:true"]
# What the host keeps for itself: the kernel, dockerd, containerd, the SSM agent, journald, apt.
HOST_RESERVE_MIB = 512
HOST_RESERVE_SHARE = 0.10
# Locally the limits only keep a runaway container from freezing the laptop.
LOCAL_BUDGET_MIB = 4096


@dataclass(frozen=True)
class Profile:
    cap_add: tuple[str, ...]
    why: str
    # Share of the containers' memory, relative to the other services running at the same time.
    weight: float
    pids: int
    # Below this the service cannot do its job: a smaller instance type is refused.
    min_mib: int = 64
    # A one-shot that finishes before this service starts (compose `service_completed_successfully`):
    # the two never run together, so it borrows that service's share instead of adding its own.
    runs_before: Optional[str] = None


SERVICES: dict[str, Profile] = {
    "db": Profile(
        ("CHOWN", "DAC_READ_SEARCH", "FOWNER", "SETGID", "SETUID"),
        "the postgres image's entrypoint starts as root: `find $PGDATA ! -user postgres -exec chown "
        "postgres` (CHOWN; DAC_READ_SEARCH to walk the postgres-owned 0700 data directory), "
        "`chmod 00700 $PGDATA` on a directory it does not own (FOWNER), then `gosu postgres` "
        "(SETGID, SETUID); postgres itself runs without any (docker-library/postgres#649, #907)",
        weight=3, pids=256, min_mib=256),
    "odoo-init": Profile(
        (), "runs as the image's odoo user: an unprivileged process needs no capability",
        weight=5, pids=512, min_mib=512, runs_before="odoo"),
    "odoo": Profile(
        (), "runs as the image's odoo user: an unprivileged process needs no capability",
        weight=5, pids=512, min_mib=512),
    "caddy": Profile(
        ("NET_BIND_SERVICE",),
        "binds 80 and 443; the image's binary carries the cap_net_bind_service file capability, "
        "and the kernel refuses to exec a binary whose file capabilities the bounding set lacks",
        weight=1, pids=256),
    "nginx": Profile(
        ("CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"),
        "the master runs as root: binds 80 and 443 (NET_BIND_SERVICE), creates its temp "
        "directories and hands them to the nginx user (CHOWN), and starts its workers as that user "
        "(SETGID, SETUID); certificates are root's own files, so no DAC_* (nginx/docker-nginx#524)",
        weight=1, pids=128),
    "traefik": Profile(
        ("NET_BIND_SERVICE",), "runs as root and binds 80 and 443; reads only root's own files",
        weight=1, pids=256),
    "certbot": Profile(
        (), "runs as root but only writes root-owned files (the certificates and the webroot) and "
            "opens no privileged port: HTTP-01 is answered by nginx from the shared webroot",
        weight=0.5, pids=64),
    "secrets-writer": Profile(
        ("CHOWN", "DAC_OVERRIDE"),
        "writes each secret file as root into a directory that may belong to someone else "
        "(DAC_OVERRIDE), sets 0400 while it still owns the file, then gives it to the reading "
        "service's uid (CHOWN)",
        weight=0.5, pids=64),
}
# A service this module does not know yet gets nothing back: if it needs a capability, it fails
# loudly at start, and its profile is added here with the reason.
DEFAULT = Profile((), "unknown service: no capability until its needs are written down here",
                  weight=0.5, pids=128)


def profile(name: str) -> Profile:
    return SERVICES.get(name, DEFAULT)


def container_budget(target: str, instance_type: Optional[str]) -> int:
    """MiB the containers may use together: the instance's memory less the host's own share."""
    if target == "local":
        return LOCAL_BUDGET_MIB
    if not instance_type:
        raise ValueError("host.instance_type: needed to size the containers' memory limits on AWS")
    total = memory_mib(instance_type)
    return total - max(HOST_RESERVE_MIB, int(total * HOST_RESERVE_SHARE))


def memory_limits(names: list[str], budget_mib: int) -> dict[str, int]:
    """Each service's memory limit in MiB. Those that run at the same time add up to the budget
    at most; a one-shot that runs before another takes that one's limit."""
    concurrent = [n for n in names if profile(n).runs_before not in names]
    total_weight = sum(profile(n).weight for n in concurrent)
    limits = {n: int(budget_mib * profile(n).weight / total_weight) for n in concurrent}
    for name in names:
        if name not in limits:
            limits[name] = limits[profile(name).runs_before]
    for name, mib in limits.items():
        if mib < profile(name).min_mib:
            raise ValueError(f"host.instance_type: leaves {name} {mib} MiB, below the {profile(name).min_mib} MiB "
                             f"it needs ({budget_mib} MiB for all containers); choose a larger type")
    return limits


def _hardened(name: str, service: dict[str, Any], memory: int) -> dict[str, Any]:
    wanted = profile(name)
    hardened = copy.deepcopy(service)
    hardened["security_opt"] = sorted(set(hardened.get("security_opt", [])) | set(SECURITY_OPT))
    hardened["cap_drop"] = ["ALL"]
    if wanted.cap_add:
        hardened["cap_add"] = list(wanted.cap_add)
    else:
        hardened.pop("cap_add", None)
    hardened["mem_limit"] = f"{memory}m"
    hardened["pids_limit"] = wanted.pids
    return hardened


def harden(document: dict[str, Any], budget_mib: int) -> dict[str, Any]:
    """The compose document with every service hardened; nothing else changes."""
    services = document.get("services", {})
    limits = memory_limits(list(services), budget_mib)
    return {**document, "services": {name: _hardened(name, service, limits[name])
                                     for name, service in services.items()}}


def mib(limit: str) -> int:
    """'1536m' -> 1536: the inverse of what `harden` writes (for checks and tests)."""
    match = re.fullmatch(r"(\d+)m", limit)
    if not match:
        raise ValueError(f"not a limit in MiB: {limit!r}")
    return int(match.group(1))
