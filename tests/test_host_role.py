"""Every policy attached to the host role, as the mocked program registers it, evaluated the way IAM
does (components/secrets/iam_eval.py): the host reads its own stack's parameters and nothing else,
at every AWS step and for both stores; the stack's KMS key decrypts for the host only through the
store. Moto cannot prove this (it does not scope IAM to SSM ARNs); mocks accept any document."""
import json

import pytest

from components.secrets.agent_policy import STACK_TAG
from components.secrets.iam_eval import ALLOW, DENY, IMPLICIT_DENY, Request, decide, kms_decision
from ladder.mocked import ACCOUNT, run_stack
from tests.stacks import aws

REGION = "eu-south-1"
PARAMETER = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter"
READS = ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory")
# Managed policies still attached to the host role, with their documents. None: if one comes back,
# its document must be added here, so the evaluation below sees everything the role holds.
MANAGED_DOCUMENTS: dict[str, dict] = {}

STACKS = [pytest.param(aws(step), id=f"step{step}") for step in range(5)] + [
    pytest.param(aws(3, secrets={"store": "secretsmanager"}), id="step3-secretsmanager"),
    pytest.param(aws(4, secrets={"store": "secretsmanager"}), id="step4-secretsmanager")]


def host_role(run):
    return run.named("aws:iam/role:Role", "host-role")


def role_documents(run) -> list[dict]:
    """Every policy document the host role holds: its inline policies and attached managed ones."""
    name = host_role(run).inputs.get("name") or "host-role-0a1b2c3"
    inline = [json.loads(p.inputs["policy"]) for p in run.of_type("aws:iam/rolePolicy:RolePolicy")
              if p.inputs["role"] == name]
    attached = [a.inputs["policyArn"] for a in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if a.inputs["role"] == name]
    missing = [arn for arn in attached if arn not in MANAGED_DOCUMENTS]
    assert not missing, f"managed policies on the host role without their document in MANAGED_DOCUMENTS: {missing}"
    assert inline, "the host role has no inline policy"
    return inline + [MANAGED_DOCUMENTS[arn] for arn in attached]


@pytest.fixture(scope="module", params=STACKS)
def stack(request):
    return run_stack(request.param, stack="prod")


OTHERS = ["/odoo-ladder/staging/db_password", "/odoo-ladder/prod2/db_password", "/odoo-ladder/pro/db_password",
          "/odoo-ladder/db_password", "/odoo-ladder", "/other/x", "/x", "/odoo-ladder/PROD/db_password",
          "/odoo-ladder/prod*/x", "/odoo-ladder/prod?/x", "/odoo-ladder/pro?/x", "/odoo-ladder/pro*",
          "/odoo-ladder/[p]rod/x", "/odoo-ladder/prod\\/x", "/aws/reference/secretsmanager/odoo-ladder/prod/x",
          # A flat name. (A hierarchical name must start with '/', so "odoo-ladder/prod/x" cannot exist:
          # it would have the stack's own ARN.)
          "odoo-ladder-prod-db_password"]


