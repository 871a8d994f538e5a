"""`ladder check`: the policy pack's rules (policy.rules) over a stack's mocked plan, offline.

The pack sees a resource's inputs and `protect` at `pulumi preview`/`up`; here the mocked plan gives
the same inputs plus `retain_on_delete`, which the analyzer protocol does not carry.
"""
from __future__ import annotations

import json

from ladder.mocked import stack_config
from ladder.plan import plan
from policy.rules import Resource, Stack, Violation, evaluate


def _mock_id(name: str) -> str:
    """The id ladder.mocked's Mocks give every resource: what a `bucket` or `securityGroupId` input holds."""
    return f"{name}-id"


def stack_of(records: list[dict], default_tags: dict | None = None) -> Stack:
    resources = [Resource(type=r["type"], name=r["name"], inputs=r["inputs"], protect=bool(r["protect"]),
                          retain_on_delete=bool(r["retain_on_delete"]), key=r["name"],
                          default_tags=default_tags or {}) for r in records]
    by_id = {_mock_id(r.name): r.name for r in resources}

    def target(resource: Resource, name: str) -> str | None:
        value = resource.get(name)
        return by_id.get(value) if isinstance(value, str) else None
    return Stack(resources, target)


def default_tags(config: dict) -> dict:
    """The AWS provider's default tags from the stack config (`aws:defaultTags: {tags: {...}}`)."""
    value = config.get("aws:defaultTags")
    if isinstance(value, str):  # stack_config hands structured values over as JSON text
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    tags = value.get("tags") if isinstance(value, dict) else None
    return tags if isinstance(tags, dict) else {}


def check_stack(stack: str) -> list[Violation]:
    return evaluate(stack_of(plan(stack), default_tags(stack_config(stack))))


def render(violations: list[Violation]) -> str:
    mandatory = sum(v.mandatory for v in violations)
    lines = [v.line() for v in violations]
    lines.append(f"{len(violations)} violation(s), {mandatory} mandatory" if violations else "no violations")
    return "\n".join(lines)
