"""The step-5 apply script run for real: the container's database moves to an RDS-like cluster.

What runs as delivered: the rendered apply script (bash), the shipped writer (its systemd unit
played by a stand-in systemctl) against SSM in moto, odoo-rds-pgpass against Secrets Manager in
moto, odoo-move-db, the maintenance script and psql to the target over verified TLS. Stood in:
the Docker CLI. Its `compose exec -T -u postgres db ...` runs the command as the postgres user
against the source cluster (the container's database), the way the real exec reaches the db
container's socket; the db container's data folder is the source cluster's data directory.
Only where things live on a real host changes (/srv/odoo-data, /etc, /run, the PostgreSQL 16 bin).
"""
import dataclasses
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from components.app import compose
from components.app.service import odoo_service
from components.database.host_files import CA_FILE, RdsEndpoint
from components.delivery import secrets_steps
from components.delivery.apply_script import render_apply_script
from components.delivery.bundle import render_bundle
from configs.load import from_mapping
from tests.database.move_run import ODOO_PASSWORD
from tests.database.odoo_data import create_odoo_database
from tests.database.rds_like import MASTER, MASTER_PASSWORD
from tests.peers import PG_BIN, PgCluster, require_postgres
from tests.secrets.conftest import SecretStore, aws_env, boto_client, distro_python
from tests.stacks import aws
from tests.test_apply_script import STAND_IN_SYSTEMCTL, run_delivered, stand_in
from tests.tools import require_root, require_tool

PROJECT = "odoo-prod"
# The Docker CLI: records every call; `exec ... db CMD` runs CMD as postgres against the source cluster
# (paths of the db container mapped onto it); the maintenance container is a marker file.
STAND_IN_DOCKER = r"""#!/bin/bash
case "$*" in info|"compose version") exit 0 ;; esac
printf 'ARGV: %s\n' "$*" >> "$DOCKER_LOG"
args=" $* "
if [[ "$args" == *" exec -T "* ]]; then
    user=root; [[ "$args" == *" -u postgres db "* ]] && user=postgres
    while [ "$1" != db ]; do shift; done; shift
    mapped=()
    for arg in "$@"; do
        arg=${arg//\/var\/run\/postgresql/$SOURCE_SOCKET}
        mapped+=("${arg//\/var\/lib\/postgresql\/data/$SOURCE_DATA}")
    done
    exec runuser -u "$user" -- env PATH="$PG_BIN:/usr/bin:/bin" PGHOST="$SOURCE_SOCKET" PGPORT="$SOURCE_PORT" "${mapped[@]}"
fi
case "$1" in
    run) for arg in "$@"; do [[ "$arg" == *-maintenance ]] && touch "$STATE/$arg"; done; exit 0 ;;
    rm) rm -f "$STATE/${*: -1}"; exit 0 ;;
    inspect)
        if [ "$2" = -f ]; then echo healthy; exit 0; fi
        [ -e "$STATE/$2" ]; exit ;;
esac
if [[ "$args" == *" ps -q odoo "* ]]; then echo odoo-container-id; fi
exit 0
"""


@pytest.fixture(scope="module")
def source():
    require_root()
    require_postgres()
    require_tool("openssl")
    cluster = PgCluster()
    try:
        create_odoo_database(cluster, "odoo", 4)
        yield cluster
    finally:
        cluster.destroy()


@dataclasses.dataclass
class Host:
    tmp: Path
    run_dir: Path
    env: dict
    store: SecretStore
    files: dict
    script: str
    data: Path
    etc: Path
    log: Path
    render: object

    def apply(self) -> subprocess.CompletedProcess:
        return run_delivered(self.script, self.files, self.env)

    def calls(self) -> list[str]:
        return [line[6:] for line in self.log.read_text().splitlines() if line.startswith("ARGV: ")]


