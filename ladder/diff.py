"""`ladder diff A B`: what moving a stack from config A to config B adds, changes and removes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)

    @property
    def removed_stateful(self) -> list[dict]:
        """Resources that hold data; removing one without a migration loses it."""
        return [r for r in self.removed if r["protect"] or r["retain_on_delete"]]


def _changed_keys(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def diff_plans(before: list[dict], after: list[dict]) -> PlanDiff:
    old = {(r["type"], r["name"]): r for r in before}
    new = {(r["type"], r["name"]): r for r in after}
    result = PlanDiff()
    for key in sorted(new.keys() - old.keys()):
        result.added.append(new[key])
    for key in sorted(old.keys() - new.keys()):
        result.removed.append(old[key])
    for key in sorted(old.keys() & new.keys()):
        keys = _changed_keys(old[key]["inputs"], new[key]["inputs"])
        if keys:
            result.changed.append((old[key], new[key], keys))
    return result


def render_diff(result: PlanDiff) -> str:
    lines = [f"+ {r['name']} ({r['type']})" for r in result.added]
    lines += [f"~ {b['name']} ({b['type']}): {', '.join(keys)}" for b, _, keys in result.changed]
    for r in result.removed:
        warning = "  !! holds data: migrate it first" if r in result.removed_stateful else ""
        lines.append(f"- {r['name']} ({r['type']}){warning}")
    summary = f"{len(result.added)} to add, {len(result.changed)} to change, {len(result.removed)} to remove"
    return "\n".join(lines + [summary])
