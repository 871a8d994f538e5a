"""tools/odoo_base.py and deploy.yml's use of it: the image is built on the stack's Odoo version."""
import subprocess
import sys

import pytest
import yaml

from components.images import ODOO_BUILD, ODOO_BUILDS
from tests.stacks import ROOT

TOOL = ROOT / "tools" / "odoo_base.py"
EXAMPLE = ROOT / "configs" / "stacks" / "step6.yaml"
DEPLOY = ROOT / ".github" / "workflows" / "deploy.yml"


def stack_file(tmp_path, version: str) -> str:
    document = yaml.safe_load(EXAMPLE.read_text())
    document["config"]["odoo-ladder:odoo"]["version"] = version
    path = tmp_path / "Pulumi.step6.yaml"
    path.write_text(yaml.safe_dump(document))
    return str(path)


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60)


def test_the_base_of_an_18_stack_is_the_pinned_18_index():
    done = run_tool(str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ODOO_BUILD + "\n" and ODOO_BUILDS["18.0"] == ODOO_BUILD


@pytest.mark.parametrize("version", sorted({"17.0", "19.0"} - set(ODOO_BUILDS)))
def test_a_version_without_a_pin_stops_with_the_key_and_what_to_do(tmp_path, version):
    done = run_tool(stack_file(tmp_path, version))
    assert done.returncode == 2 and done.stdout == ""
    assert f"odoo-ladder:odoo.version: no base image is pinned for Odoo {version}" in done.stderr
    assert "components/images.py ODOO_BUILDS" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_stack_file_stops_with_the_loaders_message(tmp_path):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text("config:\n  odoo-ladder:target: aws\n  odoo-ladder:step: seven\n")
    done = run_tool(str(path))
    assert done.returncode == 2 and done.stdout == "" and "odoo-ladder:step" in done.stderr


def test_every_pin_is_an_official_index_of_its_version_that_image_digests_checks():
    from components.images import ALL
    for version, image in ODOO_BUILDS.items():
        assert image.startswith(f"odoo:{version}-") and "@sha256:" in image
        assert image in ALL.values(), f"{image}: tools/image_digests.py reads images.ALL; list it there too"


def _steps() -> list[dict]:
    (job,) = yaml.safe_load(DEPLOY.read_text())["jobs"].values()
    return job["steps"]


def test_deploy_builds_on_the_tools_answer_before_any_login_or_push():
    steps = _steps()
    base = next(i for i, s in enumerate(steps) if s.get("id") == "base")
    build = next(i for i, s in enumerate(steps) if s.get("id") == "build")
    logins = [i for i, s in enumerate(steps) if "login" in s.get("uses", "") or "credentials" in s.get("uses", "")]
    assert base < min(logins) < build
    assert 'tools/odoo_base.py "$STACK"' in steps[base]["run"]
    assert steps[build]["with"]["build-args"] == "ODOO_BASE=${{ steps.base.outputs.image }}"


def _run_step(tmp_path, stack: str) -> tuple[subprocess.CompletedProcess, str]:
    """The base step's script as the runner runs it (bash -e), with the project's venv and tools/."""
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "tools").symlink_to(ROOT / "tools")
    output = tmp_path / "github_output"
    output.write_text("")
    script = next(s for s in _steps() if s.get("id") == "base")["run"]
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "STACK": stack, "GITHUB_OUTPUT": str(output)})
    return done, output.read_text()


def test_the_step_writes_the_base_to_its_output(tmp_path):
    done, output = _run_step(tmp_path, str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert output == f"image={ODOO_BUILD}\n"


def test_the_step_fails_and_writes_nothing_for_a_version_without_a_pin(tmp_path):
    stack = stack_file(tmp_path, "17.0")
    (tmp_path / "run").mkdir()
    done, output = _run_step(tmp_path / "run", stack)
    assert done.returncode != 0 and output == ""
    assert "odoo-ladder:odoo.version" in done.stderr
