"""An Odoo filestore and its ir_attachment rows, and odoo-copy-filestore run as the move runs it."""
from __future__ import annotations

import hashlib
import itertools
import os
import runpy
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "components" / "cluster" / "scripts" / "odoo-copy-filestore"
_databases = itertools.count()


def make_filestore(pg, root: Path, files: int, size: int = 2048) -> tuple[str, Path, dict[str, bytes]]:
    """A database with Odoo's ir_attachment columns and its filestore folder, as Odoo writes them:
    store_fname `<2 hex>/<sha1>`, checksum the sha1, several rows sharing one file, one legacy
    `<3 hex>/<sha1>` name, one attachment kept in the database, and one file no row references."""
    db = f"filestore_{next(_databases)}"
    pg.psql(f"CREATE DATABASE {db} OWNER odoo;", user="postgres")
    source = root / "filestore" / db
    contents: dict[str, bytes] = {}
    values = []
    for n in range(files):
        data = os.urandom(size - 16) + n.to_bytes(16, "big")
        sha = hashlib.sha1(data).hexdigest()
        name = f"{sha[:3]}/{sha}" if n == 0 else f"{sha[:2]}/{sha}"
        contents[name] = data
        values.append(f"('doc {n}.pdf', '{name}', '{sha}', {len(data)})")
        if n % 10 == 0:  # the same file attached twice (Odoo deduplicates by content)
            values.append(f"('copy of doc {n}.pdf', '{name}', '{sha}', {len(data)})")
    in_db = hashlib.sha1(b"\x00\xff").hexdigest()
    pg.psql(f"""
        CREATE TABLE ir_attachment (id serial PRIMARY KEY, name varchar, res_model varchar, res_id integer,
                                    store_fname varchar, checksum varchar(40), file_size integer,
                                    mimetype varchar, db_datas bytea, type varchar DEFAULT 'binary');
        INSERT INTO ir_attachment (name, store_fname, checksum, file_size) VALUES {", ".join(values)};
        INSERT INTO ir_attachment (name, db_datas, checksum, file_size)
            VALUES ('in the database', '\\x00ff', '{in_db}', 2);
    """, db=db)
    for name, data in contents.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (source / "checklist").mkdir()
    (source / "checklist" / "stale").write_bytes(b"garbage collector's list")
    return db, source, contents


def command(db: str, source: Path, target: Path, version: str = "18.0", jobs: int = 4) -> list[str]:
    return [sys.executable, str(SCRIPT), "--db", db, "--source", str(source), "--target", str(target),
            "--odoo-version", version, "--jobs", str(jobs)]


def copy(pg, db: str, source: Path, target: Path, version: str = "18.0", jobs: int = 4) -> subprocess.CompletedProcess:
    return subprocess.run(command(db, source, target, version, jobs), capture_output=True, text=True,
                          env={**os.environ, **pg.env("odoo")}, timeout=600)



def script_constants() -> dict:
    """The standalone script's module globals (its __main__ guard does not run)."""
    return runpy.run_path(str(SCRIPT))
