"""A small, pure evaluator of IAM policy documents: Allow, explicit Deny or implicit deny.

Why: moto does not scope IAM to SSM ARNs, and mocks accept any policy, so the only offline proof
that the host role cannot read another stack's parameters is to evaluate the documents the way IAM
does. It covers what this project's documents use, and refuses (raises) anything else rather than
guessing:
- an explicit Deny in any document wins over every Allow; no matching Allow is an implicit deny;
- Action/NotAction match case-insensitively, with `*` and `?` wildcards;
- Resource/NotResource match case-sensitively, segment by segment of the ARN (a wildcard never
  spans the colons of the first five segments; in the resource segment it spans `/` and `:`);
- Principal/NotPrincipal (resource policies such as a KMS key policy);
- Condition operators String(Not)Equals, String(Not)Like, Arn(Not)Equals, Arn(Not)Like, Bool,
  with ...IfExists, every key AND-ed and the values of one key OR-ed, as IAM does.

`kms_decision` adds KMS's rule: the key policy must allow the caller, either directly or by naming
the caller's account root, which delegates the decision to the caller's IAM policies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

ALLOW = "Allow"
DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    principal: str = ""  # the caller's ARN (resource policies only)
    context: dict = field(default_factory=dict)  # condition keys, e.g. {"kms:ViaService": "ssm..."}


def decide(documents: list[dict], request: Request) -> str:
    """ALLOW, DENY or IMPLICIT_DENY for the request under every document taken together."""
    verdict = IMPLICIT_DENY
    for document in documents:
        for statement in _statements(document):
            if not _applies(statement, request):
                continue
            if statement["Effect"] == "Deny":
                return DENY
            verdict = ALLOW
    return verdict


def kms_decision(key_policy: dict, identity_policies: list[dict], request: Request) -> str:
    """KMS: an explicit Deny anywhere wins; otherwise the key policy must allow the caller itself, or
    allow the caller's account root (delegation), in which case the caller's IAM policies decide."""
    combined = decide([key_policy, *identity_policies], request)
    if combined == DENY:
        return DENY
    if decide([key_policy], request) == ALLOW:
        return ALLOW
    account = _account_of(request.principal)
    root = f"arn:{_partition_of(request.principal)}:iam::{account}:root"
    if account and decide([key_policy], Request(request.action, request.resource, root, request.context)) == ALLOW:
        return ALLOW if decide(identity_policies, request) == ALLOW else IMPLICIT_DENY
    return IMPLICIT_DENY


def _statements(document: dict) -> list[dict]:
    if document.get("Version") != "2012-10-17":
        raise ValueError("policy Version must be 2012-10-17 (the older one has no policy variables)")
    statements = document["Statement"]
    return [statements] if isinstance(statements, dict) else statements


def _listed(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _applies(statement: dict, request: Request) -> bool:
    if statement["Effect"] not in ("Allow", "Deny"):
        raise ValueError(f"Effect {statement['Effect']!r}")
    if "Action" in statement:
        action_ok = any(_action_matches(p, request.action) for p in _listed(statement["Action"]))
    else:
        action_ok = not any(_action_matches(p, request.action) for p in _listed(statement["NotAction"]))
    if "Resource" in statement:
        resource_ok = any(_resource_matches(p, request.resource) for p in _listed(statement["Resource"]))
    else:
        resource_ok = not any(_resource_matches(p, request.resource) for p in _listed(statement["NotResource"]))
    return (action_ok and resource_ok and _principal_ok(statement, request.principal)
            and _conditions_hold(statement.get("Condition", {}), request.context))


def _principal_ok(statement: dict, principal: str) -> bool:
    if "Principal" in statement:
        return _principal_in(statement["Principal"], principal)
    if "NotPrincipal" in statement:
        return not _principal_in(statement["NotPrincipal"], principal)
    return True  # an identity policy: it applies to whoever it is attached to


def _principal_in(element, principal: str) -> bool:
    if element == "*":
        return True
    if set(element) - {"AWS"}:
        raise ValueError(f"principal kinds {sorted(element)}: only AWS principals are evaluated")
    # Exact ARNs (an account root names only the root here; kms_decision models the delegation).
    return any(p == "*" or p == principal for p in _listed(element["AWS"]))


@lru_cache(maxsize=None)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern:
    if "${" in pattern:
        raise ValueError(f"{pattern!r}: policy variables are not evaluated")
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE)


def _action_matches(pattern: str, action: str) -> bool:
    return bool(_glob(pattern, False).fullmatch(action))


def _resource_matches(pattern: str, resource: str) -> bool:
    if pattern == "*":
        return True
    wanted, actual = pattern.split(":", 5), resource.split(":", 5)
    if len(wanted) != 6 or len(actual) != 6:
        return False
    return all(_glob(w, True).fullmatch(a) for w, a in zip(wanted, actual))


def _conditions_hold(conditions: dict, context: dict) -> bool:
    for operator, tests in conditions.items():
        if_exists = operator.endswith("IfExists")
        base = operator[: -len("IfExists")] if if_exists else operator
        if base.startswith(("ForAnyValue:", "ForAllValues:")):
            raise ValueError(f"condition operator {operator}: set operators are not evaluated")
        for key, values in tests.items():
            actual = _context_value(context, key)
            if actual is None:
                if if_exists or base.endswith("NotEquals") or base.endswith("NotLike"):
                    continue  # IAM: a missing key satisfies ...IfExists and the negated operators
                return False
            if not _operator_holds(base, actual, _listed(values)):
                return False
    return True


def _context_value(context: dict, key: str):
    for name, value in context.items():
        if name.lower() == key.lower():  # condition key names are case-insensitive
            return value
    return None


def _operator_holds(operator: str, actual: str, values: list) -> bool:
    if operator == "StringEquals":
        return actual in values
    if operator == "StringNotEquals":
        return actual not in values
    if operator in ("StringLike", "ArnLike", "ArnEquals"):
        match = _resource_matches if operator.startswith("Arn") else (
            lambda pattern, value: bool(_glob(pattern, True).fullmatch(value)))
        return any(match(v, actual) for v in values)
    if operator in ("StringNotLike", "ArnNotLike", "ArnNotEquals"):
        return not _operator_holds(operator.replace("Not", ""), actual, values)
    if operator == "Bool":
        return str(actual).lower() in [str(v).lower() for v in values]
    raise ValueError(f"condition operator {operator} is not evaluated")


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def _partition_of(arn: str) -> str:
    return arn.split(":")[1] if arn.startswith("arn:") else "aws"
