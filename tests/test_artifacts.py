"""Every rendered artifact passes the real tool that will consume it."""
import json
import subprocess
from pathlib import Path

import pytest

from components.delivery.artifact import unpack
from components.delivery.local import RUN_BUNDLE
from configs.load import from_stack_file
from ladder.render import write_artifacts
from tests.stacks import EXAMPLES, ROOT
from tests.tools import require_tool

STACKS = ["dev", *[str(p) for p in EXAMPLES]]


@pytest.fixture(scope="module", params=STACKS, ids=lambda s: Path(s).stem)
def rendered(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(Path(request.param).stem)
    write_artifacts(from_stack_file(request.param), out)
    return out


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def test_compose_file_is_valid(rendered):
    tool = require_tool("docker-compose")
    result = run(tool, "-f", "docker-compose.yml", "config", "-q", cwd=rendered / "project")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: Path(s).stem)
def test_user_data_is_valid_cloud_config(stack, tmp_path):
    write_artifacts(from_stack_file(stack), tmp_path)
    user_data = tmp_path / "host" / "user-data.yaml"
    tool = require_tool("cloud-init")
    result = run(tool, "schema", "--config-file", str(user_data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid" in result.stdout


def test_rendered_scripts_pass_shellcheck(rendered):
    tool = require_tool("shellcheck")
    scripts = sorted(p for p in rendered.rglob("*.sh"))
    # The local delivery's command, which unpacks the bundle and runs its apply script, is bash.
    runner = rendered / "local-run-bundle.sh"
    runner.write_text("#!/bin/bash\n" + RUN_BUNDLE)
    scripts.append(runner)
    assert scripts
    result = run(tool, "-x", *map(str, scripts))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: Path(s).stem)
def test_the_ssm_document_script_passes_shellcheck_as_sh(stack, tmp_path):
    """runShellScript runs the document's lines with /bin/sh, so they are checked as POSIX sh."""
    tool = require_tool("shellcheck")
    write_artifacts(from_stack_file(stack), tmp_path)
    lines = json.loads((tmp_path / "host" / "ssm-document.json").read_text())["mainSteps"][0]["inputs"]["runCommand"]
    script = tmp_path / "ssm-document-script.sh"
    script.write_text("\n".join(["#!/bin/sh", *lines]) + "\n")
    result = run(tool, "--shell=sh", str(script))
    assert result.returncode == 0, result.stdout


def test_the_bundle_is_the_project_and_the_apply_script_as_rendered(rendered):
    folder = rendered / ("host" if (rendered / "host").exists() else "local")
    members = unpack((folder / "bundle.tar").read_bytes())
    assert members.pop("apply.sh") == (folder / "apply.sh").read_text()
    project = {f"project/{p.relative_to(rendered / 'project')}": p.read_text()
               for p in (rendered / "project").rglob("*") if p.is_file()}
    assert members == project
    sha = run("sha256sum", "-c", "bundle.sha256", cwd=folder)
    assert sha.returncode == 0, sha.stdout + sha.stderr


def test_repository_shell_scripts_pass_shellcheck():
    tool = require_tool("shellcheck")
    scripts = [p for p in ROOT.rglob("*.sh") if "venv" not in p.parts and ".git" not in p.parts]
    scripts += [ROOT / ".ci" / "run"]
    result = run(tool, *map(str, scripts))
    assert result.returncode == 0, result.stdout


def test_rendered_artifacts_carry_no_secret_values(rendered):
    for path in rendered.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "generated-" not in text and "stack-file-secret" not in text, path
