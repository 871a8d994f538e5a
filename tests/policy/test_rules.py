"""Each rule with one passing and one failing fixture, run as `ladder check` runs it (plan records)."""
import pytest

from ladder.check import stack_of
from policy.rules import RULES, evaluate
from tests.policy.fixtures import (GITHUB, SUB, TAGS, allow, bucket_set, doc, github_role, group, instance,
                                   record)

WORLD4, WORLD6 = "0.0.0.0/0", "::/0"
ADMIN = "203.0.113.7/32"

# rule -> (passing records, failing records, a phrase the failing violation must contain)
CASES = {
    "no-world-ingress": (
        [group(("tcp", 80, 80, [WORLD4, WORLD6]), ("tcp", 443, 443, [WORLD4]), ("tcp", 8069, 8069, [ADMIN]))],
        [group(("tcp", 443, 443, [WORLD4]), ("tcp", 8069, 8069, [WORLD4]))],
        "tcp port 8069 is open to the whole internet"),
    "imds-v2-hop-limit-1": ([instance(hops=1)], [instance(hops=2)], "httpPutResponseHopLimit is 2"),
    "encrypted-at-rest": (
        [record("aws:ebs/volume:Volume", "data", True, True, tags=TAGS, availabilityZone="eu-south-1a", size=30.0,
                encrypted=True)],
        [record("aws:ebs/volume:Volume", "data", True, True, tags=TAGS, availabilityZone="eu-south-1a", size=30.0)],
        "encrypted is not true"),
    "s3-public-access-blocked": (bucket_set(), bucket_set(public_block=False), "blockPublicPolicy"),
    "s3-tls-only": (bucket_set(), bucket_set(policy=None), "aws:SecureTransport"),
    "s3-versioning": (bucket_set(), bucket_set(versioning="Suspended"), "versioning is not enabled"),
    "s3-backups-object-lock": (bucket_set("backup", object_lock=True), bucket_set("backup"), "Object Lock"),
    "s3-encrypted": (bucket_set(), bucket_set(encryption=False), "server-side encryption"),
    "iam-no-wildcard-secret-kms-s3-write": (
        [record("aws:iam/rolePolicy:RolePolicy", "read", role="host-role", policy=doc(
            allow(["ssm:GetParameter", "ssm:GetParameters"], "arn:aws:ssm:eu-south-1:123456789012:parameter/odoo-ladder/test/*"),
            allow("kms:Decrypt", "arn:aws:kms:eu-south-1:123456789012:key/k1"),
            allow("ssm:UpdateInstanceInformation", "*")))],
        [record("aws:iam/rolePolicy:RolePolicy", "read", role="host-role", policy=doc(allow("ssm:Get*", "*")))],
        "secret reads (ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath, ssm:GetParameterHistory)"),
    "iam-no-passrole-wildcard": (
        [record("aws:iam/policy:Policy", "deploy", tags=TAGS, policy=doc(
            allow("iam:PassRole", "arn:aws:iam::123456789012:role/odoo-ladder-test-task")))],
        [record("aws:iam/policy:Policy", "deploy", tags=TAGS, policy=doc(allow("iam:*", "*")))],
        "iam:PassRole on every role"),
    "iam-no-access-keys": (
        [record("aws:iam/user:User", "ci", tags=TAGS)],
        [record("aws:iam/accessKey:AccessKey", "ci-key", user="ci")],
        "long-lived access key"),
    "iam-github-oidc-pinned": (
        [github_role({"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": SUB}})],
        [github_role({"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{GITHUB}:sub": "repo:example/*"}})],
        "no StringEquals on token.actions.githubusercontent.com:sub"),
    "log-group-retention": (
        [record("aws:cloudwatch/logGroup:LogGroup", "logs", tags=TAGS, retentionInDays=30.0)],
        [record("aws:cloudwatch/logGroup:LogGroup", "logs", tags=TAGS)],
        "kept forever"),
    "rds-private-protected-backed-up": (
        [record("aws:rds/instance:Instance", "db", tags=TAGS, storageEncrypted=True, publiclyAccessible=False,
                deletionProtection=True, backupRetentionPeriod=7.0, instanceClass="db.t4g.small",
                engine="postgres")],
        [record("aws:rds/instance:Instance", "db", tags=TAGS, storageEncrypted=True, publiclyAccessible=True,
                deletionProtection=True, backupRetentionPeriod=1.0, instanceClass="db.t4g.small")],
        "publiclyAccessible is true"),
    "ecr-immutable-scanned": (
        [record("aws:ecr/repository:Repository", "odoo", tags=TAGS, imageTagMutability="IMMUTABLE",
                imageScanningConfiguration={"scanOnPush": True})],
        [record("aws:ecr/repository:Repository", "odoo", tags=TAGS, imageScanningConfiguration={"scanOnPush": True})],
        "imageTagMutability"),
    "alb-drop-invalid-headers": (
        [record("aws:lb/loadBalancer:LoadBalancer", "alb", tags=TAGS, loadBalancerType="application",
                dropInvalidHeaderFields=True)],
        [record("aws:lb/loadBalancer:LoadBalancer", "alb", tags=TAGS, loadBalancerType="application")],
        "dropInvalidHeaderFields"),
    "alb-listener-tls12-redirect": (
        [record("aws:lb/listener:Listener", "https", tags=TAGS, protocol="HTTPS", port=443.0,
                sslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", loadBalancerArn="alb-id",
                defaultActions=[{"type": "forward", "targetGroupArn": "tg-id"}]),
         record("aws:lb/listener:Listener", "http", tags=TAGS, protocol="HTTP", port=80.0, loadBalancerArn="alb-id",
                defaultActions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443",
                                                                  "statusCode": "HTTP_301"}}])],
        [record("aws:lb/listener:Listener", "http", tags=TAGS, protocol="HTTP", port=80.0, loadBalancerArn="alb-id",
                defaultActions=[{"type": "forward", "targetGroupArn": "tg-id"}])],
        "does not only redirect to HTTPS"),
    "data-protected": (
        [record("aws:kms/key:Key", "key", True, True, tags=TAGS, enableKeyRotation=True)],
        [record("aws:kms/key:Key", "key", tags=TAGS, enableKeyRotation=True)],
        "has no protect or retain_on_delete"),
    "stack-tag": (
        [record("aws:iam/instanceProfile:InstanceProfile", "profile", tags=TAGS, role="host-role")],
        [record("aws:iam/instanceProfile:InstanceProfile", "profile", role="host-role")],
        "no odoo-ladder:stack tag"),
    "aws-limits": (
        [record("aws:ssm/document:Document", "doc", tags=TAGS, documentType="Command", documentFormat="JSON",
                content="{}")],
        [record("aws:ssm/document:Document", "doc", tags=TAGS, documentType="Command", documentFormat="JSON",
                content="#" * 65_537)],
        "SSM document content (bytes) is 65,537, over AWS's 65,536"),
    "aws-limits-inline-policies": (
        [record("aws:iam/rolePolicy:RolePolicy", f"p{i}", role="host-role",
                policy=doc(allow("s3:GetObject", f"arn:aws:s3:::b/{i:03d}/*"))) for i in range(3)],
        [record("aws:iam/rolePolicy:RolePolicy", f"p{i}", role="host-role",
                policy=doc(*[allow("s3:GetObject", f"arn:aws:s3:::b/{i:03d}/{j:03d}/*") for j in range(60)]))
         for i in range(3)],
        "IAM inline policies together (characters)"),
}

