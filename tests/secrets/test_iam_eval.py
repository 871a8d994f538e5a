"""The policy evaluator itself: each IAM rule it claims, on small documents (a broken evaluator would
make tests/test_host_role.py prove nothing)."""
import pytest

from components.secrets.iam_eval import ALLOW, DENY, IMPLICIT_DENY, Request, decide, kms_decision

P = "arn:aws:ssm:eu-south-1:123456789012:parameter"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource, **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_no_statement_is_an_implicit_deny_and_deny_wins():
    request = Request("ssm:GetParameter", f"{P}/a/x")
    assert decide([], request) == IMPLICIT_DENY
    assert decide([doc(allow("ssm:GetParameter", f"{P}/a/*"))], request) == ALLOW
    deny = {"Effect": "Deny", "Action": "ssm:*", "Resource": "*"}
    assert decide([doc(allow("ssm:GetParameter", f"{P}/a/*")), doc(deny)], request) == DENY
    assert decide([doc(deny, allow("*", "*"))], request) == DENY


def test_actions_match_case_insensitively_with_wildcards():
    policy = [doc(allow("SSM:getparam?ter", "*"))]
    assert decide(policy, Request("ssm:GetParameter", "x:y")) == ALLOW
    assert decide(policy, Request("ssm:GetParameters", "x:y")) == IMPLICIT_DENY
    assert decide([doc(allow("ssm:GetParameter*", "*"))], Request("ssm:GetParameterHistory", "x")) == ALLOW
    assert decide([doc({"Effect": "Allow", "NotAction": "ssm:Get*", "Resource": "*"})],
                  Request("ssm:getparameter", "x")) == IMPLICIT_DENY


def test_resources_match_case_sensitively_and_literally_apart_from_star_and_question_mark():
    policy = [doc(allow("ssm:GetParameter", f"{P}/odoo-ladder/a.b/*"))]
    assert decide(policy, Request("ssm:GetParameter", f"{P}/odoo-ladder/a.b/x")) == ALLOW
    assert decide(policy, Request("ssm:GetParameter", f"{P}/odoo-ladder/aXb/x")) == IMPLICIT_DENY  # '.' is literal
    assert decide(policy, Request("ssm:GetParameter", f"{P}/Odoo-ladder/a.b/x")) == IMPLICIT_DENY
    assert decide(policy, Request("ssm:GetParameter", f"{P}/odoo-ladder/a.b/x/y/z")) == ALLOW  # '*' spans '/'
    question = [doc(allow("ssm:GetParameter", f"{P}/odoo-ladder/a?/x"))]
    assert decide(question, Request("ssm:GetParameter", f"{P}/odoo-ladder/ab/x")) == ALLOW
    assert decide(question, Request("ssm:GetParameter", f"{P}/odoo-ladder/abc/x")) == IMPLICIT_DENY
    brackets = [doc(allow("ssm:GetParameter", f"{P}/odoo-ladder/[ab]/x"))]
    assert decide(brackets, Request("ssm:GetParameter", f"{P}/odoo-ladder/a/x")) == IMPLICIT_DENY


def test_a_wildcard_does_not_span_the_arn_segments_before_the_resource():
    policy = [doc(allow("ssm:GetParameter", "arn:aws:ssm:eu-*:123456789012:parameter/x"))]
    assert decide(policy, Request("ssm:GetParameter", "arn:aws:ssm:eu-south-1:123456789012:parameter/x")) == ALLOW
    assert decide(policy, Request("ssm:GetParameter",
                                  "arn:aws:ssm:eu-south-1:999999999999:123456789012:parameter/x")) == IMPLICIT_DENY


def test_not_resource_denies_everything_but_the_listed():
    deny = {"Effect": "Deny", "Action": "ssm:GetParameter", "NotResource": [f"{P}/mine/*"]}
    policy = [doc(allow("ssm:*", "*"), deny)]
    assert decide(policy, Request("ssm:GetParameter", f"{P}/mine/x")) == ALLOW
    assert decide(policy, Request("ssm:GetParameter", f"{P}/other/x")) == DENY
    assert decide(policy, Request("ssm:PutParameter", f"{P}/other/x")) == ALLOW


def test_conditions_and_missing_keys():
    stmt = allow("kms:Decrypt", "*", Condition={"StringEquals": {"kms:ViaService": ["ssm.r.amazonaws.com"]}})
    assert decide([doc(stmt)], Request("kms:Decrypt", "k", context={"kms:viaservice": "ssm.r.amazonaws.com"})) == ALLOW
    assert decide([doc(stmt)], Request("kms:Decrypt", "k", context={"kms:ViaService": "s3.r.amazonaws.com"})) == IMPLICIT_DENY
    assert decide([doc(stmt)], Request("kms:Decrypt", "k")) == IMPLICIT_DENY
    negated = allow("kms:Decrypt", "*", Condition={"StringNotEquals": {"kms:ViaService": "x"}})
    assert decide([doc(negated)], Request("kms:Decrypt", "k")) == ALLOW
    with pytest.raises(ValueError, match="NumericEquals"):
        decide([doc(allow("a:b", "*", Condition={"NumericEquals": {"k": "1"}}))], Request("a:b", "x", context={"k": "1"}))


def test_kms_needs_the_key_policy_directly_or_by_delegation_to_the_account():
    role = "arn:aws:iam::123456789012:role/host"
    other = "arn:aws:iam::123456789012:role/other"
    key = doc({"Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
               "Action": "kms:DescribeKey", "Resource": "*"})
    iam_all = doc(allow("kms:*", "*"))
    assert kms_decision(key, [], Request("kms:Decrypt", "k", role)) == ALLOW
    assert kms_decision(key, [iam_all], Request("kms:Decrypt", "k", other)) == IMPLICIT_DENY
    assert kms_decision(key, [iam_all], Request("kms:DescribeKey", "k", other)) == ALLOW
    assert kms_decision(key, [], Request("kms:DescribeKey", "k", other)) == IMPLICIT_DENY
    assert kms_decision(key, [iam_all], Request("kms:DescribeKey", "k", "arn:aws:iam::999999999999:role/x")) == IMPLICIT_DENY
