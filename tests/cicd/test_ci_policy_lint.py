"""parliament over every policy document the registry and CI roles add (as tests/test_policy_lint.py
does for the rest); a finding fails unless accepted here or there with its reason."""
import json

import parliament
import pytest

from tests.cicd.stack import run_registry, run_step7
from tests.test_policy_lint import POLICY_INPUTS, accepted

# (resource name prefix, issue) -> why it is not a defect.
ACCEPTED_HERE = {
    ("cicd-preview", "UNKNOWN_FEDERATION_SOURCE"): "parliament knows no GitHub OIDC provider; the trust is tested in test_trust",
    ("cicd-deploy", "UNKNOWN_FEDERATION_SOURCE"): "parliament knows no GitHub OIDC provider; the trust is tested in test_trust",
    ("cicd-deploy-push", "CREDENTIALS_EXPOSURE"): "ecr:GetAuthorizationToken is how a push logs in; the token opens "
                                                  "only what the role's other statements allow",
    ("registry-host-pull", "CREDENTIALS_EXPOSURE"): "the host logs in to pull; the token opens only this repository",
    ("cicd-deploy-compute", "PERMISSIONS_MANAGEMENT_ACTIONS"): "pulumi up manages the host role's policies, only "
                                                               "on host-role-* roles tagged with the stack "
                                                               "(docs/step6.md)",
    ("cicd-deploy-compute", "PRIVILEGE_ESCALATION"): "PassRole + RunInstances launch the host with its role: the "
                                                     "pass is limited to host-role-* roles tagged with the stack, "
                                                     "and to EC2",
    ("cicd-deploy-compute", "RESOURCE_MISMATCH"): "RunInstances is split on purpose: the instance by its tag, the "
                                                  "inputs it launches from by ARN",
    ("cicd-deploy-data", "PERMISSIONS_MANAGEMENT_ACTIONS"): "pulumi up writes the stack's key and bucket policies",
    ("cicd-deploy-data", "RESOURCE_POLICY_PRIVILEGE_ESCALATION"): "the deploy role writes the backup bucket's policy "
                                                                  "by design; Object Lock keeps the sets (docs/backup.md)",
    ("cicd-deploy-data", "RESOURCE_MISMATCH"): "alias and association calls need two resources; each is granted in "
                                               "its own statement (the key by ARN, the instance by tag, the alias by "
                                               "name)",
    ("cicd-deploy-cluster", "PERMISSIONS_MANAGEMENT_ACTIONS"): "iam:PassRole of the stack's task roles to "
                                                               "ecs-tasks, and of its backup scheduler role to "
                                                               "EventBridge Scheduler, only",
    ("cicd-deploy-cluster", "RESOURCE_STAR"): "ecs:DeregisterTaskDefinition and the step-7 reads take no resource "
                                              "in IAM (docs/step6.md lists them)",
}

RUNS = {"step4-registry": run_registry, "step7": run_step7}


@pytest.mark.parametrize("stack", RUNS)
def test_parliament_finds_nothing_unexplained_in_the_ci_and_registry_policies(stack):
    run = RUNS[stack]()
    unexpected = []
    for resource in run.resources:
        # The lifecycle policy is ECR's own format, not IAM: lifecycle tests cover it.
        if not resource.name.startswith(("cicd-", "registry-")) or resource.type not in POLICY_INPUTS:
            continue
        text = resource.inputs[POLICY_INPUTS[resource.type]]
        for finding in parliament.analyze_policy_string(text, include_community_auditors=True).findings:
            if accepted(resource.type, finding):
                continue
            if (resource.name, finding.issue) in ACCEPTED_HERE:
                continue
            unexpected.append((resource.name, finding.issue, json.dumps(finding.detail)[:300]))
    assert unexpected == []


@pytest.mark.parametrize("stack", RUNS)
def test_every_action_the_ci_and_registry_policies_name_exists_in_iam(stack):
    """A misspelt action is silently useless: each one, wildcards expanded, is in IAM's reference."""
    import re

    from tests.test_policy_lint import _iam_actions
    run = RUNS[stack]()
    known = _iam_actions()
    named = set()
    for resource in run.resources:
        if resource.name.startswith(("cicd-", "registry-")) and resource.type in POLICY_INPUTS:
            for statement in json.loads(resource.inputs[POLICY_INPUTS[resource.type]])["Statement"]:
                actions = statement.get("Action", statement.get("NotAction"))
                named.update([actions] if isinstance(actions, str) else actions)
    missing = [a for a in named if not any(re.fullmatch(a.lower().replace("*", ".*"), k) for k in known)]
    assert named and missing == []
