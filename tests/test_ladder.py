"""The ladder: every example stack runs, and moving up one step never drops a stateful resource."""
import pytest

from configs.load import from_stack_file
from ladder.plan import plan
from tests.stacks import EXAMPLES


def test_there_is_an_example_stack_per_built_step():
    assert [int(p.stem[4:]) for p in EXAMPLES] == list(range(len(EXAMPLES)))
    for path in EXAMPLES:
        assert from_stack_file(str(path)).settings.step == int(path.stem[4:])


@pytest.mark.parametrize("lower, higher", list(zip(EXAMPLES, EXAMPLES[1:])), ids=lambda p: p.stem)
def test_moving_up_keeps_every_stateful_resource(lower, higher):
    stateful = {(r["type"], r["name"]) for r in plan(str(lower)) if r["protect"] or r["retain_on_delete"]}
    kept = {(r["type"], r["name"]) for r in plan(str(higher))}
    assert stateful, f"{lower.stem} has no stateful resource to keep"
    assert stateful <= kept, f"{higher.stem} drops {stateful - kept}"


def test_the_data_volume_is_stateful_in_every_aws_example():
    for path in EXAMPLES:
        volumes = [r for r in plan(str(path)) if r["type"] == "aws:ebs/volume:Volume"]
        assert volumes and all(v["protect"] and v["retain_on_delete"] for v in volumes), path.stem
