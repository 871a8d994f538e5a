"""Physical names with AWS's limits: load balancers and target groups 32 characters (letters,
digits, hyphens; not starting with `internal-`), ECS cluster and service names 255. A stack name
that does not fit is cut and given a short hash of the whole name (components/cicd/names.py)."""
from __future__ import annotations

from components.cicd.names import _safe

LB_NAME_MAX = 32


def lb_name(stack: str, suffix: str) -> str:
    """ol-<stack>-<suffix>, e.g. ol-prod-web: one per stack and purpose, at most 32 characters."""
    head, tail = "ol-", f"-{suffix}"
    return f"{head}{_safe(stack, r'[^A-Za-z0-9-]', LB_NAME_MAX - len(head) - len(tail))}{tail}"


def ecs_name(stack: str, suffix: str) -> str:
    return f"odoo-ladder-{_safe(stack, r'[^A-Za-z0-9_-]', 200)}-{suffix}"