@pytest.mark.parametrize("action", READS)
def test_no_parameter_outside_the_stack_path_is_readable(stack, action):
    documents = role_documents(stack)
    for name in OTHERS:
        resource = f"{PARAMETER}{name}" if name.startswith("/") else f"{PARAMETER}/{name}"
        assert decide(documents, Request(action, resource)) == DENY, (action, name)
    # Another region or account: denied by the NotResource too (it names this region and account).
    assert decide(documents, Request(action, f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/odoo-ladder/prod/x")) == DENY
    assert decide(documents, Request(action, f"arn:aws:ssm:{REGION}:999999999999:parameter/odoo-ladder/prod/x")) == DENY


def test_the_stack_reads_its_own_parameters_but_never_their_history(stack):
    documents = role_documents(stack)
    ssm = not stack.of_type("aws:secretsmanager/secret:Secret")
    expected = ALLOW if ssm else IMPLICIT_DENY
    for key in ("db_password", "admin_passwd", "admin_password"):
        resource = f"{PARAMETER}/odoo-ladder/prod/{key}"
        assert decide(documents, Request("ssm:GetParameter", resource)) == expected
        assert decide(documents, Request("ssm:GetParameterHistory", resource)) != ALLOW
        assert decide(documents, Request("ssm:PutParameter", resource)) != ALLOW
    assert decide(documents, Request("ssm:GetParametersByPath", f"{PARAMETER}/odoo-ladder/prod")) == expected


def test_documents_are_read_only_when_tagged_with_the_stack(stack):
    documents = role_documents(stack)
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/app-ssm-document-0a1b2c3"
    # The agent may read the delivery's document only through its tag: every document must carry it.
    delivered = stack.of_type("aws:ssm/document:Document")
    assert delivered and all(d.inputs["tags"].get(STACK_TAG) == "prod" for d in delivered)
    mine = {f"aws:ResourceTag/{STACK_TAG}": delivered[0].inputs["tags"][STACK_TAG]}
    assert decide(documents, Request("ssm:GetDocument", arn, context=mine)) == ALLOW
    assert decide(documents, Request("ssm:GetDocument", arn, context={"aws:ResourceTag/odoo-ladder:stack": "x"})) != ALLOW
    assert decide(documents, Request("ssm:GetDocument", arn)) != ALLOW
    assert decide(documents, Request("ssm:GetDocument", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")) != ALLOW


def test_session_manager_and_the_association_still_work(stack):
    documents = role_documents(stack)
    for action in ("ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                   "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel", "ec2messages:GetMessages",
                   "ec2messages:AcknowledgeMessage", "ec2messages:SendReply", "ec2messages:GetEndpoint",
                   "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ssm:ListInstanceAssociations",
                   "ssm:ListAssociations", "ssm:DescribeAssociation"):
        assert decide(documents, Request(action, "*")) == ALLOW, action
    instance = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0"
    association = f"arn:aws:ssm:{REGION}:{ACCOUNT}:association/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
    assert decide(documents, Request("ssm:UpdateInstanceAssociationStatus", instance)) == ALLOW
    assert decide(documents, Request("ssm:UpdateInstanceAssociationStatus", association)) == ALLOW


def test_nothing_else_on_star_and_no_write(stack):
    documents = role_documents(stack)
    for action in ("ssm:SendCommand", "ssm:StartSession", "ssm:PutParameter", "ssm:DeleteParameter",
                   "ssm:PutInventory", "ssm:PutComplianceItems", "iam:PassRole", "kms:Encrypt", "kms:CreateGrant",
                   "secretsmanager:PutSecretValue", "s3:DeleteObject", "s3:GetObject", "ec2:DescribeInstances"):
        assert decide(documents, Request(action, "*")) != ALLOW, action


def test_the_key_decrypts_for_the_host_only_through_the_store(stack):
    key = stack.named("aws:kms/key:Key", "secrets-key")
    policy = json.loads(key.inputs["policy"])
    identity = role_documents(stack)
    host = f"arn:aws:iam::{ACCOUNT}:role/host-role-0a1b2c3"
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/secrets-key"
    via_store = {"kms:ViaService": f"{_store(stack)}.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    assert kms_decision(policy, identity, Request("kms:Decrypt", arn, host, via_store)) == ALLOW
    # The key policy names both stores; the role's own policy only the store the stack uses.
    other_store = {**via_store, "kms:ViaService": f"{_other_store(stack)}.{REGION}.amazonaws.com"}
    assert kms_decision(policy, identity, Request("kms:Decrypt", arn, host, other_store)) == IMPLICIT_DENY
    # Directly, through another service, from another account: no.
    assert kms_decision(policy, identity, Request("kms:Decrypt", arn, host, {"kms:CallerAccount": ACCOUNT})) != ALLOW
    s3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    assert kms_decision(policy, identity, Request("kms:Decrypt", arn, host, s3)) != ALLOW
    foreign = {**via_store, "kms:CallerAccount": "999999999999"}
    assert kms_decision(policy, identity, Request("kms:Decrypt", arn, host, foreign)) != ALLOW
    for action in ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:PutKeyPolicy"):
        assert kms_decision(policy, identity, Request(action, arn, host, via_store)) != ALLOW, action


def test_no_other_principal_decrypts_without_its_own_grant(stack):
    policy = json.loads(stack.named("aws:kms/key:Key", "secrets-key").inputs["policy"])
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/secrets-key"
    via = {"kms:ViaService": f"ssm.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    other = f"arn:aws:iam::{ACCOUNT}:role/someone-else"
    # Unlike aws/ssm: an account principal with no IAM grant on the key gets nothing, even through SSM.
    assert kms_decision(policy, [], Request("kms:Decrypt", arn, other, via)) != ALLOW
    # The deployer (IAM grants it) may use the key through the store only, never directly.
    assert kms_decision(policy, [everything], Request("kms:Decrypt", arn, other, via)) == ALLOW
    assert kms_decision(policy, [everything], Request("kms:Decrypt", arn, other, {"kms:CallerAccount": ACCOUNT})) != ALLOW
    # Another account, whatever its own IAM says: nothing at all.
    stranger = "arn:aws:iam::999999999999:role/admin"
    for action in ("kms:Decrypt", "kms:DescribeKey", "kms:PutKeyPolicy"):
        assert kms_decision(policy, [everything], Request(action, arn, stranger, via)) != ALLOW
    # The account keeps the key manageable.
    assert kms_decision(policy, [everything], Request("kms:PutKeyPolicy", arn, other)) == ALLOW


def _store(run) -> str:
    return "secretsmanager" if run.of_type("aws:secretsmanager/secret:Secret") else "ssm"


def _other_store(run) -> str:
    return "ssm" if _store(run) == "secretsmanager" else "secretsmanager"


def test_the_role_inline_policies_fit_with_room_to_grow(stack):
    """IAM counts a role's inline policies together (10,240 characters, whitespace not counted)."""
    total = sum(len(json.dumps(d, separators=(",", ":"))) for d in role_documents(stack))
    assert total < 10240 // 2, total


def test_an_underscore_in_the_stack_name_is_literal_in_the_role_policies():
    # Stack names are letters, digits, - and _ (configs/stack_name.py); none of them is an IAM wildcard.
    run = run_stack(aws(3), stack="team_prod")
    documents = role_documents(run)
    assert decide(documents, Request("ssm:GetParameter", f"{PARAMETER}/odoo-ladder/team_prod/db_password")) == ALLOW
    for other in ("/odoo-ladder/teamXprod/db_password", "/odoo-ladder/team/prod/db_password"):
        assert decide(documents, Request("ssm:GetParameter", f"{PARAMETER}{other}")) == DENY, other


def test_the_evaluation_would_catch_the_managed_policy_this_replaced():
    """AmazonSSMManagedInstanceCore's first statement (AWS's published document, v2): with it, the
    host could read another stack's parameters; the Deny now wins even if someone attaches it."""
    core = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
        "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument",
        "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters",
        "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems",
        "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
        "ssm:UpdateInstanceInformation"]}]}
    other = Request("ssm:GetParameter", f"{PARAMETER}/odoo-ladder/staging/db_password")
    assert decide([core], other) == ALLOW
    assert decide([core, *role_documents(run_stack(aws(0), stack="prod"))], other) == DENY
