"""`ladder plan`: the resources a stack would register, from a mocked run of the real program."""
from __future__ import annotations

import json

from components.cicd.names import repository_name
from configs.load import stack_file
from ladder.holds_data import holds_data
from ladder.mocked import Registered, StackRun, run_stack, stack_config

MASK = "[secret]"


def _masked(value, path: str, secret_paths: set[str]):
    if path in secret_paths:
        return MASK
    if isinstance(value, dict):
        return {k: _masked(v, f"{path}.{k}" if path else k, secret_paths) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, f"{path}[{i}]", secret_paths) for i, v in enumerate(value)]
    return value


def _parent_name(resource: Registered) -> str | None:
    """URNs end in `type::name`; the stack itself is no parent worth naming."""
    if not resource.parent or resource.parent.split("::")[-2].endswith("pulumi:pulumi:Stack"):
        return None
    return resource.parent.split("::")[-1]


def plan_records(run: StackRun) -> list[dict]:
    return [{
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "parent": _parent_name(r),
        "inputs": _masked(r.inputs, "", r.secret_paths),
        "protect": r.protect,
        "retain_on_delete": r.retain_on_delete,
        # `pulumi up` keeps the old value of these inputs, so a change to them is no change at all.
        "ignore_changes": sorted(r.ignore_changes),
        # How a replacement runs: which inputs force one, and whether the old one goes first.
        "replace_on_changes": sorted(r.replace_on_changes),
        "delete_before_replace": r.delete_before_replace,
    } for r in run.resources]


def plan_config(config: dict, stack: str) -> list[dict]:
    """The records of a flat config map (`odoo-ladder:step` -> value) run as stack `stack`."""
    records = plan_records(run_stack(config, stack=stack))
    return sorted(records, key=lambda r: (r["parent"] or "", r["type"], r["name"]))


def plan(stack: str, as_stack: str | None = None) -> list[dict]:
    """`as_stack` runs the file under another stack's name: names, tags and parameter paths derive
    from the stack name, so `ladder diff A B` plans B as stack A to compare like with like."""
    config = stack_config(stack)
    if as_stack:
        config = in_own_repository(config, stack_name(stack), as_stack)
    return plan_config(config, as_stack or stack_name(stack))


def in_own_repository(config: dict, from_stack: str, to_stack: str) -> dict:
    """registry.image in `from_stack`'s own ECR repository, moved to `to_stack`'s like the other names
    that derive from the stack (the host and the tasks pull from their own repository only). Any
    other image is left as it is, to be refused or run as written."""
    value = config.get("odoo-ladder:registry") or {}
    registry = dict(json.loads(value) if isinstance(value, str) else value)  # Pulumi's text, or a stack file's map
    image = registry.get("image") or ""
    own = f"/{repository_name(from_stack)}@"
    if ".dkr.ecr." not in image or own not in image:
        return config
    registry["image"] = image.replace(own, f"/{repository_name(to_stack)}@")
    return {**config, "odoo-ladder:registry": json.dumps(registry) if isinstance(value, str) else registry}


def stack_name(stack_or_path: str) -> str:
    return stack_file(stack_or_path).stem.removeprefix("Pulumi.")


def render_tree(records: list[dict]) -> str:
    children: dict[str | None, list[dict]] = {}
    for record in records:
        children.setdefault(record["parent"], []).append(record)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for record in children.get(parent, []):
            marks = [m for m, on in (("protect", record["protect"]), ("retain", record["retain_on_delete"]),
                                     ("holds data", holds_data(record))) if on]
            suffix = f"  [{', '.join(marks)}]" if marks else ""
            lines.append(f"{'  ' * depth}{record['name']}  ({record['type']}){suffix}")
            walk(record["name"], depth + 1)
    walk(None, 0)
    return "\n".join(lines)


def render_json(records: list[dict]) -> str:
    return json.dumps(records, indent=2, sort_keys=True)
