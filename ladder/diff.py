"""`ladder diff A B`: what moving a stack from config A to config B adds, updates, replaces and removes.

Resources are matched by URN, as Pulumi matches them against state. B is planned under A's stack
name (ladder.plan.plan's `as_stack`), and any URN of B still naming another stack is re-homed to
A's, so two files with different stack names compare as one stack moving, not as a rename.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ladder.holds_data import holds_data, what_it_holds
from ladder.replacements import is_component, replacing_keys

GENERATED_PASSWORD = "random:index/randomPassword:RandomPassword"


@dataclass
class Change:
    before: dict
    after: dict
    keys: list[str]            # every input that changes
    replaced_by: list[str]     # the ones that force a replacement (empty: updated in place)

    @property
    def name(self) -> str:
        return self.after["name"]


@dataclass
class PlanDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    replaced: list[Change] = field(default_factory=list)

    @property
    def removed_stateful(self) -> list[dict]:
        """Resources that hold data and go; removing one without a migration loses it."""
        return [r for r in self.removed if holds_data(r)]

    @property
    def rotated(self) -> list[Change]:
        """Generated passwords re-created because their keepers changed (entering or leaving Step 3,
        another store or key): a rotation the same apply carries through (new value stored, database
        role's password set, Odoo restarted), not a loss."""
        return [c for c in self.replaced if c.after["type"] == GENERATED_PASSWORD and c.replaced_by == ["keepers"]]

    @property
    def replaced_stateful(self) -> list[Change]:
        """Resources that hold data and are re-created: the old one, and what it held, is deleted."""
        return [c for c in self.replaced if holds_data(c.before) and c not in self.rotated]

    @property
    def data_at_risk(self) -> list[dict]:
        return self.removed_stateful + [c.before for c in self.replaced_stateful]


def in_stack(urn: str, stack: str) -> str:
    """The same URN as it would read in stack `stack` (`urn:pulumi:<stack>::<project>::...`)."""
    _, rest = urn.split("::", 1)
    return f"urn:pulumi:{stack}::{rest}"


def stack_of(records: list[dict]) -> str | None:
    return records[0]["urn"].split("::", 1)[0].removeprefix("urn:pulumi:") if records else None


def _changed_keys(before: dict, after: dict, ignored: list[str]) -> list[str]:
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return sorted(keys - set(ignored))


def diff_plans(before: list[dict], after: list[dict]) -> PlanDiff:
    stack = stack_of(before) or stack_of(after)
    old = {r["urn"]: r for r in before}
    new = {in_stack(r["urn"], stack): r for r in after}
    result = PlanDiff()
    result.added = [new[urn] for urn in sorted(new.keys() - old.keys())]
    result.removed = [old[urn] for urn in sorted(old.keys() - new.keys())]
    for urn in sorted(old.keys() & new.keys()):
        a, b = old[urn], new[urn]
        if is_component(b["type"]):
            continue
        keys = _changed_keys(a["inputs"], b["inputs"], b.get("ignore_changes", []))
        if not keys:
            continue
        change = Change(a, b, keys, replacing_keys(b["type"], a["inputs"], b["inputs"], keys))
        (result.replaced if change.replaced_by else result.updated).append(change)
    return result


def _data_mark(record: dict, going: str = "") -> str:
    """`!! holds data` on every line whose resource holds data; what happens to it when it goes."""
    if not holds_data(record):
        return ""
    notes = []
    if going and record.get("protect"):
        notes.append("protected: `pulumi up` stops here, half way through the move")
    if going and record.get("retain_on_delete"):
        notes.append("retained: it stays in AWS, no longer managed")
    extra = f" ({'; '.join(notes)})" if notes else ""
    return f"  !! holds data: {what_it_holds(record)}{'; ' + going if going else ''}{extra}"


def render_changes(result: PlanDiff) -> list[str]:
    lines = [f"+ {r['name']} ({r['type']}){_data_mark(r)}" for r in result.added if not is_component(r["type"])]
    lines += [f"~ {c.name} ({c.after['type']}): {', '.join(c.keys)}{_data_mark(c.before)}" for c in result.updated]
    lines += [f"+- replace {c.name} ({c.after['type']}): {', '.join(c.replaced_by)}"
              f"{_data_mark(c.before, 'replacing deletes the old one')}" for c in result.replaced]
    lines += [f"- {r['name']} ({r['type']}){_data_mark(r, 'migrate it first')}"
              for r in result.removed if not is_component(r["type"])]
    return lines


def counts(result: PlanDiff) -> str:
    def custom(records):
        return len([r for r in records if not is_component(r["type"])])
    return (f"{custom(result.added)} to add, {len(result.updated)} to update, {len(result.replaced)} to replace, "
            f"{custom(result.removed)} to remove")


def render_diff(result: PlanDiff) -> str:
    return "\n".join(render_changes(result) + [counts(result)])
