"""Step 4 <-> 5 under mocks, compared as `ladder diff` compares a move (tests/test_ladder.py's way).

Up (4 -> 5): RDS and its network are added; nothing that holds data is deleted or replaced, the
stack's key is kept (its policy gains RDS's statements, an update). Down (5 -> 4): `ladder diff`
shows the RDS instance at risk, and the move is refused from the stack's previous state
(configs/moves.py, tests/test_moves.py) unless database.allow_move_back says to move the data back.
"""
import pytest

from ladder.diff import diff_plans
from ladder.plan import plan_config
from tests.database.rds_built import rds_built
from tests.stacks import aws

STACK = "move"


@pytest.fixture(scope="module")
def plans():
    with rds_built():
        return {4: plan_config(aws(4), STACK), 5: plan_config(aws(5), STACK)}


def at_risk(before, after):
    return sorted((r["type"], r["name"]) for r in diff_plans(before, after).data_at_risk)


def test_moving_up_to_rds_deletes_or_replaces_nothing_that_holds_data(plans):
    assert at_risk(plans[4], plans[5]) == []


def test_moving_up_keeps_the_urn_of_every_resource_of_step4(plans):
    urns = {(r["type"], r["name"]): r["urn"] for r in plans[5]}
    for record in plans[4]:
        assert urns[(record["type"], record["name"])] == record["urn"]


def test_moving_up_adds_the_database_and_keeps_the_host_and_its_volume(plans):
    names = {r["name"] for r in plans[5]} - {r["name"] for r in plans[4]}
    assert {"database-instance", "database-sg", "database-from-app", "database-subnets",
            "database-parameters", "database-logs", "database-private-0", "database-private-1"} <= names
    assert any(r["name"] == "host-data" for r in plans[5])  # the container's data stays until retired


def test_moving_down_from_rds_shows_the_database_at_risk(plans):
    assert ("aws:rds/instance:Instance", "database-instance") in at_risk(plans[5], plans[4])

