"""The rules' harder corners: unions of ranges, port boundaries, IAM wildcards, preview's unknowns."""
import pytest

from ladder.check import stack_of
from policy.rules import UNKNOWN, Resource, Stack, evaluate
from policy.rules.iam import broad_resource, granted_on_everything, SECRET_READS
from policy.rules.network import covers_world
from tests.policy.fixtures import GITHUB, SUB, TAGS, allow, doc, github_role, group, record

import ipaddress


def _messages(records, rule):
    return [v.message for v in evaluate(stack_of(records)) if v.rule == rule]


@pytest.mark.parametrize("ranges, world", [
    (["0.0.0.0/1", "128.0.0.0/1"], True),
    (["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"], True),
    (["::/1", "8000::/1"], True),
    (["0.0.0.0/1", "128.0.0.0/2"], False),
    (["0.0.0.0/1", "8000::/1"], False),
])
def test_unions_of_ranges(ranges, world):
    assert covers_world([ipaddress.ip_network(r) for r in ranges]) is world


def test_a_union_only_counts_on_the_ports_both_halves_open():
    # 8000-8100 from one half, 8069 alone from the other: only 8069 is open to the world.
    messages = _messages([group(("tcp", 8000, 8100, ["0.0.0.0/1"]), ("tcp", 8069, 8069, ["128.0.0.0/1"]))],
                         "no-world-ingress")
    assert len(messages) == 1 and "tcp port 8069 is open" in messages[0]


def test_a_world_range_spanning_443_is_more_than_443():
    messages = _messages([group(("tcp", 440, 450, ["0.0.0.0/0"]))], "no-world-ingress")
    assert [m.split(" is open")[0] for m in messages] == ["tcp ports 440-450"]


def test_every_protocol_from_the_world_is_refused_even_with_ports_zero():
    messages = _messages([group(("-1", 0, 0, ["::/0"]))], "no-world-ingress")
    assert [m.split(" (")[0] for m in messages] == ["every protocol is open to the whole internet"]


def test_world_on_two_protocols_is_reported_for_each():
    messages = _messages([group(("tcp", 22, 22, ["0.0.0.0/0"]), ("udp", 53, 53, ["::/0"]))], "no-world-ingress")
    assert [m.split(" is open")[0] for m in messages] == ["tcp port 22", "udp port 53"]


def test_icmp_from_the_world_is_refused_whatever_its_type_and_code():
    assert [m.split(" (")[0] for m in _messages([group(("icmp", 8, 0, ["0.0.0.0/0"]))], "no-world-ingress")] == [
        "icmp is open to the whole internet"]


def test_tcp_port_zero_is_port_zero_not_every_port():
    messages = _messages([group(("tcp", 0, 0, ["0.0.0.0/0"]))], "no-world-ingress")
    assert [m.split(" is open")[0] for m in messages] == ["tcp port 0"]


def test_udp_443_from_the_world_is_http3_on_the_edge_but_no_other_udp_port_is():
    assert _messages([group(("udp", 443, 443, ["0.0.0.0/0"]))], "no-world-ingress") == []
    assert _messages([group(("udp", 442, 444, ["0.0.0.0/0"]))], "no-world-ingress")
    assert _messages([group(("udp", 80, 80, ["0.0.0.0/0"]))], "no-world-ingress")


def test_separate_ingress_rules_join_the_group_s_union():
    records = [group(("tcp", 8069, 8069, ["0.0.0.0/1"])),
               record("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "other-half", tags=TAGS,
                      securityGroupId="sg-id", ipProtocol="tcp", fromPort=8069.0, toPort=8069.0,
                      cidrIpv4="128.0.0.0/1")]
    messages = _messages(records, "no-world-ingress")
    assert len(messages) == 1 and "8069" in messages[0]


@pytest.mark.parametrize("resource, broad", [
    ("*", True), ("arn:aws:s3:::*", True), ("arn:aws:s3:::*/*", True),
    ("arn:aws:kms:eu-south-1:123456789012:key/*", True),
    ("arn:aws:ssm:eu-south-1:123456789012:parameter/*", True),
    ("arn:aws:ssm:eu-south-1:123456789012:parameter/odoo-ladder/prod/*", False),
    ("arn:aws:s3:::odoo-ladder-prod-backup/odoo/*", False),
])
def test_broad_resources(resource, broad):
    assert broad_resource(resource) is broad