RULE = {rule.name: rule for rule in RULES}


def test_every_rule_has_a_passing_and_a_failing_fixture():
    assert set(CASES) == set(RULE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_passing_fixture_passes(name):
    passing, _, _ = CASES[name]
    assert evaluate(stack_of(passing), [RULE[name]]) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_failing_fixture_is_caught(name):
    _, failing, phrase = CASES[name]
    violations = evaluate(stack_of(failing), [RULE[name]])
    assert violations and all(v.rule == name and v.mandatory for v in violations)
    assert any(phrase in v.message for v in violations), [v.message for v in violations]


@pytest.mark.parametrize("name", sorted(CASES))
def test_passing_fixtures_pass_every_rule(name):
    """The passing fixtures are examples to copy: no other rule finds fault with them either."""
    passing, _, _ = CASES[name]
    assert [v.line() for v in evaluate(stack_of(passing))] == []


def test_every_description_says_what_to_do():
    for rule in RULES:
        assert len(rule.description) > 40, rule.name


def test_ci_identities_may_carry_the_ci_tag_instead_and_nothing_else_may():
    """Step 6's CI roles carry odoo-ladder:ci so the deploy role's stack-tag rights never reach them;
    any other resource with only that tag is still caught."""
    ci = {"odoo-ladder:ci": "test"}
    role = record("aws:iam/role:Role", "cicd-deploy", tags=ci, assumeRolePolicy=doc())
    assert evaluate(stack_of([role]), [RULE["stack-tag"]]) == []
    profile = record("aws:iam/instanceProfile:InstanceProfile", "profile", tags=ci, role="host-role")
    assert [v.rule for v in evaluate(stack_of([profile]), [RULE["stack-tag"]])] == ["stack-tag"]
