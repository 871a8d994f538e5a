"""The apply script's database steps: where the database is, and the one move from the container to RDS.

Every AWS rollout installs PLAN contract 1's files into /etc/odoo-ladder/<project>/ (database.env;
with RDS the CA bundle too). With RDS (step 5 on) the host is in one of three states, told by what
is on its data volume, so a re-run, a reboot or a replaced instance always finds where it stands:

- moved: the move's record (MOVED) exists: the project runs on RDS, without its `db` service.
- container: no record, and the container's database folder holds a cluster: the data is still
  there. The project keeps its `db` service (the bundle's container variants) until odoo-move-db
  has exited 0; then the RDS files replace them and Odoo starts on RDS. A failed move exits non-zero
  with Odoo started again on the container's database (the tool does that), the compose project and
  odoo.conf untouched: the rollout fails and says why.
- fresh: neither (a stack created at step 5): odoo-move-db --no-source gives RDS an empty database
  Odoo owns, with its extensions; Odoo's initialiser fills it.

The container's database is reached for the dump with its own tools inside its container
(`docker compose exec -T -u postgres db`, the peer-authenticated socket the backups use): nothing
listens on a new port, no password is involved, the db service is not even restarted, and its
pg_dump is exactly the server's version. The dump goes into the container's data folder (the only
place both sides see) and is removed after the move. RDS is reached as its master, whose password
comes from Secrets Manager into a 0400 passfile in a root-only tmpfs folder, removed on exit.

Odoo's role password (Step 3's rotation) is set on RDS by the master over TLS on every rollout, as
it is set in the container by its superuser below step 5.
"""
from __future__ import annotations

import json
import shlex

from components.app.compose import DB_VOLUME, HOST_DATA_DIR, host_config_dir, host_secrets_dir
from components.app.service import POSTGRES_MAJOR
from components.database.database import MASTER_USERNAME
from components.database.host_files import (CA_FILE, CONTAINER_ENV_FILE, ENV_FILE, MAINTENANCE_SCRIPT, MOVE_TOOL,
                                            PGPASS_TOOL, PLAN_FILE, RDS_ENV_FILE)
from components.delivery.secrets_steps import HOST_PYTHON, set_role_password, unit_name

# On the data volume: it outlives the instance, as the data does.
MOVE_DIR = f"{HOST_DATA_DIR}/database-move"
# The container's cluster, and the dump folder inside it, as the host and the db container see them.
CONTAINER_DATA = f"{HOST_DATA_DIR}/{DB_VOLUME}"
DUMP_IN_CONTAINER = "/var/lib/postgresql/data/odoo-ladder-move-dump"
# Root-only, on tmpfs, never mounted into a container (the writer's folder is: the odoo containers
# mount /run/odoo-ladder/<project>, so the master's passfile must never go there).
ADMIN_ROOT = "/run/odoo-ladder-admin"
# The host's client tools (cloud-init: postgresql-client-16), named by path: Ubuntu's psql wrapper
# would pick whichever major is newest.
PG_BIN = f"/usr/lib/postgresql/{POSTGRES_MAJOR}/bin"
CONTAINER_VARIANTS = ("docker-compose.yml", "odoo.conf.base")
# The way back: the container's compose file, beside the RDS one in use, to start the db service
# the data moves back into (compose resolves its ./ paths from the project folder).
BACK_COMPOSE = ".docker-compose.container.yml"


def is_rds(files: dict[str, str]) -> bool:
    return MOVE_TOOL in files


def _env(files: dict[str, str]) -> dict[str, str]:
    """RDS's database.env (on the way back, the bundle's copy for until the move is done)."""
    text = files[ENV_FILE if _on_rds(files) else RDS_ENV_FILE]
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def _q(value: str) -> str:
    return shlex.quote(value)


