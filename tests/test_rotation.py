"""Rotation of the generated secrets: entering Step 3, changing the store or the key gives every
generated secret a new value; a parameter whose key changes is replaced (its history goes with it);
the host learns of it through the delivery; given secrets are never rotated by the program."""
import re

import pytest

from components.credentials.rotation import rotation_epoch
from ladder.mocked import run_stack
from tests.stacks import aws, local

GENERATED = "random:index/randomPassword:RandomPassword"


def keepers(run) -> dict:
    return {p.name: p.inputs.get("keepers") for p in run.of_type(GENERATED)}


def epoch(run) -> str:
    content = run.one("aws:ssm/document:Document").inputs["content"]
    return re.search(r"epoch=([0-9a-f]{12})", content).group(1)


def test_steps_0_to_2_keep_their_values_and_step3_rotates_every_one():
    runs = [run_stack(aws(step), stack="prod") for step in range(4)]
    assert keepers(runs[0]) == keepers(runs[1]) == keepers(runs[2])
    assert len(keepers(runs[3])) == 3
    assert all(keepers(runs[2])[name] != keepers(runs[3])[name] for name in keepers(runs[3]))
    assert epoch(runs[0]) == epoch(runs[2]) != epoch(runs[3])
    assert keepers(run_stack(aws(4), stack="prod")) == keepers(runs[3])  # no rotation moving on to Step 4


def test_changing_the_store_rotates():
    ssm, manager = (run_stack(aws(3, secrets={"store": store}), stack="prod") for store in ("ssm", "secretsmanager"))
    assert all(keepers(ssm)[name] != keepers(manager)[name] for name in keepers(ssm))


def test_changing_the_key_rotates():
    first = {"stage": "secrets", "store": "ssm", "key": "arn:aws:kms:eu-south-1:123456789012:key/one"}
    second = {**first, "key": "arn:aws:kms:eu-south-1:123456789012:key/two"}
    assert rotation_epoch(first) != rotation_epoch(second)
    assert rotation_epoch(first) == rotation_epoch(dict(reversed(list(first.items()))))


def test_the_keepers_name_the_stage_store_and_key():
    for value in keepers(run_stack(aws(3), stack="prod")).values():
        assert value == {"stage": "secrets", "store": "ssm", "key": "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"}


def test_given_secrets_are_never_generated_or_rotated():
    run = run_stack({**aws(3), "odoo-ladder:db_password": "GivenByTheUser0123"}, stack="prod")
    assert set(keepers(run)) == {"credentials-admin_passwd", "credentials-admin_password"}


def test_the_local_target_never_rotates():
    assert all(value is None for value in keepers(run_stack(local(0))).values())


@pytest.mark.parametrize("step", [0, 3])
def test_a_parameter_whose_key_changes_is_replaced_deleting_its_history_first(step):
    for parameter in run_stack(aws(step), stack="prod").of_type("aws:ssm/parameter:Parameter"):
        assert {"keyId", "type"} <= set(parameter.replace_on_changes)
        # The name is fixed: the old one must go before the new one can be created.
        assert parameter.delete_before_replace
