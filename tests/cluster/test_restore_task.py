"""Restore without the host: odoo-restore as a one-off ECS task definition (mocked), its role's
rights (read sets, decrypt only, the master's secret), and its shell line run for real."""
import importlib.machinery
import importlib.util
import json
import stat
import subprocess
import tempfile

import pytest

from components.cluster.restore_task import COMMAND, SCRIPT, database_env
from tests.cluster.stack import run7

TASK = "aws:ecs/taskDefinition:TaskDefinition"
POLICY = "aws:iam/rolePolicy:RolePolicy"


@pytest.fixture(scope="module")
def run():
    return run7()


def containers(run) -> dict:
    return {c["name"]: c for c in json.loads(run.named(TASK, "cluster-restore-definition").inputs["containerDefinitions"])}


def env_of(container: dict) -> dict:
    return {e["name"]: e["value"] for e in container["environment"]}


def parsed_database_env(run) -> dict:
    """The database.env the config container writes, read by odoo-restore's own parser."""
    loader = importlib.machinery.SourceFileLoader("odoo_restore_script", str(SCRIPT))
    script = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(script)
    with tempfile.NamedTemporaryFile("w", suffix=".env") as handle:
        handle.write(env_of(containers(run)["config"])["ODOO_LADDER_DATABASE_ENV"])
        handle.flush()
        return script.read_env_file(handle.name)


def test_a_one_off_definition_that_nothing_schedules(run):
    task = run.named(TASK, "cluster-restore-definition").inputs
    assert task["family"] == run.outputs["restore_task_family"] == "odoo-ladder-prod-restore"
    assert task["requiresCompatibilities"] == ["FARGATE"]
    for schedule in run.of_type("aws:scheduler/schedule:Schedule"):
        assert schedule.inputs["target"]["ecsParameters"]["taskDefinitionArn"].endswith("cluster-backup-definition")
    env = env_of(containers(run)["restore"])
    # Without an override it only lists the sets: nothing is restored by accident.
    assert env["RESTORE_ARGS"] == "--list"
    assert env["BACKUP_BUCKET"] == run.outputs["backup_bucket"] and env["BACKUP_PREFIX"] == "odoo"
    assert env["ODOO_DATA_DIR"] == "/var/lib/odoo" and env["BACKUP_WORK_DIR"].startswith("/tmp/")
    assert env["RESTORE_ODOO_CONF"] == env["ODOO_LADDER_CONFIG_OUT"]  # the complete config, on tmpfs
    mounts = {m["sourceVolume"]: m["containerPath"] for m in containers(run)["restore"]["mountPoints"]}
    assert mounts == {"filestore": "/var/lib/odoo", "config": "/etc/odoo-ladder/task"}


def test_the_database_env_points_odoo_restore_at_rds_over_verified_tls(run):
    config = containers(run)["config"]
    text = env_of(config)["ODOO_LADDER_DATABASE_ENV"]
    assert "/etc/odoo-ladder/task/database.env" in config["command"][0]
    values = parsed_database_env(run)
    assert values["DB_KIND"] == "rds" and values["PGSSLMODE"] == "verify-full"
    assert values["PGHOST"] == run.outputs["database_address"] and values["PGPORT"] == "5432"
    assert values["PGSSLROOTCERT"] == "/etc/odoo-ladder/rds-ca.pem"
    assert values["MASTER_SECRET_ARN"].startswith("arn:")
    assert "password" not in text.lower()


def test_no_secret_in_the_definition(run):
    secrets = {r.inputs.get("result") for r in run.of_type("random:index/randomPassword:RandomPassword")}
    text = run.named(TASK, "cluster-restore-definition").inputs["containerDefinitions"]
    assert not any(secret and secret in text for secret in secrets)
    for container in json.loads(text):
        assert "secrets" not in container
        for variable in container.get("environment", []):
            assert "PASSWORD" not in variable["name"].upper()
            assert "db_password" not in variable["value"]


def test_its_role_reads_sets_and_writes_none(run):
    role = run.named("aws:iam/role:Role", "cluster-restore-task").inputs
    assert role["name"] == "odoo-ladder-prod-restore"
    assert run.named(TASK, "cluster-restore-definition").inputs["taskRoleArn"] == run.outputs["restore_task_role_arn"]
    sets = json.loads(run.named(POLICY, "cluster-restore-sets").inputs["policy"])
    actions = {a for s in sets["Statement"] for a in s["Action"]}
    assert {"s3:GetObject", "s3:ListBucket", "kms:Decrypt"} <= actions
    assert not [a for a in actions if a.startswith("s3:Put") or a.startswith("s3:Delete") or a == "kms:GenerateDataKey"]
    master = json.loads(run.named(POLICY, "cluster-restore-master-read").inputs["policy"])
    assert master["Statement"][0]["Action"] == ["secretsmanager:GetSecretValue"]
    assert master["Statement"][0]["Resource"] == [parsed_database_env(run)["MASTER_SECRET_ARN"]]


def test_the_backup_key_lets_it_decrypt_through_s3_only(run):
    policy = json.loads(run.named("aws:kms/key:Key", "backup-key").inputs["policy"])
    statement = {s["Sid"]: s for s in policy["Statement"]}["RestoreTaskDecryptsThroughS3ForThisBucketOnly"]
    assert statement["Action"] == ["kms:Decrypt"]
    assert statement["Condition"]["ArnEquals"] == {
        "aws:PrincipalArn": "arn:aws:iam::123456789012:role/odoo-ladder-prod-restore"}
    assert statement["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-south-1.amazonaws.com"}
    # The bucket policy's deny names the host only: the task's reads are not refused.
    bucket = json.loads(run.named("aws:s3/bucketPolicy:BucketPolicy", "backup-tls-only").inputs["policy"])
    denies = [s for s in bucket["Statement"] if s["Sid"] == "HostNeverReadsSetsBack"]
    assert "restore" not in json.dumps(denies)


def test_the_role_name_fits_iam_for_the_longest_stack_name():
    from components.backup.policy import restore_task_role_name
    assert len(restore_task_role_name("a" * 40)) <= 64


def test_no_restore_task_without_backups():
    run = run7(backup={"enabled": False})
    assert not [r for r in run.of_type(TASK) if r.name == "cluster-restore-definition"]
    assert "restore_task_family" not in run.outputs


@pytest.mark.parametrize("args, expected", [(None, ["--list"]), ("", ["--list"]),
                                            ("--set 2026-11-01T031500Z --target-db odoo_check",
                                             ["--set", "2026-11-01T031500Z", "--target-db", "odoo_check"])])
def test_the_shell_line_passes_restore_args_as_words(tmp_path, args, expected):
    """The container's command, run by the real sh with a stand-in python3 that prints its argv."""
    fake = tmp_path / "python3"
    fake.write_text('#!/bin/sh\nshift\nfor a in "$@"; do echo "$a"; done\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin"}
    if args is not None:
        env["RESTORE_ARGS"] = args
    out = subprocess.run(["/bin/sh", "-c", COMMAND], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:-1] == expected


def test_database_env_holds_no_password():
    assert "PASSWORD" not in database_env("db.example", "arn:aws:secretsmanager:x", "eu-south-1").upper()
