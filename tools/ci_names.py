"""Names the workflows derive from a stack name, from the same code that names the resources.

    python3 tools/ci_names.py role <stack> preview|deploy   -> odoo-ladder-ci-<stack>-preview
    python3 tools/ci_names.py repository <stack>            -> odoo-ladder/<stack>

Stdlib only (plus the project's own modules), so a workflow runs it before installing anything.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.cicd.names import ci_role_name, repository_name  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "role" and argv[2] in ("preview", "deploy"):
        print(ci_role_name(argv[1], argv[2]))
    elif len(argv) == 2 and argv[0] == "repository":
        print(repository_name(argv[1]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
