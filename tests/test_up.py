"""`ladder doctor` and ./up.sh on a PATH we control: tools present, tools absent.

The Pulumi CLI, the Docker engine and curl are stand-ins (tests/standins) that record their calls;
nothing is downloaded or deployed. The PATH holds only links to the basic tools the script needs,
so a tool the machine happens to have cannot leak in.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STANDINS = ROOT / "tests" / "standins"
BASICS = ("bash", "sh", "env", "cat", "cp", "mkdir", "cmp", "touch", "dirname", "printf", "readlink")


def _path(tmp: Path, *standins: str) -> str:
    bindir = tmp / "bin"
    bindir.mkdir(exist_ok=True)
    for tool in BASICS:
        if not (bindir / tool).exists():
            (bindir / tool).symlink_to(shutil.which(tool))
    (bindir / "python3").unlink(missing_ok=True)
    (bindir / "python3").symlink_to(sys.executable)
    for name in standins:
        (bindir / name).symlink_to(STANDINS / name)
    return str(bindir)


@pytest.fixture
def sandbox(tmp_path):
    """A fresh HOME, a stand-in state folder and a venv that forwards to the test's Python."""
    home, state, venv = tmp_path / "home", tmp_path / "state", tmp_path / "venv"
    for folder in (home, state, venv / "bin"):
        folder.mkdir(parents=True)
    (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "bin" / "python").chmod(0o755)
    shutil.copy(ROOT / "requirements.txt", venv / ".ladder-requirements")  # marks the venv as current
    env = {"HOME": str(home), "PULUMI_STANDIN_STATE": str(state), "LADDER_VENV": str(venv),
           "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    return tmp_path, env, state


def _run(argv, env, cwd=ROOT):
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _calls(state: Path, name: str = "calls") -> list[str]:
    path = state / name
    return path.read_text().splitlines() if path.exists() else []


# --- ladder doctor -------------------------------------------------------------------------------

def test_doctor_with_every_tool_present(sandbox):
    tmp, env, state = sandbox
    env["PATH"] = _path(tmp, "pulumi", "docker")
    (state / "logged-in").touch()
    result = _run([sys.executable, "-m", "ladder", "doctor"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MISSING" not in result.stdout
    assert "ok       Docker engine: server 27.0.0" in result.stdout
    assert "ok       Pulumi login: file://~" in result.stdout


def test_doctor_names_what_is_missing_and_how_to_get_it(sandbox):
    tmp, env, _ = sandbox
    env["PATH"] = _path(tmp)
    result = _run([sys.executable, "-m", "ladder", "doctor", "dev"], env)
    assert result.returncode == 1
    out = result.stdout
    assert "MISSING  Docker engine: `docker` is not on PATH" in out
    assert "https://docs.docker.com/engine/install/" in out
    assert "MISSING  Pulumi CLI" in out and "~/.pulumi/bin" in out and "(./up.sh does this)" in out
    assert "not ready" in out


def test_doctor_only_pulumi_missing_is_left_to_up_sh(sandbox):
    tmp, env, _ = sandbox
    env["PATH"] = _path(tmp, "docker")
    result = _run([sys.executable, "-m", "ladder", "doctor"], env)
    assert result.returncode == 3, result.stdout
    assert "ready for ./up.sh" in result.stdout


def test_doctor_aws_stack_checks_credentials_and_region(sandbox):
    tmp, env, state = sandbox
    env["PATH"] = _path(tmp, "pulumi")
    (state / "logged-in").touch()
    stack = str(ROOT / "configs" / "stacks" / "step1.yaml")
    without = _run([sys.executable, "-m", "ladder", "doctor", stack], env)
    assert without.returncode == 1
    assert "MISSING  AWS credentials" in without.stdout and "aws configure" in without.stdout
    assert "ok       AWS region: eu-south-1" in without.stdout
    assert "Docker" not in without.stdout  # an AWS stack needs no local engine
    env.update(AWS_ACCESS_KEY_ID="AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY="example-not-a-real-key")
    with_keys = _run([sys.executable, "-m", "ladder", "doctor", stack], env)
    assert with_keys.returncode == 0, with_keys.stdout
    assert "ok       AWS credentials: from env" in with_keys.stdout


# --- ./up.sh -------------------------------------------------------------------------------------

def test_up_sh_with_pulumi_present_logs_in_once_and_is_idempotent(sandbox):
    tmp, env, state = sandbox
    env["PATH"] = _path(tmp, "pulumi", "docker")
    first = _run([str(ROOT / "up.sh")], env)
    assert first.returncode == 0, first.stdout + first.stderr
    calls = _calls(state)
    assert "login --local" in calls and "passphrase" in first.stdout
    assert calls[-2:] == ["stack select --create dev", "up --stack dev"]
    (state / "calls").unlink()
    second = _run([str(ROOT / "up.sh"), "dev", "--yes"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    calls = _calls(state)
    assert not any(c.startswith("login") for c in calls), "a second run must not log in again"
    assert calls[-2:] == ["stack select --create dev", "up --stack dev --yes"]
    assert _calls(state, "curl-calls") == []


def test_up_sh_installs_pulumi_with_the_official_installer_when_missing(sandbox):
    tmp, env, state = sandbox
    env["PATH"] = _path(tmp, "docker", "curl")
    first = _run([str(ROOT / "up.sh")], env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _calls(state, "curl-calls") == ["-fsSL https://get.pulumi.com"]
    assert "into ~/.pulumi/bin" in first.stdout
    assert (Path(env["HOME"]) / ".pulumi" / "bin" / "pulumi").exists()
    assert _calls(state)[-1] == "up --stack dev"
    second = _run([str(ROOT / "up.sh")], env)
    assert second.returncode == 0
    assert len(_calls(state, "curl-calls")) == 1, "the CLI in ~/.pulumi/bin is found the second time"


def test_up_sh_stops_before_pulumi_when_docker_is_missing(sandbox):
    tmp, env, state = sandbox
    env["PATH"] = _path(tmp, "pulumi")
    result = _run([str(ROOT / "up.sh")], env)
    assert result.returncode == 1
    assert "MISSING  Docker engine" in result.stdout and "up.sh stops here" in result.stderr
    assert not any(c.startswith(("login", "stack", "up")) for c in _calls(state))


def test_shellcheck_up_sh_and_standins():
    if shutil.which("shellcheck") is None:
        if os.environ.get("CI"):
            pytest.fail("shellcheck missing in CI")
        pytest.skip("shellcheck missing (Debian shellcheck)")
    scripts = [ROOT / "up.sh", *sorted(STANDINS.iterdir())]
    result = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
