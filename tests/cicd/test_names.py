"""Names derived from any stack name pass the APIs' own patterns (botocore's models), and two
stacks never share one."""
import pytest

from components.cicd.names import ci_role_name, repository_name
from ladder.limits import _shape_problems

STACKS = ["prod", "Prod", "prod.eu-south-1", "Customer.Example.ORG", "a", "x" * 100, "a_b", "a--b", "UPPER_and.dots"]
RECORD = {"type": "test", "name": "names", "inputs": {}}
TRUST = '{"Version":"2012-10-17","Statement":[]}'


@pytest.mark.parametrize("stack", STACKS)
def test_role_names_pass_createrole(stack):
    for purpose in ("preview", "deploy"):
        name = ci_role_name(stack, purpose)
        assert len(name) <= 64 and name.startswith("odoo-ladder-ci-") and name.endswith(f"-{purpose}")
        assert _shape_problems(RECORD, "iam", "CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": TRUST}) == []


@pytest.mark.parametrize("stack", STACKS)
def test_repository_names_pass_createrepository(stack):
    assert _shape_problems(RECORD, "ecr", "CreateRepository", {
        "repositoryName": repository_name(stack), "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-south-1:1:key/k"}}) == []


def test_no_two_stacks_share_a_name():
    assert len({repository_name(s) for s in STACKS}) == len(STACKS)
    assert len({ci_role_name(s, "deploy") for s in STACKS}) == len(STACKS)
