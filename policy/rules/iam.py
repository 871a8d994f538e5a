"""IAM: what a leaked credential of the host (or of CI) could reach.

Identity policies are read from every place pulumi-aws takes one (RolePolicy, Policy, UserPolicy,
GroupPolicy, a Role's inline_policies) and AWS-managed policies from every attachment. Key policies
are left out on purpose: their Resource is always "*", meaning "this key".
"""
from __future__ import annotations

import re
from fnmatch import fnmatchcase

from .model import Resource, Rule, known
from .values import as_list, document, statements

ROLE = "aws:iam/role:Role"
DOCUMENT_INPUTS = {"aws:iam/rolePolicy:RolePolicy": "policy", "aws:iam/policy:Policy": "policy",
                   "aws:iam/userPolicy:UserPolicy": "policy", "aws:iam/groupPolicy:GroupPolicy": "policy"}
ATTACHMENTS = {"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
               "aws:iam/userPolicyAttachment:UserPolicyAttachment",
               "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"}
ACCESS_KEY = "aws:iam/accessKey:AccessKey"

SECRET_READS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
                "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"]
KMS_DECRYPT = ["kms:Decrypt"]
S3_WRITES = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
             "s3:PutObjectRetention", "s3:BypassGovernanceRetention", "s3:PutBucketPolicy",
             "s3:PutLifecycleConfiguration", "s3:DeleteBucket"]
SENSITIVE = {"secret reads": SECRET_READS, "kms:Decrypt": KMS_DECRYPT, "S3 writes": S3_WRITES}
PASS_ROLE = ["iam:PassRole"]

# AWS-managed policies that grant one of the above on "*" (their documents, as AWS publishes them).
BROAD_MANAGED = {
    "AmazonSSMManagedInstanceCore": "ssm:GetParameter(s) on *: every parameter of the account",
    "AmazonEC2RoleforSSM": "ssm:GetParameter(s) and s3:PutObject on *",
    "AmazonSSMReadOnlyAccess": "ssm:Get* on *",
    "AmazonSSMFullAccess": "ssm:* on *",
    "AmazonS3FullAccess": "s3:* on *",
    "SecretsManagerReadWrite": "secretsmanager:* on *",
    "PowerUserAccess": "almost every action on *",
    "AdministratorAccess": "every action on *",
}

GITHUB = "token.actions.githubusercontent.com"


def _matches(patterns, actions: list[str]) -> list[str]:
    """The actions an Action list grants, with IAM's wildcards (* and ?), case-insensitive."""
    patterns = [p.lower() for p in as_list(patterns) if isinstance(p, str)]
    return [a for a in actions if any(fnmatchcase(a.lower(), p) for p in patterns)]


def broad_resource(resource) -> bool:
    """"*", or an ARN whose resource part is a bare wildcard: every parameter, key, secret or bucket."""
    if not isinstance(resource, str) or not known(resource):
        return False
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and bool(re.fullmatch(r"\*|\*/\*|[A-Za-z-]+[/:]\*", parts[5]))


def granted_on_everything(doc: dict | None, actions: list[str]) -> list[str]:
    """Which of `actions` an Allow statement grants on every resource."""
    found = []
    for statement in statements(doc):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            excluded = set(_matches(statement["NotAction"], actions))
            granted = [a for a in actions if a not in excluded]
        else:
            granted = _matches(statement.get("Action"), actions)
        everywhere = "NotResource" in statement or any(broad_resource(r) for r in as_list(statement.get("Resource")))
        if granted and everywhere:
            found += [a for a in granted if a not in found]
    return found


def _documents(resource: Resource) -> list:
    if resource.type in DOCUMENT_INPUTS:
        return [resource.get(DOCUMENT_INPUTS[resource.type])]
    if resource.type == ROLE:
        return [p.get("policy") for p in as_list(resource.get("inlinePolicies")) if isinstance(p, dict)]
    return []


def _managed_arns(resource: Resource) -> list[str]:
    if resource.type in ATTACHMENTS:
        return [resource.get("policyArn")]
    if resource.type == ROLE:
        return as_list(resource.get("managedPolicyArns"))
    return []


