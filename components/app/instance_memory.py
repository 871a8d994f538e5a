"""How much memory an EC2 instance type has, offline (botocore ships no instance-type data).

The general-purpose, compute and memory families keep a fixed memory per vCPU across their
generations (c: 2 GiB, m: 4 GiB, r: 8 GiB), and their size names fix the vCPUs; the burstable
families have a table of their own. Anything else is refused by name, rather than guessed.
"""
from __future__ import annotations

import re

GIB = 1024
BURSTABLE_FAMILIES = ("t2", "t3", "t3a", "t4g")
BURSTABLE_GIB = {"nano": 0.5, "micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
GIB_PER_VCPU = {"c": 2, "m": 4, "r": 8}
# c5n trades memory for network (5.25 GiB per 2 vCPUs): not the family's ratio.
IRREGULAR = ("c5n",)
FIXED_RATIO = re.compile(r"^(?P<family>[cmr])(?P<generation>[5-8])(?P<attributes>[a-z]*)(-flex)?$")
SIZE = re.compile(r"^(?:(?P<medium>medium)|(?P<large>large)|(?P<times>\d*)xlarge)$")


def _vcpus(size: str) -> int | None:
    match = SIZE.match(size)
    if not match:
        return None
    if match.group("medium"):
        return 1
    if match.group("large"):
        return 2
    return 4 * int(match.group("times") or 1)


def memory_mib(instance_type: str) -> int:
    family, _, size = instance_type.partition(".")
    if family in BURSTABLE_FAMILIES and size in BURSTABLE_GIB:
        return int(BURSTABLE_GIB[size] * GIB)
    match = FIXED_RATIO.match(family)
    vcpus = _vcpus(size)
    if match and vcpus and family not in IRREGULAR:
        return vcpus * GIB_PER_VCPU[match.group("family")] * GIB
    raise ValueError(f"host.instance_type: {instance_type!r} has no known memory size here; use a t2/t3/t3a/t4g "
                     "or a c/m/r (5th generation on) type, or add it to components/app/instance_memory.py")
