"""Files beside the compose file that the containers and the secrets writer run: scripts, PostgreSQL's
access rules, and the writer itself. None holds a secret; all are the same at every step."""
from __future__ import annotations

from pathlib import Path

SCRIPTS = Path(__file__).parent / "scripts"
# The one writer of odoo.conf: the host runs it on AWS, a one-shot container locally, the image at Step 7.
WRITER = Path(__file__).resolve().parent.parent.parent / "image" / "odoo_ladder_entrypoint.py"


def runtime_files() -> dict[str, str]:
    """Relative path in the project directory -> content."""
    return {
        "init-db.sh": (SCRIPTS / "init-db.sh").read_text(),
        "odoo-start.sh": (SCRIPTS / "odoo-start.sh").read_text(),
        "postgres/pg_hba.conf": (SCRIPTS / "postgres" / "pg_hba.conf").read_text(),
        "postgres/pg_ident.conf": (SCRIPTS / "postgres" / "pg_ident.conf").read_text(),
        WRITER.name: WRITER.read_text(),
    }
