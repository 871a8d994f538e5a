"""The step-7 example (configs/stacks/step7.yaml) plans, stays inside AWS's limits and costs what
docs/step7.md says, from the dated price table."""
from pathlib import Path

import pytest

from ladder.cost import line_items, load_table, total
from ladder.limits import check
from ladder.plan import plan

EXAMPLE = str(Path(__file__).parents[2] / "configs" / "stacks" / "step7.yaml")


@pytest.fixture(scope="module")
def records():
    return plan(EXAMPLE)


def test_the_example_plans_with_every_part_of_step_7(records):
    types = {r["type"] for r in records}
    assert {"aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer", "aws:efs/fileSystem:FileSystem",
            "aws:rds/instance:Instance", "aws:scheduler/schedule:Schedule", "aws:sns/topicSubscription:TopicSubscription",
            "aws:cloudwatch/dashboard:Dashboard"} <= types


def test_the_example_passes_botocore_and_the_limits(records):
    assert check(records).failures() == []


def _split(records):
    lines = line_items(records, "us-east-1", load_table())
    host = [line for line in lines if line.what.startswith("host-")]
    return lines, host


def test_the_example_costs_what_the_docs_say(records):
    # docs/step7.md "Monthly cost": 192.87 in all, 38.02 of it the host kept during the move.
    lines, host = _split(records)
    assert all(line.price is not None for line in lines)
    assert total(lines) == pytest.approx(192.87, abs=0.01)
    assert total(host) == pytest.approx(38.02, abs=0.01)
    fargate = sum(line.amount for line in lines if "Fargate" in line.what)
    assert fargate == pytest.approx(72.25, abs=0.01)


def test_private_tasks_cost_the_endpoints_less_the_task_addresses():
    from ladder.mocked import stack_config
    from ladder.plan import plan_config
    config = stack_config(EXAMPLE)
    config["odoo-ladder:cluster"] = config["odoo-ladder:cluster"].replace('"private_tasks": false',
                                                                          '"private_tasks": true')
    private, _ = _split(plan_config(config, "step7"))
    public, _ = _split(plan(EXAMPLE))
    # 6 interface endpoints x 2 zones x 730 h x 0.01 = 87.60, less 3 task IPv4s x 730 h x 0.005 = 10.95.
    assert total(private) - total(public) == pytest.approx(76.65, abs=0.01)
