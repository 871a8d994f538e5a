"""What each CI role may do once assumed, evaluated over all its policies together."""
import pytest

from components.cicd.names import ci_role_name
from components.secrets.iam_eval import ALLOW, DENY, IMPLICIT_DENY, Request, decide
from ladder.mocked import ACCOUNT
from tests.cicd.stack import STATE_BUCKET, STATE_KEY, role_documents, run_registry

REPO = f"arn:aws:ecr:eu-south-1:{ACCOUNT}:repository/odoo-ladder/prod"
OTHER_REPO = f"arn:aws:ecr:eu-south-1:{ACCOUNT}:repository/odoo-ladder/staging"
STATE = f"arn:aws:s3:::{STATE_BUCKET}/.pulumi/stacks/odoo-ladder/prod.json"
OTHER_STATE = f"arn:aws:s3:::{STATE_BUCKET}/.pulumi/stacks/odoo-ladder/staging.json"


@pytest.fixture(scope="module")
def run():
    return run_registry()


def may(run, purpose, action, resource, **context):
    return decide(role_documents(run, purpose), Request(action, resource, context=context))


def test_preview_reads_state_and_decrypts_with_the_state_key_only(run):
    assert may(run, "preview", "s3:GetObject", STATE) == ALLOW
    assert may(run, "preview", "kms:Decrypt", STATE_KEY) == ALLOW
    for action, resource in (("s3:PutObject", STATE), ("kms:Encrypt", STATE_KEY), ("s3:GetObject", OTHER_STATE),
                             ("ssm:GetParameter", f"arn:aws:ssm:eu-south-1:{ACCOUNT}:parameter/odoo-ladder/prod/db_password"),
                             ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-south-1:1:secret:x"),
                             ("ecr:PutImage", REPO), ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/x")):
        assert may(run, "preview", action, resource) == IMPLICIT_DENY, action


def test_deploy_pushes_to_this_repository_only(run):
    for action in ("ecr:PutImage", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"):
        assert may(run, "deploy", action, REPO) == ALLOW
        assert may(run, "deploy", action, OTHER_REPO) == IMPLICIT_DENY
    assert may(run, "deploy", "ecr:DeleteRepository", REPO) == IMPLICIT_DENY
    assert may(run, "deploy", "ecr:BatchDeleteImage", REPO) == IMPLICIT_DENY


def test_deploy_writes_its_own_stack_state_only(run):
    assert may(run, "deploy", "s3:PutObject", STATE) == ALLOW
    assert may(run, "deploy", "s3:PutObject", f"arn:aws:s3:::{STATE_BUCKET}/.pulumi/locks/odoo-ladder/prod/1.json") == ALLOW
    assert may(run, "deploy", "s3:PutObject", OTHER_STATE) == IMPLICIT_DENY
    assert may(run, "deploy", "s3:DeleteBucket", f"arn:aws:s3:::{STATE_BUCKET}") == IMPLICIT_DENY


@pytest.mark.parametrize("purpose", ["deploy", "preview"])
def test_deploy_cannot_change_any_ci_role(run, purpose):
    role = f"arn:aws:iam::{ACCOUNT}:role/{ci_role_name('prod', purpose)}"
    for action in ("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole"):
        # Even if the role carried the stack tag, the explicit Deny wins.
        assert may(run, "deploy", action, role, **{"aws:ResourceTag/odoo-ladder:stack": "prod"}) == DENY
    assert may(run, "deploy", "iam:CreateOpenIDConnectProvider",
               f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com") == DENY


def test_deploy_changes_ec2_and_roles_only_when_tagged_with_the_stack(run):
    instance = f"arn:aws:ec2:eu-south-1:{ACCOUNT}:instance/i-0123"
    ours, theirs = {"aws:ResourceTag/odoo-ladder:stack": "prod"}, {"aws:ResourceTag/odoo-ladder:stack": "staging"}
    assert may(run, "deploy", "ec2:TerminateInstances", instance, **ours) == ALLOW
    assert may(run, "deploy", "ec2:TerminateInstances", instance, **theirs) == IMPLICIT_DENY
    assert may(run, "deploy", "ec2:TerminateInstances", instance) == IMPLICIT_DENY
    host_role = f"arn:aws:iam::{ACCOUNT}:role/host-role-0a1b2c3"
    assert may(run, "deploy", "iam:PutRolePolicy", host_role, **ours) == ALLOW
    assert may(run, "deploy", "iam:PutRolePolicy", host_role, **theirs) == IMPLICIT_DENY
    assert may(run, "deploy", "iam:PassRole", host_role, **ours, **{"iam:PassedToService": "ec2.amazonaws.com"}) == ALLOW
    assert may(run, "deploy", "iam:PassRole", host_role, **ours, **{"iam:PassedToService": "lambda.amazonaws.com"}) == IMPLICIT_DENY


def test_deploy_writes_only_its_stack_parameters(run):
    ours = f"arn:aws:ssm:eu-south-1:{ACCOUNT}:parameter/odoo-ladder/prod/db_password"
    theirs = f"arn:aws:ssm:eu-south-1:{ACCOUNT}:parameter/odoo-ladder/staging/db_password"
    assert may(run, "deploy", "ssm:PutParameter", ours) == ALLOW
    assert may(run, "deploy", "ssm:PutParameter", theirs) == IMPLICIT_DENY


def test_no_access_key_is_created(run):
    assert not [r for r in run.resources if r.type.startswith("aws:iam/accessKey")]


def test_deploy_cannot_tag_a_foreign_role_into_its_reach_nor_pass_it(run):
    """Tag-based IAM rights alone would let a deploy tag any role (an administrator's) with the stack
    tag, then pass it to an instance it launches: the rights also name the host role's prefix."""
    admin = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
    tagging = {"aws:RequestTag/odoo-ladder:stack": "prod"}
    tagged = {"aws:ResourceTag/odoo-ladder:stack": "prod"}
    assert may(run, "deploy", "iam:TagRole", admin, **tagging) == IMPLICIT_DENY
    assert may(run, "deploy", "iam:PutRolePolicy", admin, **tagged) == IMPLICIT_DENY
    assert may(run, "deploy", "iam:PassRole", admin, **tagged, **{"iam:PassedToService": "ec2.amazonaws.com"}) \
        == IMPLICIT_DENY
    assert may(run, "deploy", "iam:TagRole", f"arn:aws:iam::{ACCOUNT}:role/host-role-0a1b2c3", **tagging) == ALLOW


def test_deploy_uses_the_stack_keys_by_arn_and_no_other_key_even_tagged(run):
    here = f"arn:aws:kms:eu-south-1:{ACCOUNT}:key"
    for key in ("secrets-key", "backup-key"):
        for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:PutKeyPolicy", "kms:CreateGrant"):
            assert may(run, "deploy", action, f"{here}/{key}") == ALLOW, (action, key)
    foreign = f"{here}/1234abcd-0000-0000-0000-000000000000"
    tagged = {"aws:ResourceTag/odoo-ladder:stack": "prod"}
    for action in ("kms:Decrypt", "kms:PutKeyPolicy", "kms:TagResource"):
        assert may(run, "deploy", action, foreign, **tagged) == IMPLICIT_DENY
    assert may(run, "deploy", "kms:TagResource", foreign, **{"aws:RequestTag/odoo-ladder:stack": "prod"}) \
        == IMPLICIT_DENY
    assert may(run, "deploy", "kms:CreateKey", "*", **{"aws:RequestTag/odoo-ladder:stack": "prod"}) == IMPLICIT_DENY
