"""A Traefik stack's artifacts, checked by the tools that consume them (no example stack file: the
example stacks keep the roadmap's step presets)."""
import subprocess

from configs.load import from_mapping
from ladder.render import write_artifacts
from tests.stacks import aws
from tests.tools import require_tool, require_traefik


def rendered(tmp_path):
    write_artifacts(from_mapping("traefik", aws(1, proxy={"kind": "traefik"})), tmp_path)
    return tmp_path / "project"


def test_the_compose_file_with_traefik_is_valid(tmp_path):
    tool = require_tool("docker-compose")
    done = subprocess.run([tool, "-f", "docker-compose.yml", "config", "-q"], cwd=rendered(tmp_path),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_traefik_entrypoint_passes_shellcheck(tmp_path):
    tool = require_tool("shellcheck")
    script = rendered(tmp_path) / "proxy" / "traefik" / "start.sh"
    done = subprocess.run([tool, "--shell=sh", "--severity=style", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_traefik_refuses_an_unknown_static_key_so_the_lab_proves_ours_are_read(tmp_path):
    """The lab runs our static file; this shows Traefik would not silently ignore a misspelt key
    (e.g. queryParameters, which keeps tokens out of the log)."""
    traefik = require_traefik()
    bad = tmp_path / "bad.yml"
    bad.write_text("accessLog:\n  fields:\n    queryParameterz:\n      defaultMode: drop\n")
    done = subprocess.run([traefik, f"--configFile={bad}"], capture_output=True, text=True, timeout=20)
    assert done.returncode != 0 and "queryParameterz" in done.stdout + done.stderr
