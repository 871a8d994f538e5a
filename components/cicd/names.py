"""Physical names the CI policies must know in advance: the CI roles, the image repository, the
stack's state objects. Fixed names (not Pulumi's random suffixes) so a policy can name them."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

PROJECT = "odoo-ladder"
STACK_TAG = "odoo-ladder:stack"


def _safe(stack: str, allowed: str, room: int, lower: bool = False) -> str:
    """The stack name in the characters a name allows; altered or cut names get a short hash of the
    real name, so two stacks never share one."""
    safe = re.sub(allowed, "-", stack.lower() if lower else stack)
    if safe != stack or len(safe) > room:
        digest = hashlib.sha256(stack.encode()).hexdigest()[:8]
        safe = f"{safe[: room - 9].rstrip('-')}-{digest}"
    return safe


def ci_role_name(stack: str, purpose: str) -> str:
    """odoo-ladder-ci-<stack>-<purpose>, at most 64 characters (IAM's limit)."""
    head, tail = "odoo-ladder-ci-", f"-{purpose}"
    return f"{head}{_safe(stack, r'[^A-Za-z0-9+=,.@_-]', 64 - len(head) - len(tail))}{tail}"


def ci_role_pattern() -> str:
    """Every stack's CI roles: the deploy role may change none of them (not even its own)."""
    return "odoo-ladder-ci-*"


def repository_name(stack: str) -> str:
    """ECR: lower case, digits, '.', '_', '-' and '/'; 256 at most."""
    return f"{PROJECT}/{_safe(stack, r'[^a-z0-9._-]', 200, lower=True)}"


def foreign_image_problem(image: str, stack: str, region: str, who: str) -> str | None:
    """The host's and the tasks' pull rights name this stack's repository only (registry-host-pull,
    the task execution role): an image elsewhere would fail at the pull, after the rollout began.
    Returns the refusal naming odoo-ladder:registry.image, or None for an image of this repository."""
    repository = image.split("@", 1)[0]
    expected = f".dkr.ecr.{region}.amazonaws.com/{repository_name(stack)}"
    if re.fullmatch(r"[0-9]{12}" + re.escape(expected), repository):
        return None
    return (f"odoo-ladder:registry.image: {who} may pull only this stack's repository, <account>{expected} "
            f"(stack output registry_url); {repository} is another one: name the digest deploy.yml pushed there")


def state_prefixes(stack: str) -> list[str]:
    """The objects the DIY backend (S3) writes for one stack of this project (pulumi/pkg/backend/diy):
    the checkpoint (+ .bak/.gz), its history, backups and the update lock."""
    return [f".pulumi/stacks/{PROJECT}/{stack}.json*", f".pulumi/history/{PROJECT}/{stack}/*",
            f".pulumi/backups/{PROJECT}/{stack}/*", f".pulumi/locks/{PROJECT}/{stack}/*"]


@dataclass(frozen=True)
class ClusterNames:
    """Step 7's physical names the CI deploy role is scoped to, given by components/cluster/names.py
    (cicd may not import cluster: cluster imports cicd)."""
    cluster: str
    services: tuple[str, ...]  # web, cron
    families: tuple[str, ...]  # every task definition family of the stack
    upgrade_family: str
    named_task_roles: tuple[str, ...]  # the fixed-name one-off task roles (backup, restore)
    schedule: str  # the backup schedule, in the default group
