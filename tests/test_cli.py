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
    assert "credentials-db_password  (random:index/randomPassword:RandomPassword)  [holds data]" in result.stdout


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


def test_diff_step2_to_step3_prints_replacements_data_warnings_and_the_summary():
    result = ladder("diff", "configs/stacks/step2.yaml", "configs/stacks/step3.yaml")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for line in ("+- replace credentials-db_password (random:index/randomPassword:RandomPassword): keepers  "
                 "!! holds data: a generated password in use by the database or Odoo; replacing deletes the old one",
                 "0 to add, 2 to update, 4 to replace, 0 to remove",
                 "What this move does:",
                 "  ports: port 443/udp opens to the world",
                 "  services: service caddy is added",
                 "  services: service nginx is removed",
                 "  certificates: the proxy switches from nginx to caddy: a new certificate is issued for "
                 "erp.example.org (nginx's is not carried over); each switch counts against Let's Encrypt's "
                 "rate limits",
                 "  secrets: the generated password credentials-db_password rotates: the apply stores the new "
                 "value, sets the database role's password and restarts Odoo",
                 "  downtime: nginx stops and caddy starts: the site is down until caddy has its certificate",
                 "  manual steps: none"):
        assert line in lines, line
    assert lines.index("What this move does:") == lines.index("0 to add, 2 to update, 4 to replace, 0 to remove") + 1


def test_diff_marks_a_replacement_and_the_data_at_risk(tmp_path):
    pinned = tmp_path / "Pulumi.pinned.yaml"
    pinned.write_text((ROOT / STEP0).read_text().replace("    data_volume_gb: 30", "    data_volume_gb: 30\n"
                                                         "    ami: ami-0123456789abcdef0"))
    result = ladder("diff", STEP0, str(pinned))
    assert result.returncode == 0, result.stderr
    assert "+- replace host-instance (aws:ec2/instance:Instance): ami" in result.stdout
    assert "downtime: the host host-instance is replaced (ami)" in result.stdout
    # A move that would remove the bucket is refused, as `pulumi up` refuses it (configs/moves.py).
    down = ladder("diff", "configs/stacks/step4.yaml", "configs/stacks/step3.yaml")
    assert down.returncode == 2 and down.stdout == ""
    assert "move refused:" in down.stderr and "set backup.retain: true to keep the bucket" in down.stderr


def test_diff_of_two_stack_names_with_the_same_settings_is_empty(tmp_path):
    other = tmp_path / "Pulumi.other-name.yaml"
    other.write_text((ROOT / STEP0).read_text())
    result = ladder("diff", STEP0, str(other))
    assert result.returncode == 0, result.stderr
    assert "0 to add, 0 to update, 0 to replace, 0 to remove" in result.stdout


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
