"""The scripts that ship to the host: valid Python that starts and explains itself, and POSIX shell
that shellcheck accepts."""
import py_compile
import subprocess
import sys

import pytest

from tests.backup.helpers import SCRIPTS
from tests.tools import require_tool

ALL = sorted(p for p in SCRIPTS.iterdir() if p.is_file())
PYTHON = [p for p in ALL if p.read_text().startswith("#!/usr/bin/env python3")]
SHELL = [p for p in ALL if p.read_text().startswith("#!/bin/sh")]


def test_every_script_is_python_or_shell_and_executable():
    assert {p.name for p in ALL} >= {"odoo-backup", "odoo-restore", "psql-as-owner"}
    assert sorted(PYTHON + SHELL) == ALL, "a script that is neither Python nor POSIX sh ships: add its check"
    assert all(p.stat().st_mode & 0o111 for p in ALL)


@pytest.mark.parametrize("script", SHELL, ids=lambda p: p.name)
def test_shell_script_passes_shellcheck(script):
    shellcheck = require_tool("shellcheck")
    out = subprocess.run([shellcheck, "--shell=sh", "--severity=style", str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


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