def install_host_files(files: dict[str, str], project: str) -> str:
    """After the project's files are in place: contract 1's files, and with RDS the state of the move."""
    etc = host_config_dir(project)
    lines = [f"install -d -m 0755 -o root -g root {etc}"]
    if not is_rds(files):
        # Below step 5 (or back on the container): the host says so; the bundle holds no CA.
        lines += [f"install -m 0644 -o root -g root {ENV_FILE} {etc}/database.env",
                  f"rm -f {etc}/rds-ca.pem"]
        return "\n".join(lines) + "\n"
    client = f"postgresql-client-{POSTGRES_MAJOR}"
    lines += [
        # The host's client tools of RDS's major, for the move and the admin steps. Installed here, not
        # by cloud-init: user data runs once per instance, and changing it stops a running host.
        f"if [ ! -x {PG_BIN}/pg_restore ]; then",
        f"    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends {client} >/dev/null 2>&1 || "
        f"{{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends {client} >/dev/null; }}",
        "fi",
        f"install -m 0644 -o root -g root {CA_FILE} {etc}/rds-ca.pem",
        f"moved={MOVE_DIR}/moved.json",
    ]
    if _on_rds(files):
        lines += [
            'if [ -f "$moved" ]; then db_phase=rds',
            f"elif [ -f {CONTAINER_DATA}/PG_VERSION ]; then db_phase=container",
            "else db_phase=fresh",
            "fi",
            'if [ "$db_phase" = container ]; then',
            "    # The data is still in the container: the project keeps its db service until the move is done.",
            *(f"    install -m 0644 database/container/{name} {name}" for name in CONTAINER_VARIANTS),
            f"    install -m 0644 -o root -g root {CONTAINER_ENV_FILE} {etc}/database.env",
            "else",
            f"    install -m 0644 -o root -g root {ENV_FILE} {etc}/database.env",
            "fi",
        ]
    else:
        lines += [
            # database.allow_move_back: the data is on RDS until the move back is done; the project stays there.
            'if [ -f "$moved" ]; then db_phase=rds; else db_phase=container; fi',
            'if [ "$db_phase" = rds ]; then',
            f"    install -m 0644 {CONTAINER_VARIANTS[0]} {BACK_COMPOSE}",
            *(f"    install -m 0644 database/rds/{name} {name}" for name in CONTAINER_VARIANTS),
            f"    install -m 0644 -o root -g root {RDS_ENV_FILE} {etc}/database.env",
            "else",
            f"    install -m 0644 -o root -g root {ENV_FILE} {etc}/database.env",
            "fi",
        ]
    return "\n".join(lines) + "\n"


def _on_rds(files: dict[str, str]) -> bool:
    return json.loads(files[PLAN_FILE])["on_rds"]


