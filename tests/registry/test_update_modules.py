"""odoo.update_modules: `odoo -u` once per image, in a one-shot container, before Odoo restarts on it.

The config is checked (module names or "all", refused otherwise naming the key). The rollout runs
for real: the delivered apply script with bash, a stand-in `docker` that plays `compose run ... odoo`
by running the shipped odoo-start.sh, and a stand-in `odoo` (NOT Odoo) that records its arguments
and writes to the session's PostgreSQL as the upgrade would, or fails when told to.
"""
import json
import os
import sys
from pathlib import Path

import pytest

from components.app.compose import START_SCRIPT
from components.app.service import odoo_service
from components.delivery.apply_script import render_apply_script
from components.delivery.bundle import render_bundle
from components.delivery.image_steps import UPGRADED, upgrade_modules
from configs.errors import ConfigError
from configs.load import from_mapping
from ladder.mocked import run_stack
from tests.peers import PG_BIN
from tests.stacks import aws, delivered_apply_script, local
from tests.test_apply_script import SECRETS, STAND_IN_DOCKER, calls, run_delivered, stand_in

START = Path(__file__).resolve().parents[2] / "components" / "app" / "scripts" / "odoo-start.sh"
UPGRADE_CALL = "compose -p odoo-test run --rm --no-deps -T odoo odoo -u"


@pytest.mark.parametrize("value, kept", [("all", ("all",)), (["sale", "stock"], ("sale", "stock")),
                                         (["sale", "sale", "l10n_it"], ("sale", "l10n_it"))])
def test_module_names_or_all_are_accepted(value, kept):
    assert from_mapping("t", aws(odoo={"update_modules": value})).settings.odoo.update_modules == kept


@pytest.mark.parametrize("value, says", [
    ("sale,stock", 'must be "all" or a list'), ([], 'must be "all" or a list'), (["Sale"], "'Sale': not a module name"),
    (["sale;reboot"], "not a module name"), (["-u"], "not a module name"), (["all", "sale"], "not in a list")])
def test_anything_else_is_refused_naming_the_key(value, says):
    with pytest.raises(ConfigError) as refused:
        from_mapping("t", aws(odoo={"update_modules": value}))
    assert "odoo-ladder:odoo.update_modules:" in str(refused.value) and says in str(refused.value)


def test_the_step_runs_after_the_role_password_and_before_odoo_restarts():
    script = delivered_apply_script(run_stack(aws(4, odoo={"update_modules": ["sale", "stock"]}), stack="prod"))
    upgrade = script.index("run --rm --no-deps -T odoo odoo -u sale,stock --stop-after-init --no-http")
    assert script.index("-U postgres -d postgres") < upgrade < script.index("compose up -d --remove-orphans")
    assert "upgrade" not in delivered_apply_script(run_stack(aws(4), stack="prod")).split("compose up -d --wait db")[1]


# Plays `compose run ... odoo <args>` as Docker would run the odoo service: its entrypoint, the shipped
# odoo-start.sh, with ODOO_RC; the odoo it starts is the stand-in below. Anything else: the usual stand-in.
UPGRADE_DOCKER = f"""#!/bin/bash
if [[ " $* " == *" run --rm --no-deps -T odoo odoo "* ]]; then
    printf 'ARGV: %s\\n' "$*" >> "$DOCKER_LOG"
    shift 8  # compose -p <project> run --rm --no-deps -T odoo
    exec env ODOO_RC="$TEST_ODOO_RC" ODOO_LADDER_EXEC="$STANDIN_ODOO" PATH="$PATH" /bin/sh "$START_SH" "$@"
fi
exec "$(dirname "$0")/docker-base" "$@"
"""
# Stand-in for Odoo (NOT Odoo): records argv; connects to the database its config names, creates it
# if missing (as Odoo does for -d), and records the upgrade there; fails first when $ODOO_FAILS is set.
STAND_IN_ODOO = f"""#!/bin/bash
set -eu
printf 'ODOO: %s\\n' "$*" >> "$ODOO_LOG"
if [ -n "${{ODOO_FAILS:-}}" ]; then echo "stand-in odoo: upgrade of $2 failed" >&2; exit 1; fi
setting() {{ sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$ODOO_RC" | head -n 1; }}
export PGHOST=$(setting db_host) PGPORT=$(setting db_port) PGUSER=$(setting db_user)
db=$(setting db_name)
{PG_BIN}/psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \\
    || {PG_BIN}/createdb "$db"
{PG_BIN}/psql -X -q -v ON_ERROR_STOP=1 -d "$db" \\
    -c "CREATE TABLE IF NOT EXISTS upgrades (modules text, image text)" \\
    -c "INSERT INTO upgrades VALUES ('$2', '$ODOO_IMAGE_UNDER_TEST')"
"""


