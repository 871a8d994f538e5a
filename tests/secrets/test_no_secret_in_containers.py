"""The compose project at every step: the official /entrypoint.sh is bypassed, no password reaches an
argv or an environment, the db gets no secret, and the host's unit is one systemd accepts."""
import subprocess
from pathlib import Path

import pytest
import yaml

from components.delivery.bundle import render_bundle
from components.app.compose import project_name
from components.app.service import odoo_service
from components.delivery.secrets_steps import render_secrets_unit
from configs.load import from_mapping
from ladder.plan import in_own_repository
from tests.secrets.conftest import (ADMIN_PASSWD, ADMIN_PASSWORD, DB_PASSWORD, EXEC_PROBE, REPO, probe_report,
                                    run_entrypoint)
from tests.stacks import EXAMPLES, aws, local
from tests.tools import require_tool

START = REPO / "components/app/scripts/odoo-start.sh"
STACKS = {"local-0": local(0), "local-1": local(1), "local-2": local(2, domain="erp.example.org", acme_email="ops@example.org"),
          # Step 7 renders no compose project: Odoo runs on ECS (tests/cluster checks its task definitions).
          **{path.stem: in_own_repository(yaml.safe_load(path.read_text())["config"], path.stem, "t") for path in EXAMPLES
             if path.stem != "step7"}}
ENV_VALUES = {"ODOO_LADDER_DB_PASSWORD": DB_PASSWORD, "ODOO_LADDER_ADMIN_PASSWD": ADMIN_PASSWD,
              "ODOO_LADDER_ADMIN_PASSWORD": ADMIN_PASSWORD}


def compose(config: dict) -> dict:
    return yaml.safe_load(render_bundle(from_mapping("t", config))["docker-compose.yml"])


@pytest.mark.parametrize("name", list(STACKS))
def test_no_odoo_service_uses_the_images_entrypoint_and_none_holds_a_password(name):
    services = compose(STACKS[name])["services"]
    # The official image, or at step 6 the stack's own build (registry.image): the odoo service's image.
    odoo_services = [key for key, service in services.items() if service["image"] == services["odoo"]["image"]]
    assert {"odoo", "odoo-init"} <= set(odoo_services)
    for key in odoo_services:
        entrypoint = services[key].get("entrypoint")
        assert entrypoint and entrypoint[0] in ("/bin/sh", "/usr/bin/python3"), f"{key} uses /entrypoint.sh"
    for key, service in services.items():
        environment = service.get("environment", {})
        assert not any("PASSWORD" in variable and not variable.endswith("_FILE") for variable in environment), key
    if "db" not in services:  # RDS (step 5 on): the initialiser reaches it out of the internal network
        assert from_mapping("t", STACKS[name]).components.database == "rds"
        assert services["odoo-init"]["networks"] == ["edge"]
        assert services["odoo-init"]["environment"]["PGSSLMODE"] == "verify-full"
        return
    db = services["db"]
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == "/proc/sys/kernel/random/uuid"
    assert "POSTGRES_HOST_AUTH_METHOD" not in db["environment"]
    assert not any("secret" in v or v.startswith("/run") for v in db["volumes"])
    assert services["odoo-init"]["networks"] == ["internal"], "odoo-init reaches nothing but the database"


@pytest.mark.parametrize("name", ["local-0", "step0", "step3", "step5", "step6"])
def test_the_rendered_project_passes_docker_compose_config(name, tmp_path):
    tool = require_tool("docker-compose")
    for path, content in render_bundle(from_mapping("t", STACKS[name])).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(content)
    result = subprocess.run([tool, "config", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def written_config(tmp_path: Path) -> Path:
    """odoo.conf as the writer leaves it (store env, as locally)."""
    base = tmp_path / "base.conf"
    base.write_text("[options]\ndb_host = db\ndb_user = odoo\n")
    env = {"PATH": "/usr/bin:/bin", "ODOO_LADDER_SECRET_STORE": "env", "ODOO_LADDER_BASE_CONFIG": str(base),
           **ENV_VALUES}
    result = run_entrypoint(["--write-config", str(tmp_path / "volume"), "--owner", "0:0", "--allow-disk"], env)
    assert result.returncode == 0, result.stderr
    return tmp_path / "volume" / "odoo.conf"


@pytest.mark.parametrize("args, tail", [(["odoo"], []), (["odoo", "shell", "-d", "odoo"], ["shell", "-d", "odoo"]),
                                        (["--dev=all"], ["--dev=all"]), ([], [])])
def test_odoo_starts_with_no_secret_in_its_argv_or_environment(tmp_path, args, tail):
    """odoo-start.sh, as the container runs it, with a stand-in for Odoo (exec_probe.py)."""
    conf = written_config(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "ODOO_RC": str(conf), "ODOO_LADDER_EXEC": str(EXEC_PROBE)}
    result = subprocess.run(["/bin/sh", str(START), *args], env=env, capture_output=True, text=True)
    report = probe_report(result)
    assert report["argv"] == [str(EXEC_PROBE), *tail]
    assert report["options"]["db_password"] == DB_PASSWORD
    for secret in (DB_PASSWORD, ADMIN_PASSWD, ADMIN_PASSWORD):
        assert not any(secret in arg for arg in report["argv"])
        assert not any(secret in value for value in report["env"].values())


def test_odoo_refuses_to_start_on_its_defaults_without_the_written_config(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "ODOO_RC": str(tmp_path / "absent.conf"), "ODOO_LADDER_EXEC": str(EXEC_PROBE)}
    result = subprocess.run(["/bin/sh", str(START), "odoo"], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert "the host's secrets writer has not run" in result.stderr


@pytest.mark.parametrize("config", [aws(0), aws(3, secrets={"store": "secretsmanager"})], ids=["ssm", "secretsmanager"])
def test_the_host_unit_is_accepted_by_systemd_and_runs_before_docker(config, tmp_path):
    analyze = require_tool("systemd-analyze")
    cfg = from_mapping("prod", config)
    service = odoo_service(cfg)
    text = render_secrets_unit(service, project_name("prod"), "/srv/odoo-ladder")
    unit = tmp_path / "odoo-ladder-secrets-odoo-prod.service"
    unit.write_text(text)
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    problems = [line for line in result.stderr.splitlines() if "odoo-ladder-secrets" in line]
    assert problems == [], result.stderr
    for line in ("Before=docker.service", "After=network-online.target", "Type=oneshot", "UMask=0077",
                 f"Environment=ODOO_LADDER_SECRET_STORE={service.secret_store}",
                 "Environment=ODOO_LADDER_SECRET_PATH=/odoo-ladder/prod", "WantedBy=multi-user.target"):
        assert line in text.splitlines()
    assert "--write-config /run/odoo-ladder/odoo-prod --owner 100:101" in text