def test_not_action_and_not_resource_count_as_everything():
    assert granted_on_everything({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
                                 SECRET_READS) == SECRET_READS
    assert granted_on_everything({"Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter",
                                                 "NotResource": "arn:aws:ssm:*:*:parameter/other"}]},
                                 SECRET_READS) == ["ssm:GetParameter"]
    assert granted_on_everything({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
                                 SECRET_READS) == []


def test_a_role_s_inline_and_managed_policies_are_read_too():
    role = record("aws:iam/role:Role", "r", tags=TAGS, assumeRolePolicy=doc(),
                  inlinePolicies=[{"name": "x", "policy": doc(allow("s3:Put*", "arn:aws:s3:::*/*"))}],
                  managedPolicyArns=["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"])
    messages = _messages([role], "iam-no-wildcard-secret-kms-s3-write")
    assert any("S3 writes" in m for m in messages) and any("AmazonSSMManagedInstanceCore" in m for m in messages)


@pytest.mark.parametrize("condition, phrase", [
    ({"StringEquals": {f"{GITHUB}:sub": SUB}}, ":aud is missing"),
    ({"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": "repo:example/*"}}, "wildcard"),
])
def test_github_trust_needs_an_exact_audience_and_subject(condition, phrase):
    messages = _messages([github_role(condition)], "iam-github-oidc-pinned")
    assert any(phrase in m for m in messages), messages


def test_unknown_values_at_preview_are_not_violations():
    """The pack sees UNKNOWN where preview cannot know a value yet; it runs again at `up`."""
    resources = [
        Resource("aws:ec2/instance:Instance", "host", {"tags": TAGS, "metadataOptions": {
            "httpTokens": "required", "httpPutResponseHopLimit": UNKNOWN}, "rootBlockDevice": UNKNOWN}),
        Resource("aws:iam/rolePolicy:RolePolicy", "p", {"role": UNKNOWN, "policy": UNKNOWN}),
        Resource("aws:ssm/document:Document", "d", {"tags": TAGS, "content": UNKNOWN}),
        Resource("aws:kms/key:Key", "k", {"tags": UNKNOWN}, protect=True),
    ]
    assert evaluate(Stack(resources)) == []


def test_the_pack_cannot_see_retain_on_delete_so_it_asks_for_protect():
    key = Resource("aws:kms/key:Key", "k", {"tags": TAGS}, protect=False, retain_on_delete=None)
    [violation] = evaluate(Stack([key]))
    assert violation.rule == "data-protected" and "has no protect" in violation.message
    assert "retain_on_delete" not in violation.message


def test_a_disposable_bucket_is_exempt_but_a_backup_bucket_never():
    cache = record("aws:s3/bucket:Bucket", "bundles", tags=TAGS, forceDestroy=True)
    backups = record("aws:s3/bucket:Bucket", "backup-bucket", tags=TAGS, forceDestroy=True)
    assert _messages([cache], "data-protected") == []
    assert _messages([backups], "data-protected")


def test_provider_default_tags_satisfy_the_tag_rule():
    profile = Resource("aws:iam/instanceProfile:InstanceProfile", "p", {"role": "r"},
                       default_tags={"odoo-ladder:stack": "prod"})
    assert evaluate(Stack([profile])) == []


@pytest.mark.parametrize("bad, phrase", [
    (record("aws:kms/alias:Alias", "alias", name="alias/aws/odoo", targetKeyId="k"), "reserved 'alias/aws/'"),
    (record("aws:kms/alias:Alias", "alias", name="alias/odoo ladder", targetKeyId="k"), "does not match"),
    (record("aws:cloudwatch/logGroup:LogGroup", "logs", tags=TAGS, retentionInDays=7.0, name="/odoo ladder/app"),
     "may only hold letters"),
    (record("aws:cloudwatch/logGroup:LogGroup", "logs", tags=TAGS, retentionInDays=7.0, name="/" + "a" * 512),
     "CloudWatch log group name (characters) is 513, over AWS's 512"),
    (record("aws:iam/role:Role", "r", assumeRolePolicy=doc(), tags={**TAGS, "owner": "x" * 257}), "allows 256"),
    (record("aws:iam/role:Role", "r", assumeRolePolicy=doc(), tags={**TAGS, "aws:team": "ops"}), "reserved prefix"),
    (record("aws:iam/role:Role", "r", assumeRolePolicy=doc(), tags={**TAGS, **{f"k{i}": "v" for i in range(50)}}),
     "51 tags"),
])
def test_aliases_log_group_names_and_tags_within_aws_limits(bad, phrase):
    messages = _messages([bad], "aws-limits")
    assert any(phrase in m for m in messages), messages


def test_a_good_alias_and_log_group_pass_the_limits():
    good = [record("aws:kms/alias:Alias", "alias", name="alias/odoo-ladder-prod", targetKeyId="k"),
            record("aws:cloudwatch/logGroup:LogGroup", "logs", tags=TAGS, retentionInDays=7.0,
                   name="/odoo-ladder/prod/odoo")]
    assert _messages(good, "aws-limits") == []
