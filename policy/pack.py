"""The rules of policy.rules as CrossGuard policies: each rule becomes a ResourceValidationPolicy (one
resource at a time) or a StackValidationPolicy (a bucket with its policy, a group with its rules).

The analyzer hands a policy the resource's inputs behind a proxy that raises on values preview cannot
know; the rules instead see those values as UNKNOWN and pass over them (the pack runs again at
`pulumi up`, with every value known). Links between resources (a BucketPolicy's `bucket`) come from
the engine's property dependencies, which are known at preview too.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Optional

from pulumi_policy import (EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy,
                           StackValidationArgs, StackValidationPolicy)
from pulumi_policy import proxy as sdk_proxy

from policy.rules import RULES, UNKNOWN, Resource, Rule, Stack

NAME = "odoo-ladder"
UNKNOWN_SENTINELS = frozenset({sdk_proxy.UNKNOWN_BOOLEAN_VALUE, sdk_proxy.UNKNOWN_NUMBER_VALUE,
                               sdk_proxy.UNKNOWN_STRING_VALUE, sdk_proxy.UNKNOWN_ARRAY_VALUE,
                               sdk_proxy.UNKNOWN_ASSET_VALUE, sdk_proxy.UNKNOWN_ARCHIVE_VALUE,
                               sdk_proxy.UNKNOWN_OBJECT_VALUE})


def plain(value: Any) -> Any:
    """The analyzer's proxied props as plain dicts and lists, with UNKNOWN for what preview cannot know."""
    if isinstance(value, (sdk_proxy._DictProxy, sdk_proxy._ListProxy)):
        value = value["__target"]   # the SDK's own way to the raw value (deserialize.py does the same)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN
    return value


def _default_tags(provider) -> dict:
    """The AWS provider's default_tags; provider inputs may come JSON-encoded, as the engine stores them."""
    props = plain(getattr(provider, "props", None) or {})
    value = props.get("defaultTags") if isinstance(props, dict) else None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    tags = value.get("tags") if isinstance(value, dict) else None
    return tags if isinstance(tags, dict) else {}


def resource_of(resource_type: str, name: str, props, protect: bool, urn: str, provider=None) -> Resource:
    inputs = plain(props)
    return Resource(type=resource_type, name=name, inputs=inputs if isinstance(inputs, dict) else {},
                    protect=bool(protect), retain_on_delete=None, key=urn, default_tags=_default_tags(provider))


def _validate_resource(rule: Rule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        resource = resource_of(args.resource_type, args.name, args.props, args.opts.protect, args.urn, args.provider)
        for violation in rule.run(Stack([resource])):
            report_violation(violation.message, None)  # the SDK prefixes the description (what to do)
    return validate


def _linker(resources):
    """target(resource, input): the URN the input refers to, from the property dependencies; else the
    resource whose id, name or ARN equals the input's value (an existing resource's link at `up`)."""
    by_urn = {r.urn: r for r in resources}
    by_value: dict[str, str] = {}
    for r in resources:
        props = plain(r.props)
        for key in ("id", "bucket", "arn"):
            if isinstance(props.get(key), str):
                by_value.setdefault(props[key], r.urn)

    def target(resource: Resource, name: str) -> Optional[str]:
        source = by_urn.get(resource.key)
        depends = (source.property_dependencies or {}).get(name) if source is not None else None
        if depends:
            return depends[0].urn
        value = resource.get(name)
        return by_value.get(value) if isinstance(value, str) else None
    return target


def _validate_stack(rule: Rule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [resource_of(r.resource_type, r.name, r.props, r.opts.protect, r.urn, r.provider)
                     for r in args.resources]
        for violation in rule.run(Stack(resources, _linker(args.resources))):
            report_violation(violation.message, violation.key or None)
    return validate


def _level(rule: Rule) -> EnforcementLevel:
    return EnforcementLevel.MANDATORY if rule.mandatory else EnforcementLevel.ADVISORY


def policies(rules: list[Rule] = RULES) -> list:
    made = []
    for rule in rules:
        if rule.stack:
            made.append(StackValidationPolicy(name=rule.name, description=rule.description,
                                              validate=_validate_stack(rule), enforcement_level=_level(rule)))
        else:
            made.append(ResourceValidationPolicy(name=rule.name, description=rule.description,
                                                 validate=_validate_resource(rule), enforcement_level=_level(rule)))
    return made
