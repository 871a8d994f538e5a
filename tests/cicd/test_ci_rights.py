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


# Step 7: what an image deploy from CI needs on the cluster (docs/step6.md, docs/step7.md).
HERE = f"eu-south-1:{ACCOUNT}"
CLUSTER = f"arn:aws:ecs:{HERE}:cluster/odoo-ladder-step7-cluster"
WEB_SERVICE = f"arn:aws:ecs:{HERE}:service/odoo-ladder-step7-cluster/odoo-ladder-step7-web"
OTHER_SERVICE = f"arn:aws:ecs:{HERE}:service/odoo-ladder-prod-cluster/odoo-ladder-prod-web"
STEP7 = {"aws:ResourceTag/odoo-ladder:stack": "step7"}
STEP7_TAGS = {"odoo-ladder:stack": "step7"}
TO_ECS = {"iam:PassedToService": "ecs-tasks.amazonaws.com"}


@pytest.fixture(scope="module")
def step7():
    from tests.cicd.stack import run_step7
    return run_step7()


def task_role_arn(run, suffix: str) -> str:
    """The physical ARN AWS gives an auto-named role: the resource name and a random suffix."""
    role = run.named("aws:iam/role:Role", f"cluster-tasks-{suffix}")
    return f"arn:aws:iam::{ACCOUNT}:role/{role.inputs.get('name') or role.name + '-0a1b2c3'}"


def test_step7_deploy_registers_task_definitions_and_rolls_its_own_services(step7):
    for family in ("web", "cron", "upgrade", "backup"):
        definition = f"arn:aws:ecs:{HERE}:task-definition/odoo-ladder-step7-{family}:12"
        assert may(step7, "deploy", "ecs:RegisterTaskDefinition", definition) == ALLOW, family
    assert may(step7, "deploy", "ecs:RegisterTaskDefinition",
               f"arn:aws:ecs:{HERE}:task-definition/odoo-ladder-prod-web:3") == IMPLICIT_DENY
    assert may(step7, "deploy", "ecs:UpdateService", WEB_SERVICE) == ALLOW
    assert may(step7, "deploy", "ecs:UpdateService", OTHER_SERVICE) == IMPLICIT_DENY
    for action in ("ecs:CreateService", "ecs:DeleteService", "ecs:CreateCluster"):
        assert may(step7, "deploy", action, WEB_SERVICE) == IMPLICIT_DENY, action


def test_step7_deploy_runs_the_upgrade_task_on_its_own_cluster_only(step7):
    upgrade = f"arn:aws:ecs:{HERE}:task-definition/odoo-ladder-step7-upgrade:12"
    assert may(step7, "deploy", "ecs:RunTask", upgrade, **{"ecs:cluster": CLUSTER}) == ALLOW
    assert may(step7, "deploy", "ecs:RunTask", upgrade,
               **{"ecs:cluster": f"arn:aws:ecs:{HERE}:cluster/odoo-ladder-prod-cluster"}) == IMPLICIT_DENY
    # The web definition runs only as its service: a deploy cannot start it (or the restore) as a one-off.
    for family in ("web", "restore"):
        assert may(step7, "deploy", "ecs:RunTask", f"arn:aws:ecs:{HERE}:task-definition/odoo-ladder-step7-{family}:1",
                   **{"ecs:cluster": CLUSTER}) == IMPLICIT_DENY
    task = f"arn:aws:ecs:{HERE}:task/odoo-ladder-step7-cluster/0123456789abcdef"
    for action in ("ecs:DescribeTasks", "ecs:StopTask"):
        assert may(step7, "deploy", action, task) == ALLOW
        assert may(step7, "deploy", action, f"arn:aws:ecs:{HERE}:task/odoo-ladder-prod-cluster/0123") == IMPLICIT_DENY


