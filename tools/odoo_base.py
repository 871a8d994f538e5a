"""The Odoo base image a stack's own image is built on: the pin of its odoo.version.

    python tools/odoo_base.py <stack or Pulumi.<stack>.yaml>   -> odoo:18.0-20260908@sha256:...

deploy.yml passes it as the build argument ODOO_BASE, so the image it pushes is always the
stack's Odoo version (the host refuses to roll out another, components/delivery/image_steps.py).
The stack file is read and checked by the program's own loader; a version with no pin in
components/images.py ODOO_BUILDS stops the deploy here, before anything is built or pushed.
Exit 0 and the image on stdout, or 2 and the reason on stderr.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.images import ODOO_BUILDS  # noqa: E402
from configs.errors import ConfigError  # noqa: E402
from configs.load import from_stack_file  # noqa: E402


def base_for(version: str) -> str:
    if version not in ODOO_BUILDS:
        raise ConfigError([f"odoo-ladder:odoo.version: no base image is pinned for Odoo {version} (only "
                           f"{', '.join(sorted(ODOO_BUILDS))}); add its index digest to components/images.py "
                           "ODOO_BUILDS (tools/image_digests.py --tag odoo=<tag> prints it), or deploy on a "
                           "pinned version"])
    return ODOO_BUILDS[version]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(base_for(from_stack_file(argv[0]).settings.odoo.version))
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
