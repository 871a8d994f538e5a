"""parliament (IAM lint, pinned in requirements-test.txt) over every policy document the program
registers: role, inline, key and bucket policies, at every AWS step and for both stores. A finding
fails the test unless it is listed below with the reason it is accepted."""
import json

import parliament
import pytest

from ladder.mocked import run_stack, stack_config
from ladder.plan import in_own_repository
from tests.stacks import EXAMPLES, aws

# (resource type, parliament issue, detail or None for any) -> why it is not a defect.
ACCEPTED = {
    ("aws:iam/role:Role", "MALFORMED", "Statement contains neither Resource nor NotResource"):
        "a role's trust policy names a Principal and no Resource; parliament reads it as an identity policy",
    ("aws:kms/key:Key", "RESOURCE_STAR", None):
        "a key policy's Resource is always '*': it means the key the policy is attached to",
    ("aws:kms/key:Key", "PERMISSIONS_MANAGEMENT_ACTIONS", None):
        "the account root administers the key on purpose: kms:PutKeyPolicy keeps the key manageable "
        "(RevokeGrant withdraws a grant); it is granted no use of the key",
}
# Inputs that hold a policy document, by resource type.
POLICY_INPUTS = {"aws:iam/rolePolicy:RolePolicy": "policy", "aws:iam/role:Role": "assumeRolePolicy",
                 "aws:kms/key:Key": "policy", "aws:s3/bucketPolicy:BucketPolicy": "policy",
                 "aws:iam/policy:Policy": "policy"}
# Inputs named `policy` that are no IAM document: ECR's lifecycle rules (tests/registry checks them).
NOT_IAM = {"aws:ecr/lifecyclePolicy:LifecyclePolicy"}

CONFIGS = ([pytest.param(aws(step), id=f"step{step}") for step in range(5)]
           + [pytest.param(aws(4, secrets={"store": "secretsmanager"}, logs={"cloudwatch": True}), id="step4-sm-logs")]
           + [pytest.param(in_own_repository(stack_config(str(p)), p.stem, "prod"), id=f"example-{p.stem}")
              for p in EXAMPLES])


def documents(run):
    for resource in run.resources:
        if resource.type in POLICY_INPUTS and POLICY_INPUTS[resource.type] in resource.inputs:
            yield resource, resource.inputs[POLICY_INPUTS[resource.type]]
        elif "policy" in resource.inputs and resource.custom and resource.type not in NOT_IAM:
            pytest.fail(f"{resource.type} {resource.name} has a policy this test does not know: add it to POLICY_INPUTS")


def accepted(type_: str, finding) -> bool:
    return ((type_, finding.issue, None) in ACCEPTED
            or (type_, finding.issue, finding.detail if isinstance(finding.detail, str) else None) in ACCEPTED)


@pytest.mark.parametrize("config", CONFIGS)
def test_parliament_finds_nothing_but_the_accepted(config):
    run = run_stack(config, stack="prod")
    checked = 0
    for resource, text in documents(run):
        json.loads(text)
        if resource.name.startswith(("cicd-", "registry-")):
            continue  # Step 6's CI and registry policies: tests/cicd/test_ci_policy_lint.py, with its reasons
        findings = parliament.analyze_policy_string(text, include_community_auditors=True).findings
        unexpected = [(f.issue, f.detail) for f in findings if not accepted(resource.type, f)]
        assert unexpected == [], f"{resource.type} {resource.name}: {unexpected}"
        checked += 1
    assert checked >= 3 or not run.of_type("aws:iam/role:Role")


def test_parliament_does_catch_a_bad_policy():
    """The lint is live: the managed policy this project replaced would be flagged."""
    bad = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetDocument", "s3:GetObject"], "Resource": "*"}]}
    issues = {f.issue for f in parliament.analyze_policy_string(json.dumps(bad), include_community_auditors=True).findings}
    assert "RESOURCE_STAR" in issues


def _iam_actions() -> set[str]:
    """Every action IAM knows (the Service Authorization Reference, as parliament ships it)."""
    import os
    with open(os.path.join(os.path.dirname(parliament.__file__), "iam_definition.json")) as f:
        return {f"{s['prefix']}:{p['privilege']}".lower() for s in json.load(f) for p in s["privileges"]}


AGENT_ONLY = {"ssm:ListInstanceAssociations", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"}


def test_every_action_named_exists_in_iam_and_in_the_api():
    """A misspelt action is silently useless; botocore's models name the public API operations.
    The agent's own operations are not public (AWS's "Reference: ec2messages, ssmmessages, and other
    API operations" lists them): IAM's reference alone vouches for those."""
    import botocore.session
    from components.secrets import agent_policy, key_policy, policy
    named = {*agent_policy.AGENT_REGISTRATION_ACTIONS, *agent_policy.SESSION_CHANNEL_ACTIONS,
             *agent_policy.COMMAND_MESSAGE_ACTIONS, *agent_policy.ASSOCIATION_READ_ACTIONS,
             *agent_policy.ASSOCIATION_STATUS_ACTIONS, *agent_policy.DOCUMENT_READ_ACTIONS,
             *agent_policy.PARAMETER_READ_ACTIONS, *key_policy.ADMIN_ACTIONS, *key_policy.HOST_ACTIONS,
             *key_policy.DEPLOYER_ACTIONS, *policy.SSM_READ_ACTIONS, *policy.SSM_LIST_ACTIONS,
             *policy.SECRETSMANAGER_READ_ACTIONS, *policy.KMS_DECRYPT_ACTIONS}
    known = _iam_actions()
    assert not [a for a in named if a.lower() not in known]
    session = botocore.session.get_session()
    for action in named:
        service, operation = action.split(":")
        if service in session.get_available_services() and action not in AGENT_ONLY:
            assert operation in session.get_service_model(service).operation_names, action
