"""The names RDS sees: the instance identifier, its final snapshot and its log group.

RDS identifiers are 1-63 letters, digits and hyphens, start with a letter, never end with a hyphen
nor hold two in a row; a Pulumi stack name may hold '.', '_' and up to 100 characters. A name that
had to change gets a short hash of the real one, so two stacks never share an identifier.
"""
from __future__ import annotations

import hashlib
import re

RDS_IDENTIFIER_MAX = 63
PREFIX = "odoo-ladder-"


def instance_identifier(stack: str) -> str:
    if not stack:
        raise ValueError("stack='': a stack name is needed for the RDS identifier")
    safe = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", stack.lower())).strip("-")
    name = PREFIX + safe
    if safe != stack or len(name) > RDS_IDENTIFIER_MAX:
        digest = hashlib.sha256(stack.encode()).hexdigest()[:8]
        name = f"{name[:RDS_IDENTIFIER_MAX - len(digest) - 1].rstrip('-')}-{digest}"
    return name


def final_snapshot_identifier(identifier: str) -> str:
    """Same rules as an instance identifier, up to 255 characters. Fixed, not dated: the instance is
    retained on delete, so Pulumi never deletes it twice; RDS refuses a second snapshot of that name
    rather than overwrite one."""
    return f"{identifier}-final"


def log_group_name(identifier: str) -> str:
    """Where RDS exports the postgresql log; created by us first, so it gets a retention."""
    return f"/aws/rds/instance/{identifier}/postgresql"


def is_valid_identifier(name: str, limit: int = RDS_IDENTIFIER_MAX) -> bool:
    return (len(name) <= limit and re.fullmatch(r"[a-z][a-z0-9-]*", name) is not None
            and "--" not in name and not name.endswith("-"))
