"""odoo-copy-filestore (the 6->7 filestore move) against a real PostgreSQL and real folders: every
file verified against ir_attachment's checksum, owners and modes as Odoo leaves them, a corrupted or
missing file refused, and a killed run completed by a re-run."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

from components.app.service import ODOO_UID_GID
from tests.cluster.copy_filestore import command, copy, make_filestore, script_constants
from tests.tools import require_root


def summary(done) -> dict:
    return json.loads(done.stdout.strip().splitlines()[-1])


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_copies_every_attachment_verified_with_odoos_owner_and_modes(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=40)
    target = tmp_path / "efs" / "filestore" / db
    (tmp_path / "efs" / "filestore").mkdir(parents=True)
    done = copy(pg, db, source, target, "18.0")
    assert done.returncode == 0, done.stderr
    result = summary(done)
    assert (result["attachments"], result["copied"], result["problems"]) == (40, 40, 0)
    assert result["unreferenced_source_files"] == 1  # checklist/stale: not copied
    assert files_under(target) == sorted(contents)
    for name, data in contents.items():
        path = target / name
        assert hashlib.sha1(path.read_bytes()).hexdigest() == hashlib.sha1(data).hexdigest()
        info = path.stat()
        assert (info.st_uid, info.st_gid, oct(info.st_mode & 0o7777)) == (100, 101, "0o644")
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        info = folder.stat()
        assert (info.st_uid, info.st_gid, oct(info.st_mode & 0o7777)) == (100, 101, "0o755")
    # A re-run finds everything in place and copies nothing.
    again = summary(copy(pg, db, source, target, "18.0"))
    assert (again["copied"], again["already_there"]) == (0, 40)


def test_odoo_17_files_belong_to_its_own_odoo_user(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=3)
    target = tmp_path / "efs" / db
    (tmp_path / "efs").mkdir()
    assert copy(pg, db, source, target, "17.0").returncode == 0
    info = (target / next(iter(contents))).stat()
    assert (info.st_uid, info.st_gid) == ODOO_UID_GID["17.0"] == (101, 101)
    assert script_constants()["ODOO_UID_GID"] == ODOO_UID_GID  # the standalone script's copy of the table


def test_a_corrupted_or_missing_source_file_is_refused_and_never_copied(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=10)
    corrupted, missing = sorted(contents)[3], sorted(contents)[6]
    (source / corrupted).write_bytes(b"bit rot")
    (source / missing).unlink()
    target = tmp_path / "efs" / db
    (tmp_path / "efs").mkdir()
    done = copy(pg, db, source, target)
    assert done.returncode == 3
    assert f"{corrupted}: the source's sha1 is" in done.stderr and f"{missing}: not in" in done.stderr
    assert "NOT complete; do not switch to step 7" in done.stderr
    assert summary(done)["problems"] == 2
    assert not (target / corrupted).exists() and not (target / missing).exists()
    assert len(files_under(target)) == 8  # the good ones are there, verified


def test_a_wrong_file_on_the_target_is_replaced(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=5)
    target = tmp_path / "efs" / db
    (tmp_path / "efs").mkdir()
    assert copy(pg, db, source, target).returncode == 0
    damaged = sorted(contents)[2]
    (target / damaged).write_bytes(b"half a file")
    os.chown(target / sorted(contents)[4], 0, 0)  # right content, wrong owner
    result = summary(copy(pg, db, source, target))
    assert (result["copied"], result["already_there"], result["problems"]) == (2, 3, 0)
    assert (target / damaged).read_bytes() == contents[damaged]


def test_a_killed_copy_is_completed_by_a_re_run(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=1500, size=16384)
    target = tmp_path / "efs" / db
    (tmp_path / "efs").mkdir()
    process = subprocess.Popen(command(db, source, target, jobs=1), env={**os.environ, **pg.env("odoo")},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(files_under(target) if target.exists() else []) < 50:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGSTOP)
    copied_before = len([f for f in files_under(target) if not f.endswith(".odoo-copy-part")])
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 50 <= copied_before < 1500, "the run must be cut in the middle"
    # A half-written file as a kill during a write leaves it.
    leftover = target / (sorted(contents)[-1] + ".odoo-copy-part")
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half")
    done = copy(pg, db, source, target)
    assert done.returncode == 0, done.stderr
    result = summary(done)
    assert result["copied"] + result["already_there"] == 1500
    assert result["already_there"] >= copied_before - 1  # at most the file being renamed at the kill
    assert files_under(target) == sorted(contents)  # no temporary file left


def test_refuses_a_second_run_on_the_same_target_and_an_unknown_version(pg, tmp_path):
    import fcntl
    db, source, _ = make_filestore(pg, tmp_path / "ebs", files=1)
    (tmp_path / "efs").mkdir()
    with open(tmp_path / "efs" / ".odoo-copy-filestore.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = copy(pg, db, source, tmp_path / "efs" / db)
    assert done.returncode == 2 and "another odoo-copy-filestore holds the lock" in done.stderr
    done = copy(pg, db, source, tmp_path / "efs" / db, version="16.0")
    assert done.returncode == 2 and "--odoo-version '16.0'" in done.stderr
    done = copy(pg, db, source, tmp_path / "nowhere" / db)
    assert done.returncode == 2 and "mount EFS there first" in done.stderr


def test_a_system_error_stops_the_run_cleanly_and_a_re_run_resumes(pg, tmp_path):
    require_root()
    db, source, contents = make_filestore(pg, tmp_path / "ebs", files=4)
    target = tmp_path / "efs" / db
    blocked = target / sorted(contents)[1]
    blocked.mkdir(parents=True)  # a folder where a file must go: the rename fails
    done = copy(pg, db, source, target, jobs=1)
    assert done.returncode == 1 and "No half-written file is in place" in done.stderr
    assert not [f for f in files_under(target) if f.endswith(".odoo-copy-part")]
    blocked.rmdir()
    assert summary(copy(pg, db, source, target)).get("problems") == 0
