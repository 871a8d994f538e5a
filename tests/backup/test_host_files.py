"""What Step 4 installs on the host: every compose command works from any directory, and a restore
runs the set's SQL as Odoo's role, never as the superuser."""
import shlex

from components.backup.host_files import INSTALL_PATHS, PROJECT_DIR, render_host_files
from components.delivery.ssm import HOST_PROJECT_DIR
from configs.load import from_mapping
from tests.stacks import aws


def host_env(files):
    lines = [line for line in files["host/backup.env"].splitlines() if line and not line.startswith("#")]
    return {key: shlex.split(value)[0] for key, value in (line.split("=", 1) for line in lines)}


def test_compose_commands_name_the_project_directory():
    """`sudo -i` starts in /root, where no compose file is: -p alone makes `compose run` fail."""
    assert PROJECT_DIR == HOST_PROJECT_DIR
    files = render_host_files(from_mapping("prod", aws(4)), "prod-backups")
    env = host_env(files)
    commands = [v for k, v in env.items() if k.endswith("_CMD")] + [files["host/systemd/odoo-backup.service"]]
    assert len(commands) == 7
    for command in commands:
        assert "docker compose -p odoo-prod --project-directory /srv/odoo-ladder " in command
    assert "--project-directory /srv/odoo-ladder run --rm --no-deps odoo odoo neutralize" in env["RESTORE_NEUTRALIZE_CMD"]


def test_the_restore_runs_the_dump_as_odoo_and_the_superuser_only_administers():
    env = host_env(render_host_files(from_mapping("prod", aws(4)), "prod-backups"))
    assert env["RESTORE_DB_OWNER"] == "odoo"
    assert env["RESTORE_PSQL_CMD"].endswith("exec -T db psql -U postgres")
    # pg_restore only converts: no -U, no -d (odoo-restore adds -f -).
    assert env["RESTORE_PG_RESTORE_CMD"].endswith("exec -T db pg_restore")
    owner = shlex.split(env["RESTORE_OWNER_PSQL_CMD"])
    assert "postgres" not in " ".join(owner)
    assert "/run/odoo-ladder/odoo-prod/odoo.conf:/run/odoo-ladder-restore/odoo.conf:ro" in owner
    assert owner[-3:] == ["odoo", "/usr/local/bin/psql-as-owner", "/run/odoo-ladder-restore/odoo.conf"]


def test_every_host_file_has_an_install_path():
    files = render_host_files(from_mapping("prod", aws(4)), "prod-backups")
    assert set(files) == set(INSTALL_PATHS)