def test_step7_deploy_passes_only_the_stacks_task_roles_and_only_to_ecs(step7):
    roles = [task_role_arn(step7, s) for s in ("execution", "web", "cron")]
    roles += [f"arn:aws:iam::{ACCOUNT}:role/{step7.named('aws:iam/role:Role', f'cluster-{n}-task').inputs['name']}"
              for n in ("backup", "restore")]
    assert all(step7.named("aws:iam/role:Role", f"cluster-tasks-{s}").inputs["tags"] == STEP7_TAGS
               for s in ("execution", "web", "cron"))
    for role in roles:
        assert may(step7, "deploy", "iam:PassRole", role, **STEP7, **TO_ECS) == ALLOW, role
        assert may(step7, "deploy", "iam:PassRole", role, **STEP7,
                   **{"iam:PassedToService": "ec2.amazonaws.com"}) == IMPLICIT_DENY, role
    # Another stack's task role (same prefix, its own tag), another stack's named role, an administrator's.
    assert may(step7, "deploy", "iam:PassRole", task_role_arn(step7, "web"),
               **{"aws:ResourceTag/odoo-ladder:stack": "prod"}, **TO_ECS) == IMPLICIT_DENY
    for role in ("odoo-ladder-prod-backup-task", "OrganizationAccountAccessRole"):
        assert may(step7, "deploy", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{role}", **STEP7, **TO_ECS) \
            == IMPLICIT_DENY, role
    scheduler = task_role_arn(step7, "execution").replace("cluster-tasks-execution", "cluster-backup-scheduler")
    assert may(step7, "deploy", "iam:PassRole", scheduler, **STEP7,
               **{"iam:PassedToService": "scheduler.amazonaws.com"}) == ALLOW
    assert may(step7, "deploy", "iam:PassRole", scheduler, **STEP7, **TO_ECS) == IMPLICIT_DENY
    # Nor can it tag a task role of another stack into its reach.
    assert may(step7, "deploy", "iam:TagRole", task_role_arn(step7, "web"),
               **{"aws:RequestTag/odoo-ladder:stack": "step7"}) == IMPLICIT_DENY


def test_stacks_below_step7_get_no_ecs_right(run):
    definition = f"arn:aws:ecs:{HERE}:task-definition/odoo-ladder-prod-web:1"
    assert may(run, "deploy", "ecs:RegisterTaskDefinition", definition) == IMPLICIT_DENY
    assert may(run, "deploy", "ecs:UpdateService", OTHER_SERVICE) == IMPLICIT_DENY
    assert may(run, "deploy", "ecs:DescribeServices", OTHER_SERVICE) == IMPLICIT_DENY
    assert may(run, "deploy", "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/odoo-ladder-prod-backup-task",
               **TO_ECS) == IMPLICIT_DENY
    assert not [r for r in run.of_type("aws:iam/policy:Policy") if r.name == "cicd-deploy-cluster"]


def test_every_deploy_managed_policy_fits_iams_limit(step7):
    """IAM refuses a managed policy over 6,144 characters (whitespace aside): the longest stack name's."""
    import json

    from components.cicd.policies import cluster_deploy_policy, deploy_infrastructure_policies
    from components.cluster.names import deploy_names
    stack = "s" * 40
    parts = [*deploy_infrastructure_policies(stack, "ap-southeast-2", ACCOUNT, "Z" * 32,
                                             [f"arn:aws:kms:ap-southeast-2:{ACCOUNT}:key/{'0' * 36}"] * 2).values(),
             cluster_deploy_policy(stack, "ap-southeast-2", ACCOUNT, deploy_names(stack))]
    for part in parts:
        assert len(json.dumps(part, separators=(",", ":"))) <= 6144
    assert [r for r in step7.of_type("aws:iam/policy:Policy") if r.name == "cicd-deploy-cluster"]


def test_step7_deploy_names_are_the_ones_the_cluster_registers(step7):
    """The deploy role is scoped by names the cluster component gives: they must not drift apart."""
    from components.cluster.names import deploy_names
    names = deploy_names("step7")
    assert {r.inputs["family"] for r in step7.of_type("aws:ecs/taskDefinition:TaskDefinition")} <= set(names.families)
    assert {r.inputs["name"] for r in step7.of_type("aws:ecs/service:Service")} == set(names.services)
    assert [r.inputs["name"] for r in step7.of_type("aws:ecs/cluster:Cluster")] == [names.cluster]
    assert [r.inputs["name"] for r in step7.of_type("aws:scheduler/schedule:Schedule")] == [names.schedule]
    fixed = {r.inputs["name"] for r in step7.of_type("aws:iam/role:Role") if r.name.startswith("cluster-")
             and r.inputs.get("name")}
    assert fixed == set(names.named_task_roles)
    assert {r.name for r in step7.of_type("aws:iam/role:Role") if r.name.startswith("cluster-") and not r.inputs.get("name")} \
        == {"cluster-tasks-execution", "cluster-tasks-web", "cluster-tasks-cron", "cluster-backup-scheduler"}
