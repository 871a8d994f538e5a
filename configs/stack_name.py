"""The stack name, checked once: it is spelt into AWS names and into the local compose project.

Compose project names, KMS aliases and SSM paths take a narrower alphabet than Pulumi's stack
names. Rewriting characters (`a.b` -> `a-b`) makes two stacks share one compose project and its
volumes, so names that would need rewriting are refused instead.
"""
from __future__ import annotations

import re
from typing import Optional

STACK_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$")


def stack_name_problem(stack: str) -> Optional[str]:
    if STACK_NAME.match(stack):
        return None
    suggestion = re.sub(r"[^a-z0-9_-]+", "-", stack.lower()).strip("-_")[:40] or "dev"
    return (f"stack name {stack!r}: use lower-case letters, digits, - and _ only (at most 40, starting and ending "
            f"with a letter or digit), because it becomes part of AWS names and of the compose project; "
            f"e.g. `pulumi stack rename {suggestion}`")