@pytest.fixture
def rollout(pg, tmp_path):
    db = f"upgrade_{tmp_path.name[-8:].lower()}".replace("-", "_")
    conf = tmp_path / "odoo.conf"  # what the writer leaves, pointing at the session's PostgreSQL
    conf.write_text(f"[options]\ndb_host = 127.0.0.1\ndb_port = {pg.port}\ndb_user = odoo\ndb_name = {db}\n")
    bin_dir = stand_in(tmp_path, "docker-base", STAND_IN_DOCKER)
    stand_in(tmp_path, "docker", UPGRADE_DOCKER)
    odoo = stand_in(tmp_path, "odoo-standin", STAND_IN_ODOO) / "odoo-standin"
    log, odoo_log, project = tmp_path / "docker.log", tmp_path / "odoo.log", tmp_path / "project"

    def apply(image: str = "odoo:18.0", modules=("sale", "stock"), **env):
        cfg = from_mapping("test", local(odoo={"image": image, "update_modules": list(modules)}))
        files = render_bundle(cfg)
        script = render_apply_script("test", files, odoo_service(cfg), str(project), on_host=False)
        environment = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log), "ODOO_LOG": str(odoo_log),
                       "VOLUME": str(tmp_path / "volume"), "WRITER_PYTHON": sys.executable, "TEST_ODOO_RC": str(conf),
                       "STANDIN_ODOO": str(odoo), "START_SH": str(START), "ODOO_IMAGE_UNDER_TEST": image,
                       **SECRETS, **env}
        return run_delivered(script, files, environment)

    def upgrades() -> list[tuple[str, str]]:
        if db not in pg.databases():
            return []
        rows = pg.psql("SELECT modules, image FROM upgrades", db=db)
        return [tuple(row.split("|")) for row in rows.splitlines()]
    yield apply, upgrades, log, odoo_log, project
    pg.psql_super(f"DROP DATABASE IF EXISTS {db}")


def test_the_upgrade_runs_once_per_image_through_the_odoo_entrypoint(rollout):
    apply, upgrades, log, odoo_log, project = rollout
    result = apply()
    assert result.returncode == 0, result.stderr
    assert odoo_log.read_text().splitlines() == ["ODOO: -u sale,stock --stop-after-init --no-http"]
    assert upgrades() == [("sale,stock", "odoo:18.0")]
    made = calls(log)
    upgrade = next(i for i, c in enumerate(made) if UPGRADE_CALL in c)
    assert made[upgrade + 1:] == ["ARGV: compose -p odoo-test up -d --remove-orphans"], "Odoo restarts after it"
    assert apply().returncode == 0
    assert len(upgrades()) == 1, "the same image and modules are not upgraded twice"
    assert apply(image="odoo:18.0-20260101").returncode == 0
    assert upgrades()[-1] == ("sale,stock", "odoo:18.0-20260101")
    assert apply(image="odoo:18.0-20260101", modules=("sale", "stock", "mrp")).returncode == 0
    assert [u[0] for u in upgrades()] == ["sale,stock", "sale,stock", "sale,stock,mrp"]
    assert (project / UPGRADED).read_text() == "odoo:18.0-20260101 sale,stock,mrp"


def test_a_failed_upgrade_stops_the_rollout_and_odoo_keeps_the_old_image(rollout):
    apply, upgrades, log, odoo_log, project = rollout
    assert apply().returncode == 0
    before = len(calls(log))
    result = apply(image="odoo:18.0-20260101", ODOO_FAILS="1")
    assert result.returncode == 1
    assert "odoo -u sale,stock failed; Odoo was not restarted and keeps serving the previous image" in result.stderr
    assert "stand-in odoo: upgrade of sale,stock failed" in result.stderr
    new = calls(log)[before:]
    assert any(UPGRADE_CALL in c for c in new)
    assert not any(" up -d --remove-orphans" in c or " restart " in c for c in new), "nothing restarted"
    assert (project / UPGRADED).read_text() == "odoo:18.0 sale,stock", "the next rollout tries again"
    assert upgrades() == [("sale,stock", "odoo:18.0")]
    assert apply(image="odoo:18.0-20260101").returncode == 0
    assert upgrades()[-1] == ("sale,stock", "odoo:18.0-20260101")


def test_no_step_without_the_setting():
    service = odoo_service(from_mapping("t", local()))
    assert service.update_modules == () and upgrade_modules(service) == ""


def test_the_delivered_start_script_is_the_one_the_compose_file_mounts():
    assert START.name == Path(START_SCRIPT).name


def test_the_apply_script_with_both_image_steps_passes_shellcheck(tmp_path):
    import subprocess

    from tests.registry.test_host_pull import step6
    from tests.tools import require_tool
    tool = require_tool("shellcheck")
    config = {**step6(), "odoo-ladder:odoo": json.dumps({"version": "18.0", "update_modules": ["sale"]})}
    script = delivered_apply_script(run_stack(config, stack="prod"))
    assert "docker login" in script and "odoo -u sale" in script
    (tmp_path / "apply.sh").write_text(script)
    result = subprocess.run([tool, str(tmp_path / "apply.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
