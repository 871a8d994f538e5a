"""Every rule of the policy pack, written once: the pack (policy/__main__.py) and `ladder check`
(ladder/check.py) both run `RULES` through `evaluate`."""
from __future__ import annotations

from . import buckets, compute, data, encryption, iam, limits, network, services, tags
from .model import UNKNOWN, Resource, Rule, Stack, Violation, known

RULES: list[Rule] = [*network.RULES, *compute.RULES, *encryption.RULES, *buckets.RULES, *iam.RULES,
                     *services.RULES, *data.RULES, *tags.RULES, *limits.RULES]

assert len({r.name for r in RULES}) == len(RULES), "rule names must be unique"


def evaluate(stack: Stack, rules: list[Rule] | None = None) -> list[Violation]:
    return [v for rule in (RULES if rules is None else rules) for v in rule.run(stack)]


__all__ = ["RULES", "UNKNOWN", "Resource", "Rule", "Stack", "Violation", "evaluate", "known"]