@pytest.fixture
def host(source, target, moto_endpoint, tmp_path, monkeypatch):
    python = distro_python()
    run_dir = Path("/dev/shm") / f"odoo-ladder-move-{tmp_path.name}"
    data, etc, units, state = tmp_path / "srv-data", tmp_path / "etc", tmp_path / "units", tmp_path / "state"
    for folder in (data, etc, units, state):
        folder.mkdir()
    # The db container's data folder on the data volume is the source's data directory.
    (data / "db-data").symlink_to(source.data)
    store = SecretStore("ssm", moto_endpoint, f"/odoo-ladder/prod-{tmp_path.name[-8:]}")
    for key, value in (("db_password", ODOO_PASSWORD + "-stored"), ("admin_passwd", "masterSecret3333dddd"),
                       ("admin_password", "adminSecret2222cccc")):
        store.put(key, value)
    secret_arn = boto_client("secretsmanager", moto_endpoint).create_secret(
        Name=f"rds!db-{tmp_path.name[-8:]}", SecretString=json.dumps({"username": MASTER,
                                                                      "password": MASTER_PASSWORD}))["ARN"]
    monkeypatch.setattr(compose, "HOST_SECRETS_ROOT", str(run_dir))
    monkeypatch.setattr(secrets_steps, "SYSTEMD_DIR", str(units))
    endpoint = RdsEndpoint("localhost", target.port, secret_arn, "eu-south-1", "odoo", 12)

    def render(step: int, **database) -> tuple[dict, str]:
        cfg = from_mapping("prod", aws(step, domain="erp.example.org", acme_email="ops@example.org",
                                       backup={"enabled": False}, database=database))
        service = dataclasses.replace(odoo_service(cfg), secret_path=store.path)
        files = render_bundle(cfg, database=endpoint)
        files[CA_FILE] = Path(target.ca).read_text()  # the test CA plays Amazon's bundle
        script = render_apply_script("prod", files, service, str(tmp_path / "project"), on_host=True)
        for real, here in (("/run/odoo-ladder-admin", f"{run_dir}-admin"), ("/srv/odoo-data", str(data)),
                           ("/etc/", f"{etc}/"), ("/usr/local/", f"{tmp_path}/usr-local/"),
                           ("/usr/lib/postgresql/16/bin", PG_BIN)):
            script = script.replace(real, here)
        # The postgres image's entrypoint gives its data folder back to postgres when the container
        # starts; no container starts here, so the folder (the source's live data directory) keeps its owner.
        script = script.replace(f"install -d -m 0700 -o root -g root {data}/db-data\n", "")
        return files, script
    files, script = render(5)
    bin_dir = stand_in(tmp_path, "docker", STAND_IN_DOCKER)
    stand_in(tmp_path, "systemctl", STAND_IN_SYSTEMCTL)
    stand_in(tmp_path, "mountpoint", "#!/bin/sh\nexit 0\n")
    log = tmp_path / "docker.log"
    env = {**aws_env(moto_endpoint), "PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log),
           "UNIT_DIR": str(units), "STATE": str(state), "PG_BIN": PG_BIN, "SOURCE_SOCKET": source.dir,
           "SOURCE_DATA": source.data, "SOURCE_PORT": str(source.port)}
    assert python == secrets_steps.HOST_PYTHON
    try:
        yield Host(tmp_path, run_dir, env, store, files, script, data, etc, log, render)
    finally:
        subprocess.run(["rm", "-rf", str(run_dir), f"{run_dir}-admin"], check=False)


def counts(cluster) -> str:
    return cluster.psql_super("SELECT count(*) FROM ir_attachment UNION ALL SELECT count(*) FROM res_partner "
                              "UNION ALL SELECT count(*) FROM mail_message", db="odoo")


def odoo_login(target, tmp_path, password) -> subprocess.CompletedProcess:
    passfile = tmp_path / "odoo.pgpass"
    passfile.write_text(f"*:*:*:odoo:{password}\n")
    passfile.chmod(0o600)
    return subprocess.run([f"{PG_BIN}/psql", "-X", "-At", "-d", target.conninfo(user="odoo", passfile=str(passfile))
                           + " dbname=odoo", "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"],
                          capture_output=True, text=True)


def test_the_first_rollout_moves_the_data_and_switches_the_project_to_rds(host, source, target):
    result = host.apply()
    assert result.returncode == 0, result.stderr
    assert counts(target) == counts(source)
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    assert json.loads((host.data / "database-move" / "moved.json").read_text())["moved"] is True

    project = host.tmp / "project"
    assert (project / "docker-compose.yml").read_text() == host.files["docker-compose.yml"]
    assert "db_host = localhost" in (project / "odoo.conf.base").read_text()
    conf = (host.run_dir / PROJECT / "odoo.conf").read_text()
    assert f"db_host = localhost\ndb_port = {target.port}\ndb_sslmode = verify-full" in conf
    env = (host.etc / "odoo-ladder" / PROJECT / "database.env").read_text()
    assert env.startswith("DB_KIND=rds\nPGHOST=localhost\n")
    ca = host.etc / "odoo-ladder" / PROJECT / "rds-ca.pem"
    assert stat.S_IMODE(ca.stat().st_mode) == 0o644 and ca.read_text() == Path(target.ca).read_text()
    # Odoo's role logs in to RDS with the store's password, over TLS verified against the bundle.
    login = odoo_login(target, host.tmp, ODOO_PASSWORD + "-stored")
    assert login.returncode == 0 and login.stdout.strip() == "t", login.stderr
    assert not Path(f"{host.run_dir}-admin/{PROJECT}").exists(), "the master's passfile outlived the rollout"
    assert MASTER_PASSWORD not in host.log.read_text() and MASTER_PASSWORD not in result.stderr

    calls = host.calls()
    stop = calls.index(f"compose -p {PROJECT} stop odoo")
    maintenance = next(i for i, c in enumerate(calls) if c.startswith("run -d --rm --name odoo-prod-maintenance"))
    final_up = len(calls) - 1 - calls[::-1].index(f"compose -p {PROJECT} up -d --remove-orphans")
    removed = len(calls) - 1 - calls[::-1].index("rm -f odoo-prod-maintenance")
    assert stop < maintenance < final_up < removed, "the maintenance page left before Odoo was up on RDS"
    assert f"compose -p {PROJECT} start odoo" not in calls, "Odoo started again on the container's database"
    assert "--network odoo-prod_edge --network-alias odoo" in calls[maintenance]

    # The next rollout finds the move recorded: no stop, no move, the role's password set again on RDS.
    host.log.unlink()
    again = host.apply()
    assert again.returncode == 0, again.stderr
    assert not any("stop odoo" in c or " exec " in c for c in host.calls())
    # Step 3's rotation on RDS: a new password in the store reaches the role before Odoo restarts.
    host.store.put("db_password", "rotated-On-Rds-7777")
    host.log.unlink()
    rotated = host.apply()
    assert rotated.returncode == 0, rotated.stderr
    assert odoo_login(target, host.tmp, "rotated-On-Rds-7777").returncode == 0
    assert odoo_login(target, host.tmp, ODOO_PASSWORD + "-stored").returncode != 0
    assert host.calls()[-1] == f"compose -p {PROJECT} restart odoo"


