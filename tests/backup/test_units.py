"""The rendered systemd units: accepted by systemd-analyze and scheduled at the configured time."""
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from components.backup.units import render_units
from tests.backup.helpers import BACKUP
from tests.tools import require_root, require_tool

HOST_SETTINGS = dict(bucket="acme-odoo-backups", db="odoo", prefix="prod", data_dir="/srv/odoo-data",
                     odoo_version="18.0", region="eu-south-1",
                     pg_dump_cmd="docker compose -p odoo exec -T db pg_dump -U odoo")


def exec_start_argv(service: str) -> list[str]:
    [line] = [l for l in service.splitlines() if l.startswith("ExecStart=")]
    # Our quoting uses only double quotes around spaces plus doubled % and $, which shlex reads the same way.
    return [a.replace("%%", "%").replace("$$", "$") for a in shlex.split(line.removeprefix("ExecStart="))]


def test_units_run_the_backup_with_the_settings_daily():
    units = render_units("03:15", **HOST_SETTINGS)
    assert sorted(units) == ["odoo-backup.service", "odoo-backup.timer"]
    service, timer = units["odoo-backup.service"], units["odoo-backup.timer"]
    assert "Type=oneshot" in service and "Environment=AWS_DEFAULT_REGION=eu-south-1" in service
    argv = exec_start_argv(service)
    assert argv[0] == "/usr/local/bin/odoo-backup"
    assert dict(zip(argv[1::2], argv[2::2])) == {
        "--bucket": "acme-odoo-backups", "--prefix": "prod", "--db": "odoo", "--data-dir": "/srv/odoo-data",
        "--odoo-version": "18.0", "--pg-dump-cmd": "docker compose -p odoo exec -T db pg_dump -U odoo",
        "--status-file": "/var/lib/odoo-backup/last-run.json"}
    assert "OnCalendar=*-*-* 03:15:00 UTC" in timer
    assert "Persistent=true" in timer and "RandomizedDelaySec=5min" in timer
    assert "Unit=odoo-backup.service" in timer and "WantedBy=timers.target" in timer


def test_percent_and_dollar_survive_systemd_quoting():
    argv = exec_start_argv(render_units("01:00", **{**HOST_SETTINGS, "prefix": "a%b$c d"})["odoo-backup.service"])
    assert argv[argv.index("--prefix") + 1] == "a%b$c d"
    with pytest.raises(ValueError, match="quote"):
        render_units("01:00", **{**HOST_SETTINGS, "pg_dump_cmd": 'pg_dump -U "odoo"'})


@pytest.mark.parametrize("bad", ["3:15", "24:00", "03:60", "0315", "03:15:00", ""])
def test_time_must_be_hh_mm(bad):
    with pytest.raises(ValueError, match="HH:MM"):
        render_units(bad, **HOST_SETTINGS)


@pytest.mark.parametrize("time", ["00:00", "03:15", "23:59"])
def test_systemd_reads_the_schedule_as_that_time_every_day(time):
    analyze = require_tool("systemd-analyze")
    timer = render_units(time, **HOST_SETTINGS)["odoo-backup.timer"]
    on_calendar = re.search(r"^OnCalendar=(.*)$", timer, re.M).group(1)
    out = subprocess.run([analyze, "calendar", "--iterations=2", on_calendar], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert f"Normalized form: *-*-* {time}:00 UTC" in out.stdout
    elapses = re.findall(r"(?:Next elapse|Iter\. #2): \w+ (\S+) (\S+) UTC", out.stdout)
    assert [t for _, t in elapses] == [f"{time}:00"] * 2
    assert len({d for d, _ in elapses}) == 2  # two different days


def test_systemd_analyze_verify_accepts_the_units_with_the_real_script(tmp_path):
    """verify also checks that ExecStart's program exists: the shipped script is put at its path in a
    private mount namespace (a tmpfs over /usr/local/bin), so the host is not touched."""
    require_root()
    analyze = require_tool("systemd-analyze")
    require_tool("unshare")
    for name, text in render_units("03:15", **HOST_SETTINGS).items():
        (tmp_path / name).write_text(text)
    script = ('mount -t tmpfs tmpfs /usr/local/bin && install -m 0755 "$1" /usr/local/bin/odoo-backup '
              '&& exec "$2" verify "$3/odoo-backup.service" "$3/odoo-backup.timer"')
    out = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "verify",
                          str(BACKUP), analyze, str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # verify prints unknown keys and bad values as warnings but still exits 0: no output is the pass mark.
    assert out.stderr.strip() == "" and out.stdout.strip() == ""


def test_verify_does_catch_a_broken_unit(tmp_path):
    """The check above can fail: the same verify on a unit with an unknown key complains."""
    analyze = require_tool("systemd-analyze")
    timer = render_units("03:15", **HOST_SETTINGS)["odoo-backup.timer"].replace("Persistent=", "Persistnt=")
    (tmp_path / "odoo-backup.timer").write_text(timer)
    out = subprocess.run([analyze, "verify", str(tmp_path / "odoo-backup.timer")], capture_output=True, text=True)
    assert "Unknown key" in out.stderr


def test_a_failed_run_is_started_again_a_few_times_a_day():
    """Persistent=true starts a missed run at boot, maybe before the database is up: the script waits
    for it, and systemd starts a failed run again (systemd-analyze verify above accepts this)."""
    service = render_units("03:15", **HOST_SETTINGS)["odoo-backup.service"]
    assert "Restart=on-failure" in service and "RestartSec=20min" in service
    assert "StartLimitIntervalSec=1d" in service and "StartLimitBurst=4" in service
