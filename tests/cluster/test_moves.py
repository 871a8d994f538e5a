"""Moves to and from step 7 with the stack's last outputs, as `pulumi up` sees them."""
import pytest

from configs.moves import MoveRefused
from ladder.mocked import run_stack
from tests.cicd.stack import GITHUB
from tests.cluster.stack import IMAGE, run7, step7
from tests.stacks import aws

SIX = aws(6, registry={"image": IMAGE, "github": GITHUB})


@pytest.fixture(scope="module")
def at_seven():
    six = run_stack(SIX, stack="prod")
    return run_stack(step7(), stack="prod", previous=six.outputs)


def test_six_to_seven_keeps_the_host_its_volume_and_zone(at_seven):
    assert at_seven.outputs["ladder_state"]["zone"] == "eu-south-1a"
    volume = at_seven.one("aws:ebs/volume:Volume")
    assert volume.protect and volume.retain_on_delete
    assert "cluster" in at_seven.outputs["ladder_state"]["components"]


def test_seven_to_six_is_refused_naming_the_key(at_seven):
    with pytest.raises(MoveRefused, match="odoo-ladder:cluster.enabled: the filestore since step 7 is on EFS"):
        run_stack(SIX, stack="prod", previous=at_seven.outputs)


def test_switching_the_cluster_off_at_step_7_is_refused_too(at_seven):
    with pytest.raises(MoveRefused, match="odoo-ladder:cluster.enabled"):
        run_stack(step7(cluster={"enabled": False}), stack="prod", previous=at_seven.outputs)


def test_a_new_stack_may_stay_off_the_cluster():
    assert not run7(cluster={"enabled": False}).of_type("aws:ecs/service:Service")
