"""AWS's quotas and API shapes (ladder/limits.py, the one implementation) as rules of the pack.

ladder.limits measures what mocks let through and AWS refuses (a 64 KB SSM document, 16 KB of
user-data, policy sizes, name lengths and character sets, botocore's model of the API call). Here
it runs per resource; a value not known yet (preview) is measured at `pulumi up`.
"""
from __future__ import annotations

from typing import Any

from ladder import limits

from .model import Resource, Rule, Stack, known
from .tags import TAGGABLE


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return not known(value)


def _record(resource: Resource) -> dict:
    return {"type": resource.type, "name": resource.name, "inputs": dict(resource.inputs)}


def _messages(report: limits.Report) -> list[str]:
    return ([f"{m.what} is {m.size:,}, over AWS's {m.limit:,}" for m in report.measures if not m.ok]
            + [p.message for p in report.problems])


def resource_limit_problems(resource: Resource) -> list[str]:
    if _contains_unknown(dict(resource.inputs)):
        return []
    return _messages(limits.check_record(_record(resource)))


def inline_policy_problems(stack: Stack) -> list[tuple[Resource, str]]:
    """A role's inline policies share one 10,240-character quota; each over-quota role is reported
    on its first policy."""
    policies = [r for r in stack.of_types([limits.INLINE_POLICY]) if not _contains_unknown(dict(r.inputs))]
    by_role: dict[Any, list[Resource]] = {}
    for policy in policies:
        by_role.setdefault(policy.get("role"), []).append(policy)
    found = []
    for group in by_role.values():
        report = limits.check_inline_policies([_record(r) for r in group])
        found += [(group[0], message) for message in _messages(report)]
    return found


RULES = [
    Rule(name="aws-limits",
         description="keep the input inside AWS's quota or the API's shape (see docs/policy.md's table: SSM document "
                     "64 KB, user-data 16 KB, IAM policy sizes, name lengths and characters, tags); move content "
                     "out (the delivery bundle in S3) rather than raising a number",
         # the types measured by ladder.limits, and every taggable one (tag quotas)
         types=frozenset(limits.CHECKS) | TAGGABLE, check=resource_limit_problems),
    Rule(name="aws-limits-inline-policies",
         description="keep a role's inline policies under 10,240 characters together: merge statements, "
                     "or use a managed policy",
         stack=True, check=inline_policy_problems),
]
