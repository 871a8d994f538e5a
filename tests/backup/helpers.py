"""Realistic Odoo-ish data that does not compress away, its checksums, and script runners."""
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "components" / "backup" / "scripts"
BACKUP = SCRIPTS / "odoo-backup"
RESTORE = SCRIPTS / "odoo-restore"
TABLES = ("res_partner", "ir_attachment", "ir_attachment_data")
# The production roles (components/app/scripts/db-init): the dump is taken by the superuser through
# the db container's socket; the restore creates and renames databases as the superuser, and runs the
# dump's SQL connected as Odoo's role `odoo` (CREATEDB, NOSUPERUSER), which owns the result.
# Given as the scripts' environment defaults, so every test runs with them unless it says otherwise.
PRODUCTION_ROLES = {"BACKUP_PG_DUMP_CMD": "pg_dump -U postgres", "RESTORE_PSQL_CMD": "psql -U postgres",
                    "RESTORE_PG_RESTORE_CMD": "pg_restore", "RESTORE_OWNER_PSQL_CMD": "psql -U odoo",
                    "RESTORE_DB_OWNER": "odoo", "RESTORE_STOP_ODOO_CMD": "true", "RESTORE_START_ODOO_CMD": "true"}
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def populate_db(pg, db, partners=20000, blobs=300, blob_kib=32):
    """Create `db` as Odoo's role and fill it with random text and bytea (random bytes do not compress)."""
    pg.psql(f'CREATE DATABASE "{db}" ENCODING \'unicode\' LC_COLLATE \'C\' TEMPLATE template0;')
    md5s = blob_kib * 1024 // 16
    pg.psql(f"""
        CREATE TABLE res_partner (id serial PRIMARY KEY, name text NOT NULL, comment text, write_date timestamp);
        INSERT INTO res_partner (name, comment, write_date)
          SELECT 'Partner ' || g,
                 encode(decode(md5(random()::text) || md5(random()::text) || md5(random()::text), 'hex'), 'base64'),
                 timestamp '2024-01-01' + g * interval '1 minute'
          FROM generate_series(1, {partners}) g;
        CREATE INDEX res_partner_name_idx ON res_partner (name);
        CREATE EXTENSION pg_trgm;
        CREATE TABLE ir_attachment (id serial PRIMARY KEY, name varchar NOT NULL, res_model varchar,
                                    store_fname varchar, checksum varchar(40), file_size int);
        INSERT INTO ir_attachment (name, res_model, store_fname, checksum, file_size)
          SELECT 'file ' || g, 'res.partner', md5(g::text), md5(g::text), g FROM generate_series(1, 500) g;
        CREATE INDEX ir_attachment_name_trgm ON ir_attachment USING gin (name gin_trgm_ops);
        CREATE TABLE ir_attachment_data (id serial PRIMARY KEY, store_fname text, datas bytea);
        INSERT INTO ir_attachment_data (store_fname, datas)
          SELECT 'f' || g, (SELECT decode(string_agg(md5(random()::text || g || s), ''), 'hex')
                            FROM generate_series(1, {md5s}) s)
          FROM generate_series(1, {blobs}) g;
    """, db=db)


def assert_odoo_can_use(pg, db):
    """What Odoo does first with a restored database, as its own role: read and write attachments."""
    assert pg.psql("SELECT datdba::regrole FROM pg_database WHERE datname = current_database();", db=db) == "odoo"
    before = int(pg.psql("SELECT count(*) FROM ir_attachment;", db=db, user="odoo"))
    pg.psql("INSERT INTO ir_attachment (name, res_model) VALUES ('after restore', 'res.partner');", db=db, user="odoo")
    assert int(pg.psql("SELECT count(*) FROM ir_attachment;", db=db, user="odoo")) == before + 1
    assert pg.psql("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = 'public' AND c.relowner <> 'odoo'::regrole;", db=db) == "0"


def db_fingerprint(pg, db):
    """Row counts, an md5 of each table's ordered contents, and sequence positions."""
    result = {}
    for table in TABLES:
        result[table] = pg.psql(f"SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY id)) "
                                f"FROM {table} t;", db=db)
        result[f"{table}_id_seq"] = pg.psql(f"SELECT last_value FROM {table}_id_seq;", db=db)
    return result


def populate_filestore(root, files=120, max_kib=300, seed=1):
    """Binary files laid out like Odoo's: <root>/<sha1[:2]>/<sha1>."""
    rng = random.Random(seed)
    for _ in range(files):
        content = rng.randbytes(rng.randint(1, max_kib * 1024))
        sha1 = hashlib.sha1(content).hexdigest()
        path = Path(root) / sha1[:2] / sha1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def tree_fingerprint(root):
    """sha256 of every file, by path relative to root."""
    root = Path(root)
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def script_env(pg_env, endpoint, **extra):
    env = {**os.environ, **AWS_ENV, **pg_env, **PRODUCTION_ROLES, "AWS_ENDPOINT_URL": endpoint}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_script(script, args, env, timeout=300):
    return subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def manifest_sets(s3, bucket, prefix="odoo"):
    """Names of sets that have a manifest (i.e. count as complete)."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return sorted(k.split("/")[1] for k in keys if k.endswith("/manifest.json"))


def read_json(s3, bucket, key):
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def next_second():
    """Set names have one-second resolution: make sure the next run gets a new name."""
    time.sleep(1.05 - (time.time() % 1))


def work_leftovers(data_dir):
    """What a run left in its work dir, apart from the run locks (empty files, kept on purpose)."""
    return [n for n in os.listdir(os.path.join(data_dir, ".backup-work")) if not n.endswith(".lock")]
