"""The scripts that ship to the host: valid Python that starts and explains itself.

No shell script ships (so no shellcheck here); the first test fails if one is added, so that
whoever adds it also adds a shellcheck test."""
import py_compile
import subprocess
import sys

import pytest

from tests.backup.helpers import SCRIPTS

ALL = sorted(p for p in SCRIPTS.iterdir() if p.is_file())
PYTHON = [p for p in ALL if p.read_text().startswith("#!/usr/bin/env python3")]


def test_every_script_is_python_and_executable():
    assert {p.name for p in ALL} >= {"odoo-backup", "odoo-restore"}
    assert ALL == PYTHON, "a non-Python script ships: add a shellcheck test for it"
    assert all(p.stat().st_mode & 0o111 for p in ALL)


@pytest.mark.parametrize("script", PYTHON, ids=lambda p: p.name)
def test_python_script_compiles_and_has_help(script, tmp_path):
    py_compile.compile(str(script), cfile=str(tmp_path / "x.pyc"), doraise=True)
    out = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--bucket" in out.stdout


@pytest.mark.parametrize("script", PYTHON, ids=lambda p: p.name)
def test_python_script_imports_nothing_from_the_repo(script):
    text = script.read_text()
    assert "from components" not in text and "import components" not in text and "from ladder" not in text


def test_missing_required_setting_is_a_usage_error():
    out = subprocess.run([sys.executable, str(SCRIPTS / "odoo-backup"), "--bucket", "b"], capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 2 and "--db is required" in out.stderr
