"""Which stacks a pull request should preview, as `stacks=<JSON list>` for $GITHUB_OUTPUT.

A change to a stack file previews that stack; a change to anything else the program is made of
(code, image, requirements, policy pack) previews every stack, since any of them may change.
Documentation and tests alone preview nothing.

    python3 tools/changed_stacks.py <base-sha>      (run in a checkout with the base commit fetched)
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

STACK_FILE = re.compile(r"^Pulumi\.([A-Za-z0-9._-]+)\.yaml$")
IGNORED = re.compile(r"^(docs/|tests/|bench/|README\.md$|\.github/|[^/]+\.md$)")


def stacks_to_preview(changed: list[str], all_stacks: list[str]) -> list[str]:
    picked: set[str] = set()
    for path in changed:
        match = STACK_FILE.match(path)
        if match:
            if match.group(1) in all_stacks:  # a deleted stack file has nothing left to preview
                picked.add(match.group(1))
        elif not IGNORED.match(path):
            return sorted(all_stacks)
    return sorted(picked)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not re.fullmatch(r"[0-9a-f]{40}", argv[0]):
        print("usage: changed_stacks.py <base commit sha>", file=sys.stderr)
        return 2
    changed = subprocess.run(["git", "diff", "--name-only", f"{argv[0]}...HEAD"], check=True,
                             capture_output=True, text=True).stdout.split()
    # The dev stack runs on the local Docker engine: nothing for CI to preview in AWS.
    stacks = [m.group(1) for p in sorted(Path(".").glob("Pulumi.*.yaml"))
              if (m := STACK_FILE.match(p.name)) and m.group(1) != "dev"]
    print(f"stacks={json.dumps(stacks_to_preview(changed, stacks))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
