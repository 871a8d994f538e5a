"""Below Step 4 (or with backups off) the host stops backing up: a disabled timer, not a failing one.

The bucket stays (backup.retain, configs/moves.py); the host's right to write to it goes, so a
timer left behind would fail every night. The apply script runs this wherever the bundle has no
backup files: it stops and disables the timer and removes what Step 4 installed. Moving back up
installs it all again, pointing at the same bucket.
"""
from __future__ import annotations

from components.backup.host_files import INSTALL_PATHS

TIMER = "/etc/systemd/system/odoo-backup.timer"


def render_retire_host_files() -> str:
    installed = " ".join(sorted(INSTALL_PATHS.values()))
    return (f"if [ -e {TIMER} ]; then\n"
            f"    systemctl disable --now odoo-backup.timer\n"
            f"    rm -f {installed}\n"
            f"    systemctl daemon-reload\n"
            f"fi\n")
