"""The stack's own KMS key: on AWS from Step 0, kept through every move, and an alias KMS accepts."""
import json
import re

import botocore.session
import pytest

from configs.errors import ConfigError
from botocore.validate import ParamValidator

from components.secrets.key_policy import key_alias, key_policy
from configs.load import from_stack_file
from ladder.mocked import run_stack
from ladder.plan import plan
from tests.stacks import EXAMPLES, aws, local

KMS_MODEL = botocore.session.get_session().get_service_model("kms")
# What the KMS documentation allows in an alias name (botocore's own pattern also allows ':').
ALIAS_NAME = r"^alias/[A-Za-z0-9/_-]{1,250}$"


@pytest.mark.parametrize("step", range(5))
def test_every_aws_step_has_the_stack_key_and_its_parameters_use_it(step):
    run = run_stack(aws(step), stack="prod")
    key = run.named("aws:kms/key:Key", "secrets-key")
    assert key.protect and key.retain_on_delete  # parameters and their history stay encrypted under it
    assert key.inputs["enableKeyRotation"] is True
    assert json.loads(key.inputs["policy"])["Statement"]
    assert run.one("aws:kms/alias:Alias").inputs["name"] == "alias/odoo-ladder-prod"
    for parameter in run.of_type("aws:ssm/parameter:Parameter"):
        assert parameter.inputs["type"] == "SecureString"
        assert parameter.inputs["keyId"] == "arn:aws:kms:eu-south-1:123456789012:key/secrets-key"


def test_the_local_target_has_no_key():
    assert not run_stack(local(0)).of_type("aws:kms/key:Key")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_key_is_stateful_in_every_aws_example(path):
    keys = [r for r in plan(str(path)) if r["type"] == "aws:kms/key:Key"]
    if from_stack_file(str(path)).settings.target == "aws":
        assert keys and all(k["protect"] and k["retain_on_delete"] for k in keys)


@pytest.mark.parametrize("stack", ["prod", "a.b", "a_b", "dev.eu-south-1", "UPPER.lower-1_2", "x" * 100, "a..b"])
def test_the_alias_is_valid_for_kms_and_unique(stack):
    alias = key_alias(stack)
    shape = KMS_MODEL.operation_model("CreateAlias").input_shape
    report = ParamValidator().validate({"AliasName": alias, "TargetKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}, shape)
    assert not report.has_errors(), report.generate_report()
    # ParamValidator checks lengths, not patterns: the model's pattern and the documented one, here.
    assert re.match(shape.members["AliasName"].metadata["pattern"], alias), alias
    assert re.match(ALIAS_NAME, alias), alias
    assert not alias.startswith("alias/aws/")


def test_aliases_of_stacks_that_differ_only_by_a_dot_differ():
    assert len({key_alias("a.b"), key_alias("a_b"), key_alias("a-b"), key_alias("a..b")}) == 4
    assert key_alias("prod") == "alias/odoo-ladder-prod"  # unchanged where nothing needs escaping


def test_a_stack_name_with_a_dot_never_reaches_the_alias():
    # Config refuses the name before any resource (configs/stack_name.py); key_alias stays valid
    # for any name all the same.
    with pytest.raises(ConfigError, match="stack name 'team.prod'"):
        run_stack(aws(0), stack="team.prod")
    assert "." not in key_alias("team.prod")
    assert run_stack(aws(0), stack="team_prod").one("aws:kms/alias:Alias").inputs["name"] == key_alias("team_prod")


def test_the_key_policy_follows_the_store():
    role = "arn:aws:iam::123456789012:role/host"
    for store in ("ssm", "secretsmanager"):
        host = [s for s in key_policy("aws", "eu-south-1", "123456789012", role, store)["Statement"]
                if s["Sid"] == "HostDecryptViaStore"][0]
        assert host["Condition"]["StringEquals"]["kms:ViaService"] == f"{store}.eu-south-1.amazonaws.com"
    with pytest.raises(ValueError, match="^host_role_arn="):
        key_policy("aws", "eu-south-1", "123456789012", "*", "ssm")
    with pytest.raises(ValueError, match="^store="):
        key_policy("aws", "eu-south-1", "123456789012", role, "vault")


def test_moving_to_step3_keeps_the_same_key():
    lower, higher = (run_stack(aws(step), stack="prod").named("aws:kms/key:Key", "secrets-key") for step in (2, 3))
    assert (lower.type, lower.name, lower.parent) == (higher.type, higher.name, higher.parent)
