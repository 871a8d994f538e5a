"""Physical names with AWS's limits: load balancers and target groups 32 characters (letters,
digits, hyphens; not starting with `internal-`), ECS cluster and service names 255. A stack name
that does not fit is cut and given a short hash of the whole name (components/cicd/names.py)."""
from __future__ import annotations

from components.backup.policy import backup_task_role_name, restore_task_role_name
from components.cicd.names import ClusterNames, _safe

LB_NAME_MAX = 32


def lb_name(stack: str, suffix: str) -> str:
    """ol-<stack>-<suffix>, e.g. ol-prod-web: one per stack and purpose, at most 32 characters."""
    head, tail = "ol-", f"-{suffix}"
    return f"{head}{_safe(stack, r'[^A-Za-z0-9-]', LB_NAME_MAX - len(head) - len(tail))}{tail}"


def ecs_name(stack: str, suffix: str) -> str:
    return f"odoo-ladder-{_safe(stack, r'[^A-Za-z0-9_-]', 200)}-{suffix}"


def deploy_names(stack: str) -> ClusterNames:
    """What the CI deploy role may touch at step 7 (components/cicd/policies.py cluster_deploy_policy):
    the names tasks.py, services.py, backup_task.py and restore_task.py give."""
    return ClusterNames(
        cluster=ecs_name(stack, "cluster"), services=(ecs_name(stack, "web"), ecs_name(stack, "cron")),
        families=tuple(ecs_name(stack, f) for f in ("web", "cron", "upgrade", "backup", "restore")),
        upgrade_family=ecs_name(stack, "upgrade"),
        named_task_roles=(backup_task_role_name(stack), restore_task_role_name(stack)),
        schedule=ecs_name(stack, "backup")[:64])
