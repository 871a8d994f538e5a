"""Rotation of the generated secrets: entering Step 3, changing the store or the key gives every
generated secret a new value; the parameters are updated in place (new value, new key) and retained;
the host learns of it through the delivery; given secrets are never rotated by the program."""
import copy
import re

import pytest

from components.credentials.rotation import rotation_epoch
from configs.load import SECRET_KEYS
from ladder.diff import diff_plans
from ladder.mocked import run_stack
from tests.moves import planned
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
def test_a_parameter_is_protected_retained_and_never_replaced(step):
    for parameter in run_stack(aws(step), stack="prod").of_type("aws:ssm/parameter:Parameter"):
        # A destroy or a move to Secrets Manager stops at it, then leaves the value in AWS ...
        assert parameter.protect and parameter.retain_on_delete
        # ... and a retained one would keep the fixed name taken: nothing may force a replacement.
        assert not parameter.replace_on_changes and not parameter.delete_before_replace
        # The program takes back a parameter it left behind instead of failing on ParameterAlreadyExists.
        assert parameter.inputs["overwrite"] is True


@pytest.mark.parametrize("before, after", [("step2", "step3"), ("step3", "step3-secretsmanager"),
                                           ("step3-secretsmanager", "step3")])
def test_a_rotation_replaces_only_the_generated_passwords(before, after):
    """The new values reach the same parameters (a new version each); leaving SSM removes them from
    the stack, not from AWS."""
    result = diff_plans(list(planned(before)), list(planned(after)))
    assert sorted(c.name for c in result.rotated) == sorted(f"credentials-{key}" for key in SECRET_KEYS)
    assert result.replaced_stateful == []
    assert all(r["retain_on_delete"] for r in result.removed if r["type"] == "aws:ssm/parameter:Parameter")


def test_a_key_change_updates_each_parameter_in_place():
    """A new key (or the stack's key replacing aws/ssm, for a stack from an older release) is a
    PutParameter with the new KeyId on the same parameter: no deletion, the value is never absent."""
    before = list(planned("step3"))
    after = copy.deepcopy(before)
    for record in after:
        if record["type"] == "aws:ssm/parameter:Parameter":
            record["inputs"]["keyId"] = "arn:aws:kms:eu-south-1:123456789012:key/another"
    result = diff_plans(before, after)
    assert result.replaced == []
    assert sorted((c.name, tuple(c.keys)) for c in result.updated) == [
        (f"credentials-{key}", ("keyId",)) for key in sorted(SECRET_KEYS)]
