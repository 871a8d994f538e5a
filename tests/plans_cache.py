"""The mocked plan of each example stack, computed once per test session (a plan takes seconds)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ladder.plan import plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_STACKS = sorted([*(ROOT / "configs" / "stacks").glob("step*.yaml"), ROOT / "Pulumi.dev.yaml"])


@lru_cache(maxsize=None)
def cached_plan(stack: str) -> tuple[dict, ...]:
    return tuple(plan(stack))
