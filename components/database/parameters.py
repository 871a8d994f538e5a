"""The parameter group: TLS forced, slow statements logged, idle transactions ended.

max_connections is left to RDS's class formula (components/database/connections.py), so a larger
class gets more connections without touching the group.
"""
from __future__ import annotations

from components.app.service import POSTGRES_MAJOR
from configs.models import DatabaseSettings

FAMILY = f"postgres{POSTGRES_MAJOR}"


def parameters(db: DatabaseSettings) -> dict[str, str]:
    return {
        # The default from 15 on; set anyway, so a changed default can never open plain connections.
        "rds.force_ssl": "1",
        "log_min_duration_statement": str(db.log_min_duration_ms),
        # A transaction left open holds locks and blocks vacuum; Odoo's own never idle this long.
        "idle_in_transaction_session_timeout": str(db.idle_in_transaction_timeout_ms),
    }
