"""What a build context sends, by .dockerignore's rules (moby's patternmatcher): rules in order,
the last that matches a path or one of its parent directories decides, `!` lets a path back in,
`*` and `?` stay within one path segment, `**` spans any number of them."""
from __future__ import annotations

import re
from pathlib import Path


def _regex(pattern: str) -> re.Pattern:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def rules(text: str) -> list[tuple[bool, re.Pattern]]:
    """(excludes, pattern) per line; comments and blank lines dropped."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        found.append((not negated, _regex(line.lstrip("!").strip("/"))))
    return found


def excluded(path: str, parsed: list[tuple[bool, re.Pattern]]) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for excludes, pattern in parsed:
        if any(pattern.fullmatch(c) for c in candidates):
            verdict = excludes
    return verdict


def sent(context: Path) -> set[str]:
    ignore = context / ".dockerignore"
    parsed = rules(ignore.read_text()) if ignore.exists() else []
    files = {p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file()}
    return {f for f in files if not excluded(f, parsed)}