def _functions(files: dict[str, str], project: str, project_dir: str) -> str:
    env = _env(files)
    etc = host_config_dir(project)
    admin = f"{ADMIN_ROOT}/{project}"
    conninfo = (f"host={env['PGHOST']} port={env['PGPORT']} user={MASTER_USERNAME} sslmode=verify-full "
                f"sslrootcert={etc}/rds-ca.pem passfile={admin}/master.pgpass")
    move = [HOST_PYTHON, "-I", f"{project_dir}/{MOVE_TOOL}", "--target", conninfo,
            "--database", env["PGDATABASE"], "--odoo-password-file", f"{admin}/odoo.password",
            "--work-dir", f"{MOVE_DIR}/work", "--state", f"{MOVE_DIR}/moved.json", "--pg-bin", PG_BIN,
            "--conf-host", env["PGHOST"], "--conf-port", env["PGPORT"]]
    from_container = ["--source", "host=/var/run/postgresql user=postgres",
                      "--source-exec", f"docker compose -p {project} exec -T -u postgres db",
                      "--source-dump-dir", DUMP_IN_CONTAINER, "--dump-dir", f"{CONTAINER_DATA}/odoo-ladder-move-dump",
                      "--stop-odoo", f"/bin/bash {project_dir}/{MAINTENANCE_SCRIPT} on",
                      "--start-odoo", f"/bin/bash {project_dir}/{MAINTENANCE_SCRIPT} off", "--leave-stopped"]
    return f"""# The master's passfile: root only, tmpfs, gone when this script ends.
rds_admin() {{
    install -d -m 0700 -o root -g root {ADMIN_ROOT} {admin}
    trap 'rm -rf {admin}' EXIT
    {HOST_PYTHON} -I "$dir/{PGPASS_TOOL}" --secret-arn {_q(env['MASTER_SECRET_ARN'])} --region {env['AWS_REGION']} \\
        --host {env['PGHOST']} --port {env['PGPORT']} --out {admin}/master.pgpass
    # The odoo role's password, for the tool to set on RDS (as a SCRAM verifier).
    sed -n 's/^db_password[[:space:]]*=[[:space:]]*//p' {host_secrets_dir(project)}/odoo.conf > {admin}/odoo.password
}}
rds_psql() {{ {PG_BIN}/psql -X -q -v ON_ERROR_STOP=1 -d {_q(conninfo + ' dbname=postgres')} >/dev/null; }}
container_has_odoo_database() {{
    [ "$(compose exec -T -u postgres db psql -X -tA -U postgres -d postgres \\
        -c "SELECT 1 FROM pg_database WHERE datname = '{env['PGDATABASE']}'")" = 1 ]
}}
move_to_rds() {{
    {' '.join(_q(part) for part in move + from_container)}
}}
prepare_empty_rds() {{
    {' '.join(_q(part) for part in move)} --no-source
}}
maintenance_off() {{ docker rm -f {project}-maintenance >/dev/null 2>&1 || true; }}
{_back_functions(files, project, project_dir, conninfo, move) if not _on_rds(files) else ""}"""


def _back_functions(files: dict[str, str], project: str, project_dir: str, conninfo: str, move: list[str]) -> str:
    """The way back (database.allow_move_back): RDS as the source, read by the host's tools as the
    master; the container's server as the target, through its own tools in its container (as root,
    whom its peer map lets act as postgres, and who reads the dump the host wrote)."""
    env = _env(files)
    back_compose = f"docker compose -p {project} -f {project_dir}/{BACK_COMPOSE}"
    source = move.index("--target")
    argv = move[:source] + ["--source", conninfo] + move[source + 2:]
    argv[argv.index("--state") + 1] = f"{MOVE_DIR}/moved-back.json"
    argv[argv.index("--work-dir") + 1] = f"{MOVE_DIR}/work-back"
    argv += ["--target", "host=/var/run/postgresql user=postgres", "--target-exec", f"{back_compose} exec -T db",
             "--dump-dir", f"{CONTAINER_DATA}/odoo-ladder-move-dump", "--target-dump-dir", DUMP_IN_CONTAINER,
             "--stop-odoo", f"/bin/bash {project_dir}/{MAINTENANCE_SCRIPT} on",
             "--start-odoo", f"/bin/bash {project_dir}/{MAINTENANCE_SCRIPT} off", "--leave-stopped"]
    db = env["PGDATABASE"]
    return f"""back_compose() {{ {back_compose} "$@"; }}
# The container's old copy of the database is older than RDS's: kept, renamed, never restored over.
keep_old_container_copy() {{
    back_compose exec -T -u postgres db psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres <<'ODOO_LADDER_SQL'
SELECT format('ALTER DATABASE %I RENAME TO %I', datname, datname || '_before_rds_' || to_char(now(), 'YYYYMMDDHH24MISS'))
FROM pg_database WHERE datname = '{db}'
AND coalesce(shobj_description(oid, 'pg_database'), '') NOT LIKE 'odoo-ladder:odoo-move-db:%'
\\gexec
ODOO_LADDER_SQL
}}
move_back() {{
    {' '.join(_q(part) for part in argv)}
}}
# RDS's copy is now older than the container's: marked, so no later move to RDS takes it for current.
mark_rds_moved_back() {{
    echo "COMMENT ON DATABASE {db} IS 'odoo-ladder:moved-back:$(date -u +%Y%m%dT%H%M%SZ)';" | rds_psql
}}
"""


