"""What a rule sees and what it reports, the same for the policy pack and `ladder check`.

A rule never sees Pulumi or the policy SDK: the pack and `ladder check` each turn what they have (the
analyzer's resources; the mocked plan's records) into `Resource`s and a `Stack`, so a rule is written
once and tested with plain dictionaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional


class _Unknown:
    """A value `pulumi preview` cannot know yet (an id, an ARN of a resource still to be created).
    Rules pass over it: the pack runs again at `pulumi up`, when every input is known."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def known(value: Any) -> bool:
    return value is not UNKNOWN


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    inputs: Mapping[str, Any]
    protect: bool = False
    # None: not visible. The analyzer protocol carries `protect` but not `retain_on_delete`, so only
    # `ladder check` (over the mocked plan) knows it.
    retain_on_delete: Optional[bool] = None
    # The identity other resources' links resolve to: the URN in the pack, the logical name in `ladder check`.
    key: str = ""
    # The AWS provider's default_tags, which AWS adds to every taggable resource.
    default_tags: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.inputs.get(name, default)


@dataclass
class Stack:
    """Every resource of a stack, and how one resource's input refers to another (a BucketPolicy's
    `bucket`, a rule's `securityGroupId`): `target(resource, input)` is the key of the resource it
    names, or None when the link cannot be resolved."""
    resources: list[Resource]
    target: Callable[[Resource, str], Optional[str]] = lambda resource, name: None

    def of_types(self, types: Iterable[str]) -> list[Resource]:
        wanted = set(types)
        return [r for r in self.resources if r.type in wanted]

    def attached(self, owner: Resource, types: Iterable[str], via: str) -> list[Resource]:
        """The resources of `types` whose input `via` names `owner` (e.g. the versioning of a bucket)."""
        return [r for r in self.of_types(types) if self.target(r, via) == owner.key]


@dataclass(frozen=True)
class Violation:
    rule: str
    resource: str          # the logical name
    type: str
    message: str           # what is wrong
    what_to_do: str        # the rule's description
    mandatory: bool = True
    key: str = ""          # the resource's key (the pack reports a stack rule's violation on this URN)

    def line(self) -> str:
        level = "MANDATORY" if self.mandatory else "advisory"
        return f"{level} {self.resource} ({self.type}) [{self.rule}]: {self.message}. Do: {self.what_to_do}"


@dataclass(frozen=True)
class Rule:
    """One policy. `check` takes a Resource (when `types` is set, only those types) or, for rules
    that need several resources together (a bucket and its policy, a group and its rules), a Stack;
    it returns what is wrong as (resource, message) pairs, or messages for a resource rule."""
    name: str
    description: str                       # says what to do: the pack prints it with each violation
    check: Callable[..., Any]
    types: frozenset[str] = field(default_factory=frozenset)   # resource rules: the types it applies to
    stack: bool = False                    # True: check(stack) -> [(Resource, message)]
    mandatory: bool = True

    def applies_to(self, resource_type: str) -> bool:
        return not self.stack and resource_type in self.types

    def run(self, stack: Stack) -> list[Violation]:
        if self.stack:
            found = self.check(stack)
        else:
            found = [(r, m) for r in stack.resources if self.applies_to(r.type) for m in self.check(r)]
        return [Violation(self.name, r.name, r.type, m, self.description, self.mandatory, r.key) for r, m in found]
