"""Every example stack passes `ladder check`, and so does one on Secrets Manager (its credential
secrets are protected, not retained: docs/secrets.md)."""
import json

from dataclasses import replace
from pathlib import Path

import pytest

from ladder.check import check_stack, default_tags, stack_of
from ladder.mocked import stack_config
from ladder.plan import plan, plan_config
from policy.rules import Stack, evaluate
from tests.stacks import EXAMPLES

STACKS = ["dev", *[str(p) for p in EXAMPLES]]
AWS_STEPS = range(len(EXAMPLES))

_cache: dict[str, list] = {}


def violations(stack: str) -> list:
    if stack not in _cache:
        _cache[stack] = check_stack(stack)
    return _cache[stack]


def _step(stack: str) -> int | None:
    return int(Path(stack).stem[4:]) if stack != "dev" else None


@pytest.mark.parametrize("stack", STACKS, ids=lambda s: Path(s).stem)
def test_example_stack_passes_ladder_check(stack):
    assert [v.line() for v in violations(stack)] == []


def test_a_secrets_manager_stack_passes_the_pack():
    config = dict(stack_config(str(EXAMPLES[4])))
    config["odoo-ladder:secrets"] = json.dumps({**json.loads(config.get("odoo-ladder:secrets", "{}")),
                                                 "store": "secretsmanager"})
    checked = stack_of(plan_config(config, "step4"), default_tags(config))
    assert [v.line() for v in evaluate(checked) if v.rule == "data-protected"] == []


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: Path(s).stem)
def test_what_holds_data_passes_the_pack_which_sees_protect_only(stack):
    """Under `pulumi preview --policy-pack` the analyzer carries `protect` but not `retain_on_delete`:
    every data-holding resource must be protected for the pack, not only retained (docs/policy.md)."""
    checked = stack_of(plan(stack), default_tags(stack_config(stack)))
    as_the_pack_sees = Stack([replace(r, retain_on_delete=None) for r in checked.resources], checked.target)
    assert [v.line() for v in evaluate(as_the_pack_sees) if v.rule == "data-protected"] == []
