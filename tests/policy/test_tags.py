"""The stack-tag rule's list of taggable types matches pulumi-aws, for every type the program registers."""
import pytest

from ladder.plan import plan
from policy.rules.tags import TAGGABLE
from tests.policy.pulumi_aws_inputs import input_names
from tests.stacks import EXAMPLES


@pytest.mark.parametrize("type_token", sorted(TAGGABLE))
def test_every_listed_type_takes_tags(type_token):
    assert "tags" in input_names(type_token)


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: s.rsplit("/", 1)[-1])
def test_every_taggable_type_the_program_registers_is_listed(stack):
    registered = {r["type"] for r in plan(stack) if r["type"].startswith("aws:")}
    taggable = {t for t in registered if "tags" in input_names(t)}
    assert taggable - TAGGABLE == set()
