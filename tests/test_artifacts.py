"""Every rendered artifact passes the real tool that will consume it."""
import json
import subprocess
from pathlib import Path

import pytest

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
    document = rendered / "host" / "ssm-document.json"
    if document.exists():
        lines = json.loads(document.read_text())["mainSteps"][0]["inputs"]["runCommand"]
        inner = rendered / "host" / "ssm-document-script.sh"
        inner.write_text("\n".join(lines[1:lines.index("ODOO_LADDER_SCRIPT")]) + "\n")
        scripts.append(inner)
    assert scripts
    result = run(tool, "-x", *map(str, scripts))
    assert result.returncode == 0, result.stdout


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
