"""Step 3's checks against real peers: moto_server for the stores, the host scan run for real."""
import json
import os
import subprocess
import sys

import pytest

from ladder.checks.secrets import HOST_SCAN, check_host_disk, check_store, host_scan_command, ssm_runner

REGION = "eu-south-1"
PATH = "/odoo-ladder/prod"
VALUES = {"db_password": "ScanDb111", "admin_passwd": "ScanMaster222", "admin_password": "ScanLogin333"}


@pytest.fixture
def aws(moto_endpoint, monkeypatch):
    import boto3
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_ENDPOINT_URL": moto_endpoint, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    boto3.client("ssm", region_name=REGION).delete_parameters(Names=[f"{PATH}/{k}" for k in VALUES])
    return lambda service: boto3.client(service, region_name=REGION)


def put_parameters(ssm, kind="SecureString"):
    for key, value in VALUES.items():
        ssm.put_parameter(Name=f"{PATH}/{key}", Value=value, Type=kind, Overwrite=True)


def test_store_check_passes_for_securestrings_and_names_what_is_wrong(aws):
    ssm = aws("ssm")
    names = {k: f"{PATH}/{k}" for k in VALUES}
    missing = check_store(ssm, "ssm", names)
    assert not missing.ok and "ParameterNotFound" in missing.detail and "pulumi up" in missing.detail
    put_parameters(ssm, kind="String")
    plain = check_store(ssm, "ssm", names)
    assert not plain.ok and "is a String, not a SecureString" in plain.detail
    put_parameters(ssm)
    assert check_store(ssm, "ssm", names).ok


def local_shell(command: str) -> str:
    """Runs the command as SSM would on the host, here: sh, with python3 being this interpreter."""
    shim = command.replace("python3 - ", f"{sys.executable} - ", 1)
    result = subprocess.run(["sh", "-c", shim], capture_output=True, text=True, env=os.environ.copy())
    if result.returncode:
        raise RuntimeError(result.stderr[-300:])
    return result.stdout


def test_host_scan_finds_a_secret_on_disk_and_names_only_the_file(aws, tmp_path, monkeypatch):
    put_parameters(aws("ssm"))
    monkeypatch.setattr("ladder.checks.secrets.HOST_ROOTS", (str(tmp_path),))
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "docker-compose.yml").write_text("services: {}\n")
    (tmp_path / "db-data").mkdir()
    (tmp_path / "db-data" / "skipped").write_text(VALUES["db_password"])
    clean = check_host_disk(local_shell, "ssm", REGION, PATH)
    assert clean.ok and "1 files scanned" in clean.detail
    (tmp_path / "project" / "odoo.conf").write_text(f"[options]\nadmin_passwd = {VALUES['admin_passwd']}\n")
    leaked = check_host_disk(local_shell, "ssm", REGION, PATH)
    assert not leaked.ok and str(tmp_path / "project" / "odoo.conf") in leaked.detail
    assert not any(v in leaked.detail for v in VALUES.values())


def test_the_scan_command_carries_no_secret_and_fails_closed_without_the_store(aws, tmp_path, monkeypatch):
    command = host_scan_command("ssm", REGION, PATH)
    assert HOST_SCAN.read_text() in command and not any(v in command for v in VALUES.values())
    monkeypatch.setattr("ladder.checks.secrets.HOST_ROOTS", (str(tmp_path),))
    result = check_host_disk(local_shell, "ssm", REGION, PATH)  # no parameters in the store
    assert not result.ok and "did not run to the end" in result.detail


def test_the_ssm_runner_sends_the_scan_through_run_command(aws):
    ec2 = aws("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ssm = aws("ssm")
    output = ssm_runner(ssm, instance, timeout=30)(host_scan_command("ssm", REGION, PATH))
    assert isinstance(output, str)  # moto does not run it, but takes the command as AWS would
    sent = ssm.list_commands(InstanceId=instance)["Commands"][0]
    assert sent["DocumentName"] == "AWS-RunShellScript"
    assert json.dumps(sent["Parameters"]["commands"]).count("ODOO_LADDER_SCAN") == 2
