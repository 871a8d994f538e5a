"""Every example stack passes `ladder check`, except for defects other branches are fixing.

Each known defect is listed once with the branch that fixes it. The stacks must be clean apart from
them, and each defect has a strict xfail that turns into a failure the day it is fixed, so the entry
gets removed (and cannot hide a regression afterwards).
"""
from dataclasses import replace
from pathlib import Path

import pytest

from ladder.check import check_stack, default_tags, stack_of
from ladder.mocked import stack_config
from ladder.plan import plan
from policy.rules import Stack, evaluate
from tests.stacks import EXAMPLES

STACKS = ["dev", *[str(p) for p in EXAMPLES]]
AWS_STEPS = range(len(EXAMPLES))

# (rule, resource, first step it appears at) -> who fixes it
KNOWN_DEFECTS: dict[tuple[str, str, int], str] = {}

_cache: dict[str, list] = {}


def violations(stack: str) -> list:
    if stack not in _cache:
        _cache[stack] = check_stack(stack)
    return _cache[stack]


def _step(stack: str) -> int | None:
    return int(Path(stack).stem[4:]) if stack != "dev" else None


def _known(stack: str) -> set[tuple[str, str]]:
    step = _step(stack)
    return {(rule, name) for rule, name, since in KNOWN_DEFECTS if step is not None and step >= since}


@pytest.mark.parametrize("stack", STACKS, ids=lambda s: Path(s).stem)
def test_example_stack_passes_ladder_check_apart_from_known_defects(stack):
    unexpected = [v.line() for v in violations(stack) if (v.rule, v.resource) not in _known(stack)]
    assert unexpected == []


def _defect_cases():
    for (rule, name, since), owner in KNOWN_DEFECTS.items():
        stack = str(EXAMPLES[since])
        yield pytest.param(rule, name, stack, id=f"{rule}-{name}-step{since}",
                           marks=pytest.mark.xfail(strict=True, reason=f"known defect; {owner}"))


@pytest.mark.parametrize("rule, name, stack", list(_defect_cases()))
def test_known_defect_is_fixed(rule, name, stack):
    assert (rule, name) not in {(v.rule, v.resource) for v in violations(stack)}


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: Path(s).stem)
def test_what_holds_data_passes_the_pack_which_sees_protect_only(stack):
    """Under `pulumi preview --policy-pack` the analyzer carries `protect` but not `retain_on_delete`:
    every data-holding resource must be protected for the pack, not only retained (docs/policy.md)."""
    checked = stack_of(plan(stack), default_tags(stack_config(stack)))
    as_the_pack_sees = Stack([replace(r, retain_on_delete=None) for r in checked.resources], checked.target)
    assert [v.line() for v in evaluate(as_the_pack_sees) if v.rule == "data-protected"] == []
