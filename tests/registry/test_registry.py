"""The ECR repository, its lifecycle, the host's pull right and the key that encrypts it, from the
real wiring (components/ladder.py) with `registry` let through the gates for the test only."""
import json

import pytest

from components.registry.lifecycle import KEEP_BUILDS, UNTAGGED_DAYS, lifecycle_policy
from components.secrets.iam_eval import ALLOW, IMPLICIT_DENY, Request, decide, kms_decision
from ladder.limits import check
from ladder.mocked import ACCOUNT
from ladder.plan import plan_records
from tests.cicd.stack import registry_config, run_registry
from tests.stacks import role_policy

REPO = f"arn:aws:ecr:eu-south-1:{ACCOUNT}:repository/odoo-ladder/prod"


@pytest.fixture(scope="module")
def run():
    return run_registry(registry_config(), stack="prod")


def test_the_repository_is_immutable_scanned_encrypted_with_the_stack_key_and_protected(run):
    repository = run.one("aws:ecr/repository:Repository")
    key = run.named("aws:kms/key:Key", "secrets-key")
    assert repository.inputs["name"] == "odoo-ladder/prod"
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
    assert "imageTagMutabilityExclusionFilters" not in repository.inputs  # no cache tag: GitHub's cache
    assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repository.inputs["encryptionConfigurations"] == [
        {"encryptionType": "KMS", "kmsKey": f"arn:aws:kms:eu-south-1:{ACCOUNT}:key/{key.name}"}]
    assert repository.protect and repository.retain_on_delete
    assert not repository.inputs.get("forceDelete")


def test_the_lifecycle_keeps_releases_and_expires_untagged_after_seven_days(run):
    policy = json.loads(run.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])
    assert policy == lifecycle_policy(20)
    untagged, releases, builds = policy["rules"]
    assert untagged["selection"] == {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                                     "countNumber": UNTAGGED_DAYS} and UNTAGGED_DAYS == 7
    assert releases["selection"]["tagPatternList"] == ["v*"] and releases["selection"]["countNumber"] == 20
    # Rule priority protects releases from the catch-all, which must come last (ECR requires it).
    assert builds["selection"]["tagStatus"] == "any" and builds["rulePriority"] == 3
    assert builds["selection"]["countNumber"] == KEEP_BUILDS


def test_keep_releases_comes_from_config():
    run = run_registry({**registry_config(), "odoo-ladder:registry": {
        **json.loads(json.dumps(registry_config()["odoo-ladder:registry"])), "keep_releases": 5}})
    policy = json.loads(run.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])
    assert policy["rules"][1]["selection"]["countNumber"] == 5


def test_the_lifecycle_policy_is_a_valid_ecr_input(run):
    from ladder.limits import _shape_problems
    record = {"type": "aws:ecr/lifecyclePolicy:LifecyclePolicy", "name": "registry-lifecycle", "inputs": {}}
    policy = run.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"]
    assert _shape_problems(record, "ecr", "PutLifecyclePolicy",
                           {"repositoryName": "odoo-ladder/prod", "lifecyclePolicyText": policy}) == []


def test_the_host_pulls_this_repository_only(run):
    policy = role_policy(run, "registry-host-pull")
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"):
        assert decide([policy], Request(action, REPO)) == ALLOW
        assert decide([policy], Request(action, REPO.replace("/prod", "/staging"))) == IMPLICIT_DENY
    assert decide([policy], Request("ecr:GetAuthorizationToken", "*")) == ALLOW
    for action in ("ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:BatchDeleteImage", "ecr:DescribeRepositories"):
        assert decide([policy], Request(action, REPO)) == IMPLICIT_DENY


def test_the_key_lets_ecr_make_its_grant_only_through_ecr(run):
    key_policy = json.loads(run.named("aws:kms/key:Key", "secrets-key").inputs["policy"])
    deployer = f"arn:aws:iam::{ACCOUNT}:role/odoo-ladder-ci-prod-deploy"
    mine = [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}]
    via_ecr = {"kms:ViaService": "ecr.eu-south-1.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    key = f"arn:aws:kms:eu-south-1:{ACCOUNT}:key/secrets-key"
    assert kms_decision(key_policy, mine, Request("kms:CreateGrant", key, deployer, via_ecr)) == ALLOW
    assert kms_decision(key_policy, mine, Request("kms:CreateGrant", key, deployer, {})) == IMPLICIT_DENY
    assert kms_decision(key_policy, mine, Request("kms:Decrypt", key, deployer, {})) == IMPLICIT_DENY


def test_without_the_registry_the_key_has_no_ecr_statement():
    from components.secrets.key_policy import key_policy
    sids = [s["Sid"] for s in key_policy("aws", "eu-south-1", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:role/h", "ssm")["Statement"]]
    assert "RegistryViaEcr" not in sids


def test_the_outputs_the_workflows_read(run):
    assert run.outputs["registry_url"] == f"{ACCOUNT}.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod"
    assert run.outputs["ci_deploy_role_arn"].endswith(":role/odoo-ladder-ci-prod-deploy")
    assert run.outputs["ci_preview_role_arn"].endswith(":role/odoo-ladder-ci-prod-preview")
    assert run.outputs["aws_region"] == "eu-south-1"


def test_every_limit_holds_with_the_registry(run):
    assert check(plan_records(run)).failures() == []


def test_the_registry_is_built_and_needs_the_github_repository_and_the_state():
    from configs.errors import ConfigError
    from configs.load import from_mapping
    assert "registry" in from_mapping("prod", registry_config()).components.names()
    with pytest.raises(ConfigError) as refused:
        from_mapping("prod", registry_config(owner=None, state_bucket=None))
    assert [p.split(":")[1] for p in refused.value.problems] == ["registry.github.owner", "registry.github.state_bucket"]
    assert "tools/bootstrap_state.py prints (STATE_BUCKET)" in str(refused.value)


@pytest.mark.parametrize("image", ["123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod:v1.2.3",
                                   "odoo:18.0", "123456789012.dkr.ecr.eu-south-1.amazonaws.com/x@sha256:abc"])
def test_registry_image_is_a_digest_or_refused(image):
    from configs.errors import ConfigError
    from configs.load import from_mapping
    with pytest.raises(ConfigError, match="registry.image"):
        from_mapping("prod", {**registry_config(), "odoo-ladder:registry": {"enabled": False, "image": image}})
