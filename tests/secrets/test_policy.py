"""The instance role's policy, checked as a document (moto does not scope IAM to SSM ARNs)."""
import fnmatch
import importlib.util
import json

import pytest

from components.secrets.policy import SECRET_KEYS, read_policy, secret_names
from tests.secrets.conftest import ENTRYPOINT

ACCOUNT = "123456789012"
REGION = "eu-south-1"
PATH = "/odoo-ladder/prod"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WRITE_VERBS = ("Put", "Delete", "Create", "Update", "Tag", "Untag", "Rotate", "Restore",
               "Label", "Encrypt", "ReEncrypt", "GenerateDataKey", "Cancel", "Replicate",
               "Remove", "Modify", "Send", "Start", "Stop", "Validate", "Unlabel")


def statements(doc):
    return doc["Statement"]


def actions(doc):
    return {a for s in statements(doc) for a in s["Action"]}


def allowed(doc, action, resource):
    """IAM's Allow evaluation for these plain documents: glob match on Action and Resource."""
    return any(s["Effect"] == "Allow" and action in s["Action"]
               and any(fnmatch.fnmatchcase(resource, pattern) for pattern in s["Resource"])
               for s in statements(doc))


def param_arn(name, partition="aws"):
    return f"arn:{partition}:ssm:{REGION}:{ACCOUNT}:parameter{name}"


def secret_arn(name):
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf"


@pytest.mark.parametrize("store", ["ssm", "secretsmanager"])
def test_read_only_and_nothing_but_the_path_and_key(store):
    doc = read_policy(store, "aws", REGION, ACCOUNT, PATH, KEY)
    json.dumps(doc)  # must serialize as-is into aws.iam.RolePolicy
    assert doc["Version"] == "2012-10-17"
    assert all(s["Effect"] == "Allow" for s in statements(doc))
    for action in actions(doc):
        assert "*" not in action
        verb = action.split(":")[1]
        assert not verb.startswith(WRITE_VERBS), f"write action {action}"
    service_arn = (f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{PATH}" if store == "ssm"
                   else f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{PATH}/")
    for statement in statements(doc):
        for resource in statement["Resource"]:
            assert resource != "*"
            assert resource == KEY or resource.startswith(service_arn), resource
            # The only wildcard is the trailing one below the stack's path.
            assert "*" not in resource.rstrip("*") and resource.count("*") <= 1
            assert "?" not in resource


def test_ssm_actions_and_scope():
    doc = read_policy("ssm", "aws", REGION, ACCOUNT, PATH, KEY)
    assert actions(doc) == {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                            "kms:Decrypt"}
    for key in SECRET_KEYS:
        assert allowed(doc, "ssm:GetParameter", param_arn(f"{PATH}/{key}"))
    assert allowed(doc, "ssm:GetParametersByPath", param_arn(PATH))
    # Another stack, a sibling with the same prefix, the parent: all out of reach.
    for other in ("/odoo-ladder/staging/db_password", "/odoo-ladder/prod2/db_password",
                  "/odoo-ladder/db_password", "/other/prod/db_password"):
        assert not allowed(doc, "ssm:GetParameter", param_arn(other)), other
    assert not allowed(doc, "ssm:GetParametersByPath", param_arn("/odoo-ladder"))
    assert not allowed(doc, "ssm:PutParameter", param_arn(f"{PATH}/db_password"))


def test_secretsmanager_actions_and_scope():
    doc = read_policy("secretsmanager", "aws", REGION, ACCOUNT, PATH, KEY)
    assert actions(doc) == {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "kms:Decrypt"}
    for key in SECRET_KEYS:
        assert allowed(doc, "secretsmanager:GetSecretValue", secret_arn(f"{PATH}/{key}"))
    for other in ("/odoo-ladder/staging/db_password", "/odoo-ladder/prod2/db_password"):
        assert not allowed(doc, "secretsmanager:GetSecretValue", secret_arn(other)), other
    assert not allowed(doc, "secretsmanager:PutSecretValue", secret_arn(f"{PATH}/db_password"))


@pytest.mark.parametrize("store", ["ssm", "secretsmanager"])
def test_kms_decrypt_only_through_the_store(store):
    doc = read_policy(store, "aws", REGION, ACCOUNT, PATH, KEY)
    kms = [s for s in statements(doc) if "kms:Decrypt" in s["Action"]]
    assert len(kms) == 1
    assert kms[0]["Action"] == ["kms:Decrypt"]
    assert kms[0]["Resource"] == [KEY]
    assert kms[0]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"{store}.{REGION}.amazonaws.com"}}


def test_aws_managed_key_needs_no_kms_statement():
    doc = read_policy("ssm", "aws", REGION, ACCOUNT, PATH, None)
    assert not any(a.startswith("kms:") for a in actions(doc))


def test_other_partition():
    doc = read_policy("ssm", "aws-cn", "cn-north-1", ACCOUNT, PATH, None)
    resources = [r for s in statements(doc) for r in s["Resource"]]
    assert resources and all(r.startswith("arn:aws-cn:ssm:cn-north-1:") for r in resources)


@pytest.mark.parametrize("args, name", [
    (("vault", "aws", REGION, ACCOUNT, PATH, None), "store"),
    (("ssm", "aws", REGION, ACCOUNT, "/odoo-ladder/*", None), "path"),
    (("ssm", "aws", REGION, ACCOUNT, "/odoo-ladder/prod/", None), "path"),
    (("ssm", "aws", REGION, ACCOUNT, "odoo-ladder/prod", None), "path"),
    (("ssm", "aws", REGION, ACCOUNT, "/", None), "path"),
    (("ssm", "aws", REGION, "12345", PATH, None), "account_id"),
    (("ssm", "aws", "*", ACCOUNT, PATH, None), "region"),
    (("ssm", "aws", REGION, ACCOUNT, PATH, "*"), "kms_key_arn"),
    (("ssm", "aws", REGION, ACCOUNT, PATH, f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/x"),
     "kms_key_arn"),
])
def test_inputs_that_would_widen_the_scope_are_rejected(args, name):
    with pytest.raises(ValueError, match=f"^{name}="):
        read_policy(*args)


def test_names_match_what_the_entrypoint_reads():
    spec = importlib.util.spec_from_file_location("odoo_ladder_entrypoint", ENTRYPOINT)
    entrypoint = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entrypoint)
    assert tuple(entrypoint.SECRET_KEYS) == SECRET_KEYS
    assert secret_names(PATH) == {"db_password": f"{PATH}/db_password",
                                  "admin_passwd": f"{PATH}/admin_passwd"}
