"""The `ladder` command as a user runs it: a fresh interpreter, the README's invocations."""
import hashlib
import json
import subprocess
import sys

from tests.stacks import ROOT

STEP0 = "configs/stacks/step0.yaml"


def ladder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ladder", *args], cwd=ROOT, capture_output=True, text=True)


def test_plan_json_lists_resources_with_protection_and_masked_secrets():
    result = ladder("plan", STEP0, "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    volume = [r for r in records if r["type"] == "aws:ebs/volume:Volume"][0]
    assert volume["protect"] and volume["retain_on_delete"] and volume["parent"] == "host"
    parameters = [r for r in records if r["type"] == "aws:ssm/parameter:Parameter"]
    assert parameters and all(p["inputs"]["value"] == "[secret]" for p in parameters)
    assert "generated-" not in result.stdout


def test_plan_tree_marks_what_holds_data():
    result = ladder("plan", "dev")
    assert result.returncode == 0, result.stderr
    assert "app-local-compose  (command:local:Command)" in result.stdout


def test_render_writes_every_artifact(tmp_path):
    result = ladder("render", STEP0, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("project/docker-compose.yml", "project/odoo.conf.base", "project/init-db.sh",
                 "host/user-data.yaml", "host/apply.sh", "host/bundle.tar", "host/ssm-document.json"):
        assert (tmp_path / name).is_file(), name
    sha256 = hashlib.sha256((tmp_path / "host" / "bundle.tar").read_bytes()).hexdigest()
    assert f"bundle sha256 {sha256} (S3 key bundles/{sha256}.tar)" in result.stdout
    assert f"bundles/{sha256}.tar" in (tmp_path / "host" / "ssm-document.json").read_text()


def test_diff_from_dev_to_aws_adds_the_host_and_removes_the_local_delivery():
    result = ladder("diff", "dev", STEP0)
    assert result.returncode == 0, result.stderr
    assert "+ host-data (aws:ebs/volume:Volume)" in result.stdout
    assert "- app-local-compose (command:local:Command)" in result.stdout


def test_a_bad_stack_file_gets_the_config_error_and_exit_2(tmp_path):
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  odoo-ladder:step: 12\n")
    result = ladder("plan", str(bad))
    assert result.returncode == 2
    assert "odoo-ladder:step" in result.stderr and "Traceback" not in result.stderr


def test_check_passes_a_clean_stack_and_says_so():
    result = ladder("check", "dev")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("no violations")


def test_check_prints_resource_rule_and_what_to_do_and_fails_on_a_mandatory_violation():
    result = ladder("check", "configs/stacks/step4.yaml")
    lines = [line for line in result.stdout.splitlines() if line.startswith("MANDATORY")]
    assert result.returncode == (1 if lines else 0)
    for line in lines:
        assert "(aws:" in line and "[" in line and ". Do: " in line
    assert result.stdout.strip().splitlines()[-1].endswith(f"{len(lines)} mandatory") or not lines