def wildcard_problems(resource: Resource) -> list[str]:
    problems = []
    for doc in _documents(resource):
        for what, actions in SENSITIVE.items():
            granted = granted_on_everything(document(doc), actions)
            if granted:
                problems.append(f"grants {what} ({', '.join(granted)}) on every resource")
    for arn in _managed_arns(resource):
        if isinstance(arn, str) and arn.startswith("arn:aws:iam::aws:policy/"):
            name = arn.rsplit("/", 1)[-1]
            if name in BROAD_MANAGED:
                problems.append(f"attaches the AWS-managed {name}, which grants {BROAD_MANAGED[name]}")
    return problems


def pass_role_problems(resource: Resource) -> list[str]:
    return [f"grants iam:PassRole on every role" for doc in _documents(resource)
            if granted_on_everything(document(doc), PASS_ROLE)]


def access_key_problems(resource: Resource) -> list[str]:
    return ["a long-lived access key: it works from anywhere until someone deletes it"]


def github_trust_problems(resource: Resource) -> list[str]:
    """A role GitHub Actions assumes must name the audience and one exact subject: a `sub` pattern
    (StringLike, or a * in it) lets any branch, fork PR or other repository take the role."""
    trust = resource.get("assumeRolePolicy")
    problems = []
    for statement in statements(document(trust)):
        federated = as_list((statement.get("Principal") or {}).get("Federated")) if isinstance(
            statement.get("Principal"), dict) else []
        if statement.get("Effect") != "Allow" or not any(isinstance(f, str) and GITHUB in f for f in federated):
            continue
        conditions = statement.get("Condition") or {}
        equals = conditions.get("StringEquals") or {}
        aud, sub = as_list(equals.get(f"{GITHUB}:aud")), as_list(equals.get(f"{GITHUB}:sub"))
        if aud != ["sts.amazonaws.com"]:
            problems.append(f"StringEquals {GITHUB}:aud is {aud or 'missing'}, not 'sts.amazonaws.com'")
        if not sub:
            problems.append(f"no StringEquals on {GITHUB}:sub: any repository's workflow could assume it")
        elif any(not isinstance(s, str) or "*" in s or "?" in s for s in sub):
            problems.append(f"{GITHUB}:sub {sub} has a wildcard")
        for operator, keys in conditions.items():
            if operator != "StringEquals" and isinstance(keys, dict) and f"{GITHUB}:sub" in keys:
                problems.append(f"{GITHUB}:sub is also matched with {operator}, which widens it")
    return problems


RULES = [
    Rule(name="iam-no-wildcard-secret-kms-s3-write",
         description="scope secret reads (ssm:GetParameter*, secretsmanager:GetSecretValue), kms:Decrypt and S3 "
                     "writes to the stack's own ARNs (parameter/odoo-ladder/<stack>/*, the stack key, the bucket's "
                     "prefix); write a minimal policy instead of attaching a broad AWS-managed one",
         types=frozenset({*DOCUMENT_INPUTS, *ATTACHMENTS, ROLE}), check=wildcard_problems),
    Rule(name="iam-no-passrole-wildcard",
         description="grant iam:PassRole only on the ARNs of the roles that must be passed "
                     "(with an iam:PassedToService condition)",
         types=frozenset({*DOCUMENT_INPUTS, ROLE}), check=pass_role_problems),
    Rule(name="iam-no-access-keys",
         description="do not create IAM access keys: use roles (the instance role; GitHub OIDC for CI)",
         types=frozenset({ACCESS_KEY}), check=access_key_problems),
    Rule(name="iam-github-oidc-pinned",
         description="in a GitHub OIDC trust policy use StringEquals with token.actions.githubusercontent.com:aud = "
                     "'sts.amazonaws.com' and an exact :sub (repo:ORG/REPO:ref:refs/heads/main or :environment:NAME)",
         types=frozenset({ROLE}), check=github_trust_problems),
]