def test_a_refused_move_leaves_the_project_on_the_container(host, source, target):
    target.psql_super("CREATE DATABASE odoo;")  # someone else's database where ours should go
    result = host.apply()
    assert result.returncode != 0
    assert "was not created by odoo-move-db; nothing was changed" in result.stderr
    project = host.tmp / "project"
    assert (project / "docker-compose.yml").read_text() == host.files["database/container/docker-compose.yml"]
    assert "db_host = db" in (host.run_dir / PROJECT / "odoo.conf").read_text()
    assert (host.etc / "odoo-ladder" / PROJECT / "database.env").read_text() == "DB_KIND=container\n"
    assert not (host.data / "database-move" / "moved.json").exists()
    assert not any("stop odoo" in c for c in host.calls()), "Odoo was stopped for a move that could not start"
    assert not Path(f"{host.run_dir}-admin/{PROJECT}").exists()


def test_a_new_stack_gets_an_empty_database_and_no_move(host, source, target):
    (host.data / "db-data").unlink()  # no container database ever ran on this host
    result = host.apply()
    assert result.returncode == 0, result.stderr
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    assert target.psql_super("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db="odoo") == "0"
    assert not any(" db" in c.split(" up ")[-1] or "stop odoo" in c for c in host.calls())
    assert (host.tmp / "project" / "docker-compose.yml").read_text() == host.files["docker-compose.yml"]
    assert json.loads((host.data / "database-move" / "moved.json").read_text())["empty"] is True


def test_with_allow_move_back_the_data_comes_back_into_the_container(host, source, target):
    assert host.apply().returncode == 0  # on RDS
    # Odoo works on RDS for a while: the container's copy is now behind.
    target.psql_super("SET ROLE odoo; INSERT INTO res_partner (name) SELECT 'Made on RDS ' || g "
                      "FROM generate_series(1, 25) g;", db="odoo")
    on_rds = counts(target)
    assert counts(source) != on_rds
    host.files, host.script = host.render(4, allow_move_back=True)
    host.log.unlink()
    result = host.apply()
    assert result.returncode == 0, result.stderr

    assert counts(source) == on_rds, "the container did not get RDS's data"
    assert source.psql_super("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'odoo'"
                             ).startswith("odoo-ladder:odoo-move-db:complete:")
    kept = source.psql_super("SELECT datname FROM pg_database WHERE datname LIKE 'odoo_before_rds_%'")
    assert kept, "the container's old copy was not kept"
    assert target.comment("odoo").startswith("odoo-ladder:moved-back:")
    project = host.tmp / "project"
    assert (project / "docker-compose.yml").read_text() == host.files["docker-compose.yml"]
    assert not (project / ".docker-compose.container.yml").exists()
    assert "db_host = db" in (host.run_dir / PROJECT / "odoo.conf").read_text()
    assert (host.etc / "odoo-ladder" / PROJECT / "database.env").read_text() == "DB_KIND=container\n"
    assert not (host.data / "database-move" / "moved.json").exists()
    assert list((host.data / "database-move").glob("moved.json.back-*"))
    calls = host.calls()
    stop = calls.index(f"compose -p {PROJECT} stop odoo")
    final_up = len(calls) - 1 - calls[::-1].index(f"compose -p {PROJECT} up -d --remove-orphans")
    assert stop < final_up and calls.index(f"compose -p {PROJECT} start odoo") if \
        f"compose -p {PROJECT} start odoo" in calls else True

    # Back at step 5 later: RDS's copy is marked as left behind, so the move refuses it.
    host.files, host.script = host.render(5)
    refused = host.apply()
    assert refused.returncode != 0 and "was not created by odoo-move-db" in refused.stderr
