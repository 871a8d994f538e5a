"""odoo-move-db against two real PostgreSQL 15 clusters: the source plays the container, the
target plays RDS (TLS verified against a test CA, a master that is not a superuser, hostssl only).

The data is Odoo-shaped and of a moderate size (MOVE_MIB, tens of MiB) to keep CI quick; the
benchmark (bench/move_bench.py) moves 256 MiB and more.
"""
import json
import os
import sys
import signal
import subprocess
import time

import pytest

from tests.database.move_run import ODOO_PASSWORD, SCRIPT, Move, load_script, wrapped_pg_bin
from tests.database.odoo_data import create_odoo_database
from tests.database.rds_like import MASTER
from tests.peers import PG_BIN, PgCluster, require_postgres
from tests.tools import require_tool

MOVE_MIB = 24
ODOO_TABLES = ("ir_attachment", "res_partner", "mail_message", "mail_message_res_partner_rel", "account_move_line")


@pytest.fixture(scope="module")
def source():
    require_postgres()
    require_tool("openssl")
    cluster = PgCluster()
    try:
        create_odoo_database(cluster, "odoo", MOVE_MIB)
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def move(source, target, tmp_path):
    return Move(source, target, tmp_path)


def counts(cluster, superuser=True):
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in ODOO_TABLES)
    run = cluster.psql_super if superuser else cluster.psql
    return run(sql, db="odoo")


