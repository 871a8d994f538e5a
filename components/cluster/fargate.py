"""Fargate's CPU/memory pairs and the Odoo workers a task's vCPU can carry.

Fargate runs a task only at one of these pairs (CPU units: 1024 = 1 vCPU; memory in MiB); ECS
refuses any other at RegisterTaskDefinition, which mocks accept. From AWS's "Task CPU and memory"
table for Linux tasks (8 and 16 vCPU need platform 1.4.0, the default).
"""
from __future__ import annotations

GIB = 1024


def _range(low_gib: int, high_gib: int, step_gib: int) -> tuple[int, ...]:
    return tuple(gib * GIB for gib in range(low_gib, high_gib + 1, step_gib))


PAIRS: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _range(1, 4, 1),
    1024: _range(2, 8, 1),
    2048: _range(4, 16, 1),
    4096: _range(8, 30, 1),
    8192: _range(16, 60, 4),
    16384: _range(32, 120, 8),
}


def pair_problem(cpu_key: str, memory_key: str, cpu: int, memory: int) -> str | None:
    """A sentence naming the keys when (cpu, memory) is not a Fargate pair; None when it is."""
    if cpu not in PAIRS:
        return (f"odoo-ladder:{cpu_key}: {cpu} is not a Fargate CPU size; use one of "
                f"{', '.join(str(c) for c in PAIRS)} (1024 = 1 vCPU)")
    if memory not in PAIRS[cpu]:
        allowed = PAIRS[cpu]
        return (f"odoo-ladder:{memory_key}: {memory} MiB does not go with {cpu_key} {cpu} on Fargate; use "
                f"{allowed[0]}-{allowed[-1]} MiB in the steps AWS allows ({', '.join(str(m) for m in allowed)})")
    return None


def workers_for(cpu: int) -> int:
    """Odoo's rule of thumb is 2 x CPUs + 1 HTTP workers; at least 2 so the bus runs on 8072."""
    return max(2, 2 * cpu // 1024 + 1)
