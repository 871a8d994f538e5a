"""PostgreSQL fails closed: the project's pg_hba.conf on every start, the role's password as a SCRAM
verifier computed by the writer, and no verifier in the server log. Against real PostgreSQL 15.

The cluster starts the way the compose file starts the db service: `-c hba_file=... -c
ident_file=...` naming the rendered files, with the worst logging a server could have
(log_statement = all, failing statements logged).
"""
import re
from pathlib import Path

from components.app.compose import DB_COMMAND
from tests.project_pg import apply_role_sql, cluster, login, role_sql  # noqa: F401 (cluster is a fixture)

PASSWORD = "RoleSecret'With\"Quotes:and\\more"


def test_no_trust_and_no_superuser_over_the_network(cluster):
    rules = cluster.superuser("select type, user_name, auth_method, error from pg_hba_file_rules")
    assert rules.returncode == 0, rules.stderr
    assert "trust" not in rules.stdout and "|" in rules.stdout
    assert all(line.split("|")[3] == "" for line in rules.stdout.splitlines()), rules.stdout
    assert cluster.superuser("show hba_file").stdout.strip() == f"{cluster.dir}/pg_hba.conf"
    assert login(cluster, "postgres", None).returncode != 0
    assert login(cluster, "postgres", "anything").returncode != 0
    # root inside the container reaches the superuser through the socket (backups), nobody else.
    assert cluster.superuser("select current_user", os_user="root").stdout.strip() == "postgres"
    assert cluster.superuser("select 1", os_user="nobody").returncode != 0


def test_an_interrupted_first_init_leaves_no_trust_behind(cluster, tmp_path):
    """The postgres image appends `host all all all trust` to PGDATA's pg_hba.conf during init and
    skips init on the next start: the project's file, named on every start, is what counts."""
    hba = Path(cluster.data) / "pg_hba.conf"
    hba.write_text("host all all all trust\n" + hba.read_text())
    cluster.stop()
    cluster.start()
    assert apply_role_sql(cluster, role_sql(tmp_path, "Odoo-Role-Pass-123")).returncode == 0
    assert login(cluster, "postgres", None).returncode != 0
    assert login(cluster, "odoo", None).returncode != 0
    assert login(cluster, "odoo", "Odoo-Role-Pass-123").stdout.strip() == "odoo"


def test_the_role_is_created_and_logs_in_with_the_password_of_its_verifier(cluster, tmp_path):
    sql = role_sql(tmp_path, PASSWORD)
    result = apply_role_sql(cluster, sql)
    assert result.returncode == 0, result.stderr
    attributes = cluster.superuser("select rolsuper, rolcreatedb, rolcanlogin, rolcreaterole from pg_roles"
                                   " where rolname = 'odoo'").stdout.strip()
    assert attributes == "f|t|t|f"
    # PostgreSQL stores the client's verifier as it came: the format is the server's own.
    stored = cluster.superuser("select rolpassword from pg_authid where rolname = 'odoo'").stdout.strip()
    assert stored == re.search(r"PASSWORD '([^']+)'", sql).group(1)
    assert login(cluster, "odoo", PASSWORD).stdout.strip() == "odoo"
    assert login(cluster, "odoo", "wrong-password-for-odoo").returncode != 0
    # Rotation: a new secret, the writer's SQL again; the old password stops working.
    assert apply_role_sql(cluster, role_sql(tmp_path, "RotatedSecret-4242")).returncode == 0
    assert login(cluster, "odoo", "RotatedSecret-4242").returncode == 0
    assert login(cluster, "odoo", PASSWORD).returncode != 0


def test_neither_verifier_nor_password_reaches_the_server_log(cluster, tmp_path):
    ok = role_sql(tmp_path, "LoggedNever-Pass-1")
    assert apply_role_sql(cluster, ok).returncode == 0
    # A failing ALTER ROLE (here: a read-only session) is logged with its statement by default.
    failing = role_sql(tmp_path, "LoggedNever-Pass-2")
    result = apply_role_sql(cluster, "SET default_transaction_read_only = on;\n" + failing)
    assert result.returncode != 0 and "read-only transaction" in result.stderr
    log = Path(cluster.log).read_text()
    assert "read-only transaction" in log, "the failure itself is logged"
    for sql in (ok, failing):
        verifier = re.search(r"PASSWORD '([^']+)'", sql).group(1)
        assert verifier.split("$")[2] not in log
    assert "LoggedNever" not in log and "SCRAM-SHA-256$" not in log and "PASSWORD '" not in log


def test_the_log_check_can_fail(cluster, tmp_path):
    """Without the session's SETs the same failing statement lands in the log, verifier included."""
    assert apply_role_sql(cluster, role_sql(tmp_path, "LoggedNever-Pass-4")).returncode == 0  # the role exists
    sql = role_sql(tmp_path, "LoggedOnce-Pass-3")
    bare = "SET default_transaction_read_only = on;\n" + "".join(
        line + "\n" for line in sql.splitlines() if not line.startswith("SET "))
    assert apply_role_sql(cluster, bare).returncode != 0
    verifier = re.search(r"PASSWORD '([^']+)'", sql).group(1)
    assert verifier in Path(cluster.log).read_text()


def test_the_db_service_starts_postgres_on_the_project_rules_and_mounts_no_secret():
    from components.app.compose import compose_document
    from components.app.service import odoo_service
    from configs.load import from_mapping
    from tests.stacks import aws, local
    for config in (local(), aws(0), aws(3)):
        db = compose_document(odoo_service(from_mapping("t", config)), config["odoo-ladder:target"],
                              project="odoo-t")["services"]["db"]
        assert db["command"] == list(DB_COMMAND)
        assert not any(key in db.get("environment", {}) for key in ("POSTGRES_HOST_AUTH_METHOD", "POSTGRES_PASSWORD"))
        assert not any("secret" in volume or "/run/" in volume for volume in db["volumes"])
        assert "./postgres/pg_hba.conf:/etc/odoo-ladder/pg_hba.conf:ro" in db["volumes"]
