"""The zone of the host's subnet and data volume: chosen once, then kept.

An EBS volume lives in one zone, and the instance that mounts it must be in the same one. The zone
used to be the first of a live availability-zone lookup, which AWS may reorder or shorten (a zone
impaired, a new one opted in): the subnet, the instance and the protected volume would then be
replaced. Now it is `host.availability_zone` if set, else the zone the stack already uses (its
`ladder_state` output), and only on a first deployment the lookup's first.
"""
from __future__ import annotations

from typing import Sequence

from configs.load import LadderConfig


def host_zone(cfg: LadderConfig, available: Sequence[str]) -> str:
    if cfg.settings.host.availability_zone:
        return cfg.settings.host.availability_zone
    if cfg.previous is not None and cfg.previous.zone:
        return cfg.previous.zone
    return available[0]


def subnet_zones(first: str, available: Sequence[str], count: int) -> list[str]:
    """`first` for the host's subnet, then other zones (RDS and the ALB need two), repeating if few."""
    others = [zone for zone in available if zone != first] or [first]
    return [first] + [others[index % len(others)] for index in range(count - 1)]