def as_odoo(target, tmp_path, sql):
    """Connect as Odoo will after the switch: the odoo role, verify-full against the CA."""
    passfile = tmp_path / "odoo.pgpass"
    passfile.write_text(f"*:*:*:odoo:{ODOO_PASSWORD}\n")
    passfile.chmod(0o600)
    out = subprocess.run([f"{PG_BIN}/psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d",
                          target.conninfo(user="odoo", passfile=str(passfile)) + " dbname=odoo", "-c", sql],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_target_plays_rds(target):
    assert target.psql_super(f"SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
                             f"WHERE rolname = '{MASTER}'") == "f|t|t"
    hba = open(os.path.join(target.data, "pg_hba.conf")).read()
    assert [line.split()[0] for line in hba.splitlines() if line.split()[0] != "local"] == ["hostssl", "hostssl"]
    plain = subprocess.run([f"{PG_BIN}/psql", "-X", "-d", f"host=127.0.0.1 port={target.port} user={MASTER} "
                            f"sslmode=disable passfile={target.passfile} dbname=postgres", "-c", "SELECT 1"],
                           capture_output=True, text=True)
    assert plain.returncode != 0 and "no encryption" in plain.stderr


def test_the_move_verifies_switches_odoo_and_records_completion(move, source, target, tmp_path):
    result = move.run()
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["moved"] == "odoo" and summary["seconds"]["downtime"] > 0

    assert counts(target) == counts(source)
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    # Everything belongs to odoo, not to the master: Odoo can alter its own tables.
    assert target.psql_super("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'odoo'") == "odoo"
    assert target.psql_super("SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n "
                             "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind IN ('r', 'S', 'i')",
                             db="odoo") == "odoo"
    assert target.psql_super("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = 'odoo'") == "f"
    assert target.psql_super("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension",
                             db="odoo") == "pg_trgm,plpgsql,unaccent"
    # Odoo's own connection: its role, its password (set from a SCRAM verifier), TLS verified.
    assert as_odoo(target, tmp_path, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == "t"
    assert as_odoo(target, tmp_path, "SELECT last_value FROM ir_sequence_001") == "4242"
    assert as_odoo(target, tmp_path, "SELECT last_value FROM res_partner_id_seq") == "7000"
    assert as_odoo(target, tmp_path, "SELECT count(*) FROM res_partner WHERE name % 'Partner 12'") != "0"
    stored = target.psql_super("SELECT rolpassword FROM pg_authid WHERE rolname = 'odoo'")
    assert stored.startswith("SCRAM-SHA-256$4096:")

    conf = move.conf.read_text()
    assert "db_host = localhost" in conf and f"db_port = {target.port}" in conf
    assert "db_sslmode = verify-full" in conf and f"db_sslrootcert = {target.ca}" in conf
    assert "db_password = odoo-Role-Pass-42" in conf and "dbfilter = ^odoo$" in conf
    assert oct(os.stat(move.conf).st_mode & 0o777) == "0o400"
    assert move.event_lines() == ["stop db_host = db", "start db_host = localhost"]
    assert json.loads(move.state.read_text())["moved"] is True
    assert not (move.dir / "work" / "dump").exists()

    again = move.run()
    assert again.returncode == 0 and "nothing to do" in again.stderr
    assert move.event_lines() == ["stop db_host = db", "start db_host = localhost"]  # Odoo not even stopped


def source_state(source):
    """What a write to the source would change (sizes are no measure: autovacuum moves them)."""
    return (source.psql_super("SELECT string_agg(datname || coalesce(shobj_description(oid, 'pg_database'), ''), "
                              "',' ORDER BY datname) FROM pg_database"),
            source.psql_super("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles"),
            counts(source),
            source.psql_super("SELECT md5(string_agg(md5(p::text), '' ORDER BY id)) FROM res_partner p", db="odoo"),
            source.psql_super("SELECT md5(string_agg(md5(a::text), '' ORDER BY id)) FROM ir_attachment a", db="odoo"),
            source.psql_super("SELECT last_value FROM ir_sequence_001", db="odoo"))


def test_the_source_is_only_read(move, source):
    before = source_state(source)
    assert move.run().returncode == 0
    assert source_state(source) == before


def test_a_target_completed_without_its_record_only_finishes_the_switch(move, target):
    assert move.run().returncode == 0
    move.state.unlink()
    move.conf.chmod(0o600)
    move.conf.write_text(move.conf.read_text().replace("db_host = localhost", "db_host = db"))
    again = move.run()
    assert again.returncode == 0, again.stderr
    assert "finishing the switch only" in again.stderr and "pg_dump" not in again.stderr
    assert "db_host = localhost" in move.conf.read_text() and move.state.exists()


@pytest.mark.parametrize("empty", [False, True], ids=["non-empty", "empty"])
def test_a_target_database_it_did_not_create_is_refused_untouched(move, target, empty):
    target.psql_super("CREATE DATABASE odoo;")
    if not empty:
        target.psql_super("CREATE TABLE precious (id int); INSERT INTO precious VALUES (1);", db="odoo")
    result = move.run()
    assert result.returncode == 2
    assert "was not created by odoo-move-db; nothing was changed" in result.stderr
    assert ("is not empty" if not empty else "is empty") in result.stderr
    if not empty:
        assert target.psql_super("SELECT count(*) FROM precious", db="odoo") == "1"
    assert target.comment("odoo") == ""
    assert move.event_lines() == []  # Odoo was never stopped
    assert "db_host = db" in move.conf.read_text() and not move.state.exists()


def test_a_run_killed_during_the_restore_is_started_again_from_a_clean_database(move, source, target, tmp_path):
    started = tmp_path / "restore-started"
    pg_bin = wrapped_pg_bin(tmp_path / "bin", f'touch {started}\nexec {PG_BIN}/pg_restore "$@"\n')
    proc = move.popen(pg_bin)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() or target.psql_super(
                "SELECT count(*) FROM pg_database WHERE datname = 'odoo'") != "1" or target.psql_super(
                "SELECT count(*) FROM pg_class WHERE relname = 'x_model_1'", db="odoo") == "0":
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the restore never started"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this test started: the script and pg_restore's jobs
        proc.communicate()
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:in-progress:")
    partial = target.psql_super("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = 'public' AND relkind = 'i'", db="odoo")
    assert not move.state.exists() and "db_host = db" in move.conf.read_text()

    result = move.run()
    assert result.returncode == 0, result.stderr
    assert "an interrupted run of ours left it" in result.stderr
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    assert counts(target) == counts(source)
    indexes = target.psql_super("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = 'public' AND relkind = 'i'", db="odoo")
    assert int(indexes) >= int(partial)
    assert "db_host = localhost" in move.conf.read_text()


FAULTS = {
    "lost-attachment": ("DELETE FROM ir_attachment WHERE id = 17", "the attachment count changed"),
    "changed-content": ("UPDATE res_partner SET email = 'x@example.org' WHERE id = 1", "content sample differs"),
    "sequence-behind": ("SELECT setval('mail_message_id_seq', 5)", "below its column's max"),
    "odoo-sequence": ("SELECT setval('ir_sequence_001', 4000)", "at 4242 on the source, 4000 on the target"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_verification_mismatch_leaves_odoo_on_the_container_database(move, source, target, tmp_path, fault):
    sql, message = FAULTS[fault]
    # A stand-in pg_restore that restores, then silently damages the copy: verification must catch it.
    body = (f'{PG_BIN}/pg_restore "$@"\n'
            'conn=""; while [ "$#" -gt 1 ]; do if [ "$1" = -d ]; then conn=$2; fi; shift; done\n'
            f'if [ -n "$conn" ]; then {PG_BIN}/psql -X -q -v ON_ERROR_STOP=1 -d "$conn" '
            f'-c "SET ROLE odoo; {sql}" >/dev/null; fi\n')
    result = move.run(wrapped_pg_bin(tmp_path / "bin", body))
    assert result.returncode == 3, result.stderr
    assert "verification failed; Odoo stays on the source database" in result.stderr
    assert message in result.stderr
    assert "db_host = db" in move.conf.read_text() and "sslmode" not in move.conf.read_text()
    assert move.event_lines() == ["stop db_host = db", "start db_host = db"]
    assert not move.state.exists()
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:in-progress:")

    if fault == "lost-attachment":  # once is enough: the fault was the restore's, a clean run completes
        healed = move.run()
        assert healed.returncode == 0, healed.stderr
        assert counts(target) == counts(source)


def test_the_scram_verifier_is_what_postgresql_accepts(target, tmp_path):
    verifier = load_script().scram_verifier("another-Pass-1")
    target.psql_super(f"CREATE ROLE probe LOGIN PASSWORD '{verifier}';")
    passfile = tmp_path / "probe.pgpass"
    passfile.write_text("*:*:*:probe:another-Pass-1\n")
    passfile.chmod(0o600)
    ok = subprocess.run([f"{PG_BIN}/psql", "-X", "-At", "-d", target.conninfo(user="probe", passfile=str(passfile))
                         + " dbname=postgres", "-c", "SELECT current_user"], capture_output=True, text=True)
    assert ok.stdout.strip() == "probe", ok.stderr
    passfile.write_text("*:*:*:probe:wrong-Pass-1\n")
    bad = subprocess.run([f"{PG_BIN}/psql", "-X", "-At", "-d", target.conninfo(user="probe", passfile=str(passfile))
                          + " dbname=postgres", "-c", "SELECT 1"], capture_output=True, text=True)
    assert bad.returncode != 0 and "password authentication failed" in bad.stderr


def test_switching_odoo_conf_keeps_the_rest_and_adds_what_is_missing(tmp_path):
    script = load_script()
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\ndb_host = db\ndb_password = secret\nworkers = 2\n")
    conf.chmod(0o400)
    script.switch_odoo_conf(str(conf), {"db_host": "rds.example", "db_sslmode": "verify-full"})
    assert conf.read_text() == "[options]\ndb_sslmode = verify-full\ndb_host = rds.example\ndb_password = secret\n" \
                               "workers = 2\n"
    assert oct(conf.stat().st_mode & 0o777) == "0o400"


def in_container_argv(move, source, tmp_path):
    """As the delivery runs it on the host: the source's own tools through a command prefix (standing
    for `docker compose exec -T -u postgres db`: here the postgres OS user, its socket, peer-like trust),
    the dump written where that side sees it and read through another path (the data volume's)."""
    host_view = tmp_path / "data-volume"
    host_view.symlink_to(source.dir)
    argv = move.argv()
    argv[argv.index("--source") + 1] = f"host={source.dir} port={source.port} user=postgres"
    return argv + ["--source-exec", f"runuser -u postgres -- env PATH={PG_BIN}:/usr/bin:/bin",
                   "--source-dump-dir", f"{source.dir}/odoo-ladder-move-dump",
                   "--dump-dir", str(host_view / "odoo-ladder-move-dump"), "--leave-stopped"]


def test_through_the_containers_own_tools_the_move_completes_and_leaves_odoo_to_the_caller(move, source, target,
                                                                                          tmp_path):
    result = subprocess.run(in_container_argv(move, source, tmp_path), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "runuser -u postgres" in result.stderr and "pg_dump -Fd" in result.stderr
    assert counts(target) == counts(source)
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    # --leave-stopped: stopped once, never started again here (the delivery switches the compose project).
    assert move.event_lines() == ["stop db_host = db"]
    assert "Odoo stays stopped" in result.stderr
    assert not os.path.exists(os.path.join(source.dir, "odoo-ladder-move-dump")), "the dump is left behind"


def test_a_failed_move_through_the_container_still_starts_odoo_on_it(move, source, target, tmp_path):
    target.psql_super("CREATE DATABASE odoo;")  # refused before anything: Odoo not even stopped
    argv = in_container_argv(move, source, tmp_path)
    assert subprocess.run(argv, capture_output=True, text=True).returncode == 2
    assert move.event_lines() == []
    target.psql_super("DROP DATABASE odoo;")
    body = f'{PG_BIN}/pg_restore "$@"\nexit 1\n'
    argv[argv.index("--pg-bin") + 1] = wrapped_pg_bin(tmp_path / "bin", body)
    failed = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1
    assert move.event_lines() == ["stop db_host = db", "start db_host = db"]
    assert not move.state.exists()


def test_with_no_source_the_target_gets_an_empty_database_odoo_owns(move, target, tmp_path):
    argv = move.argv()
    result = subprocess.run(argv + ["--no-source"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert move.event_lines() == [], "no data to move: Odoo is not stopped"
    assert target.comment("odoo").startswith("odoo-ladder:odoo-move-db:complete:")
    assert target.psql_super("SELECT pg_get_userbyid(datdba), datcollate FROM pg_database "
                             "WHERE datname = 'odoo'") == "odoo|C"
    assert target.psql_super("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension",
                             db="odoo") == "pg_trgm,plpgsql,unaccent"
    assert as_odoo(target, tmp_path, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
    assert json.loads(move.state.read_text())["empty"] is True
    move.state.unlink()
    again = subprocess.run(argv + ["--no-source"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and move.state.exists()  # its own complete database: recorded again, kept
    target.psql_super("DROP DATABASE odoo;")
    target.psql_super("CREATE DATABASE odoo;")
    move.state.unlink()
    refused = subprocess.run(argv + ["--no-source"], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "was not created by odoo-move-db" in refused.stderr


def test_the_way_back_moves_the_data_from_rds_into_a_container_through_its_own_tools(move, source, target,
                                                                                     tmp_path):
    """rds -> container with the same tool: the source is RDS as its master over verified TLS, the
    target the container's server reached with its own tools (a command prefix; as root, which the
    db container's peer map lets act as postgres), the dump read by it from the shared folder."""
    assert move.run().returncode == 0
    container = PgCluster()
    try:
        back = tmp_path / "back"
        back.mkdir()
        state = back / "moved-back.json"
        argv = [sys.executable, str(SCRIPT), "--source", target.conninfo(),
                "--target", f"host={container.dir} port={container.port} user=postgres",
                "--target-exec", f"env PATH={PG_BIN}:/usr/bin:/bin", "--database", "odoo",
                "--odoo-password-file", str(move.password_file), "--work-dir", str(back / "work"),
                "--state", str(state), "--jobs", "2", "--pg-bin", PG_BIN,
                "--dump-dir", str(back / "dump"), "--target-dump-dir", str(back / "dump"),
                "--stop-odoo", f"sh -c 'echo stop >> {back}/events'", "--start-odoo", f"sh -c 'echo start >> {back}/events'"]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        assert counts(container) == counts(source)
        assert container.psql_super("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                    "WHERE datname = 'odoo'").startswith("odoo-ladder:odoo-move-db:complete:")
        assert container.psql_super("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'odoo'") == "odoo"
        assert (back / "events").read_text().split() == ["stop", "start"]
        assert not (back / "dump").exists() and not (back / "dump.list").exists()
    finally:
        container.destroy()