def role_steps(files: dict[str, str], project: str, project_dir: str, on_aws: bool) -> str:
    """The database up and Odoo's role given its password; with RDS (always on AWS), the move when due."""
    container = f"compose up -d --wait db\n{set_role_password(project, on_aws)}"
    if not is_rds(files):
        return container
    if not _on_rds(files):
        return _back_steps(files, project, project_dir) + container
    plan = json.loads(files[PLAN_FILE])
    retire = (f'if [ "$db_phase" = rds ] && [ -d {CONTAINER_DATA} ]; then\n'
              "    # database.retire_container: the container's data goes, now that RDS holds it.\n"
              f"    echo \"odoo-ladder: database.retire_container: removing {CONTAINER_DATA}\" >&2\n"
              f"    rm -rf --one-file-system {CONTAINER_DATA}\nfi\n") if plan["retire_container"] else ""
    indented = "".join(f"    {line}\n" for line in container.splitlines())
    return f"""{_functions(files, project, project_dir)}rds_admin
if [ "$db_phase" = container ]; then
    # Odoo runs on the container's database as before, until the move below has succeeded.
{indented}    compose up -d --remove-orphans
    if container_has_odoo_database; then move_to_rds; else db_phase=fresh; fi
    [ "$db_phase" = container ] && db_phase=moved
fi
if [ "$db_phase" = fresh ]; then prepare_empty_rds; fi
if [ "$db_phase" != rds ]; then
    # Moved (or prepared): the project's RDS files replace the container's, odoo.conf follows.
{''.join(f"    install_file {name} 0644{chr(10)}" for name in CONTAINER_VARIANTS)}    install -m 0644 -o root -g root {ENV_FILE} {host_config_dir(project)}/database.env
    systemctl restart {unit_name(project)}
fi
# Odoo's role password (Step 3's rotation), on RDS as its master over verified TLS.
writer --role-sql {host_secrets_dir(project)}/odoo.conf --managed | rds_psql
{retire}"""


def _back_steps(files: dict[str, str], project: str, project_dir: str) -> str:
    """database.allow_move_back: while the record of the move to RDS exists, Odoo stays on RDS until
    odoo-move-db has moved the data back; then the container's files replace RDS's."""
    etc = host_config_dir(project)
    return f"""{_functions(files, project, project_dir)}if [ "$db_phase" = rds ]; then
    rds_admin
    # Odoo runs on RDS as before, until the move back below has succeeded.
    writer --role-sql {host_secrets_dir(project)}/odoo.conf --managed | rds_psql
    compose up -d --remove-orphans
    back_compose up -d --wait db
    keep_old_container_copy
    # A record of an earlier way back (older than the move it undid) must not pass for this one.
    if [ -f {MOVE_DIR}/moved-back.json ] && [ {MOVE_DIR}/moved-back.json -ot "$moved" ]; then rm -f {MOVE_DIR}/moved-back.json; fi
    move_back
    mark_rds_moved_back
    mv "$moved" "$moved.back-$(date -u +%Y%m%dT%H%M%SZ)"
    rm -f {MOVE_DIR}/moved-back.json {BACK_COMPOSE}
{''.join(f"    install_file {name} 0644{chr(10)}" for name in CONTAINER_VARIANTS)}    install -m 0644 -o root -g root {ENV_FILE} {etc}/database.env
    systemctl restart {unit_name(project)}
fi
"""


def after_up(files: dict[str, str], project: str) -> str:
    """Once the project is up on RDS, the maintenance page goes (Odoo answers under its name again)."""
    if not is_rds(files):
        return ""
    return f"""if docker inspect {project}-maintenance >/dev/null 2>&1; then
    for _ in $(seq 1 300); do
        [ "$(docker inspect -f '{{{{.State.Health.Status}}}}' "$(compose ps -q odoo)" 2>/dev/null)" = healthy ] && break
        sleep 2
    done
    maintenance_off
fi
"""
