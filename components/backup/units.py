"""systemd units that run odoo-backup once a day: pure rendering, config in, file contents out."""
import re
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                          trim_blocks=True, keep_trailing_newline=True)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Characters systemd would read as part of its own syntax inside a quoted argument; refused rather than escaped.
_UNQUOTABLE = re.compile(r'["\\\n\r\']')


def systemd_quote(arg: str) -> str:
    """One ExecStart argument: `%` and `$` doubled (systemd specifiers and variables), quoted if it has spaces."""
    if _UNQUOTABLE.search(arg):
        raise ValueError(f"argument {arg!r} contains a quote, backslash or newline; not supported in a unit")
    escaped = arg.replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"' if (not escaped or re.search(r"\s|;", escaped)) else escaped


def render_units(
    time: str,
    *,
    bucket: str,
    db: str,
    prefix: str = "odoo",
    data_dir: str = "/var/lib/odoo",
    odoo_version: str = "unknown",
    pg_dump_cmd: str = "pg_dump",
    region: str | None = None,
    script_path: str = "/usr/local/bin/odoo-backup",
    status_file: str = "/var/lib/odoo-backup/last-run.json",
    work_dir: str | None = None,
    unit_name: str = "odoo-backup",
    timezone: str = "UTC",
    randomized_delay: str = "5min",
    timeout: str = "4h",
    after: str = "docker.service",
    restart_delay: str = "20min",
    restart_burst: int = 4,
    metric_namespace: str | None = None,
    metric_stack: str | None = None,
    database_env: str | None = None,
    odoo_conf: str | None = None,
) -> dict[str, str]:
    """Return {"<unit_name>.service": ..., "<unit_name>.timer": ...} for a daily backup at `time` ("HH:MM")."""
    if not _TIME.match(time):
        raise ValueError(f"backup time {time!r} must be HH:MM (00:00 to 23:59)")
    if not re.match(r"^[A-Za-z0-9_.@-]+$", unit_name):
        raise ValueError(f"unit name {unit_name!r} may hold only letters, digits and _ . @ -")
    args = [script_path, "--bucket", bucket, "--prefix", prefix, "--db", db, "--data-dir", data_dir,
            "--odoo-version", odoo_version, "--pg-dump-cmd", pg_dump_cmd, "--status-file", status_file]
    if work_dir:
        args += ["--work-dir", work_dir]
    if database_env:  # read at each run: the database may move to RDS (Step 5) under the timer
        args += ["--database-env", database_env, "--odoo-conf", odoo_conf or ""]
    if metric_namespace:
        args += ["--metric-namespace", metric_namespace, "--metric-stack", metric_stack or db]
    environment = [("AWS_DEFAULT_REGION", region)] if region else []
    service = f"{unit_name}.service"
    return {
        service: _ENV.get_template("odoo-backup.service.j2").render(
            db=db, after=after, environment=environment, timeout=timeout, restart_delay=restart_delay,
            restart_burst=restart_burst,
            exec_start=" ".join(systemd_quote(a) for a in args)),
        f"{unit_name}.timer": _ENV.get_template("odoo-backup.timer.j2").render(
            db=db, time=time, timezone=timezone, randomized_delay=randomized_delay, service=service),
    }
