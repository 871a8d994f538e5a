"""The policy pack (`ladder check`'s rules) finds nothing to refuse in the cluster's resources."""
import pytest

from ladder.check import stack_of
from ladder.plan import plan_records
from policy.rules import evaluate
from tests.cluster.stack import run7

# The resources of other branches' components that the pack still flags are theirs to fix.
CLUSTER = ("cluster-",)


@pytest.mark.parametrize("settings", [{}, {"cluster": {"deployment": "blue_green", "private_tasks": True}}],
                         ids=["rolling-public", "blue-green-private"])
def test_no_cluster_resource_violates_the_pack(settings):
    violations = evaluate(stack_of(plan_records(run7(**settings))))
    assert [v.line() for v in violations if v.line().split()[1].startswith(CLUSTER)] == []
