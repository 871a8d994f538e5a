"""Backups without the host: odoo-backup as a scheduled ECS task (mocked), and the task's shell
lines run for real (sh, base64, gunzip) in a private mount namespace."""
import json
import os
import subprocess
import textwrap

import pytest

from components.cluster.backup_task import SCRIPT, schedule_expression
from components.cluster.containers import CONFIG_DIR
from tests.cluster.stack import run7
from tests.tools import require_root, require_tool

TASK = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.fixture(scope="module")
def run():
    return run7(backup={"time": "02:45"})


def containers(run) -> dict:
    return {c["name"]: c for c in json.loads(run.named(TASK, "cluster-backup-definition").inputs["containerDefinitions"])}


def test_eventbridge_scheduler_runs_the_task_daily_at_backup_time(run):
    schedule = run.one("aws:scheduler/schedule:Schedule").inputs
    assert schedule["scheduleExpression"] == "cron(45 2 * * ? *)" and schedule["scheduleExpressionTimezone"] == "UTC"
    ecs = schedule["target"]["ecsParameters"]
    assert ecs["launchType"] == "FARGATE" and ecs["taskCount"] == 1
    assert ecs["taskDefinitionArn"] == "arn:aws:mock:eu-south-1:123456789012:cluster-backup-definition"
    assert schedule["target"]["arn"] == "arn:aws:mock:eu-south-1:123456789012:cluster-services-cluster"
    assert schedule_expression("00:05") == "cron(5 0 * * ? *)"


def test_the_scheduler_may_run_only_this_task_and_pass_only_its_roles(run):
    policy = json.loads(run.named("aws:iam/rolePolicy:RolePolicy", "cluster-backup-scheduler").inputs["policy"])
    run_task, pass_role = policy["Statement"]
    assert run_task["Action"] == "ecs:RunTask"
    assert run_task["Resource"] == "arn:aws:ecs:eu-south-1:123456789012:task-definition/odoo-ladder-prod-backup:*"
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    trust = json.loads(run.named("aws:iam/role:Role", "cluster-backup-scheduler").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}


def test_the_task_writes_the_same_sets_to_the_same_bucket(run):
    env = {e["name"]: e["value"] for e in containers(run)["backup"]["environment"]}
    assert env["BACKUP_BUCKET"] == "backup-bucket-0a1b2c3" and env["BACKUP_PREFIX"] == "odoo"
    assert env["ODOO_DB"] == "odoo" and env["PGUSER"] == "odoo" and env["PGHOST"].endswith(".rds.amazonaws.com")
    assert not any("PASSWORD" in name for name in env)
    sets = json.loads(run.named("aws:iam/rolePolicy:RolePolicy", "cluster-backup-sets").inputs["policy"])
    assert sets["Statement"][0]["Resource"] == ["arn:aws:s3:::backup-bucket-0a1b2c3/odoo/*"]
    assert "s3:DeleteObject" not in json.dumps(sets)
    mounts = {m["containerPath"] for m in containers(run)["backup"]["mountPoints"]}
    assert "/var/lib/odoo" in mounts
    assert run.outputs["backup_task_role_arn"]
    # A fixed name: the backup key's policy names the role by ARN (aws:PrincipalArn) before it exists.
    assert run.named("aws:iam/role:Role", "cluster-backup-task").inputs["name"] == "odoo-ladder-prod-backup-task"


def test_the_backup_task_role_name_fits_iam_for_the_longest_stack_name():
    from components.backup.policy import backup_task_role_name
    assert len(backup_task_role_name("a" * 40)) == 64  # IAM's limit; stack names stop at 40 (configs/stack_name.py)


def test_complete_sets_are_counted_for_the_backup_age_alarm(run):
    metric = run.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs
    assert metric["logGroupName"] == "/odoo-ladder/prod/ecs"
    assert metric["metricTransformation"]["namespace"] == "OdooLadder/prod"
    alarm = [a for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
             if a.inputs["name"] == "odoo-ladder-prod-backup-age"][0].inputs
    assert (alarm["namespace"], alarm["metricName"]) == ("OdooLadder/prod", metric["metricTransformation"]["name"])


def test_without_backups_there_is_no_backup_task():
    assert not run7(backup={"enabled": False}).of_type("aws:scheduler/schedule:Schedule")


def test_the_task_lines_pass_shellcheck(run, tmp_path):
    shellcheck = require_tool("shellcheck")
    for name in ("config", "backup"):
        script = tmp_path / f"{name}.sh"
        script.write_text("#!/bin/sh\n" + containers(run)[name]["command"][-1] + "\n")
        result = subprocess.run([shellcheck, "-s", "sh", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_the_shipped_lines_unpack_the_script_and_write_a_pgpass_without_env(run, tmp_path):
    """Run in `unshare --mount`: /etc an overlay (nothing lands in the machine's /etc), tmpfs at
    CONFIG_DIR and /dev/shm as in the task; python3 is a stand-in that reports what
    odoo-backup would get."""
    require_root()
    for tool in ("unshare", "sh", "base64", "gunzip"):
        require_tool(tool)
    found = containers(run)
    config, backup = found["config"], found["backup"]
    env = {e["name"]: e["value"] for e in config["environment"]}
    password = r"pa:ss\word-0123456789abcdef"
    stub = tmp_path / "bin" / "python3"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\necho "args=$*"\necho "passfile=$PGPASSFILE"\ncat "$PGPASSFILE"\n'
                    'stat -c "mode=%a" "$PGPASSFILE"\nenv | grep -c PASSWORD || true\n')
    stub.chmod(0o755)
    odoo_rc = tmp_path / "odoo.conf"
    (tmp_path / "up").mkdir()
    (tmp_path / "work").mkdir()
    outer = textwrap.dedent(f"""\
        set -e
        mount -t overlay overlay -o lowerdir=/etc,upperdir="$WORK/up",workdir="$WORK/work" /etc
        mkdir -p "$CONFIG_DIR" && mount -t tmpfs tmpfs "$CONFIG_DIR"
        mount -t tmpfs tmpfs /dev/shm && mkdir -m 700 /dev/shm/odoo-ladder
        sh -c "$CONFIG_LINE"
        cmp "$CONFIG_DIR/odoo-backup" "$SCRIPT_PATH"
        printf '[options]\\ndb_password = %s\\n' "$PW" > "$ODOO_RC"
        unset PW
        PATH="$STUB_DIR:$PATH" sh -c "$BACKUP_LINE"
        """)
    result = subprocess.run(
        ["unshare", "--mount", "--fork", "sh", "-c", outer], capture_output=True, text=True, timeout=60,
        env={**os.environ, **env, "CONFIG_LINE": config["command"][-1], "BACKUP_LINE": backup["command"][-1],
             "SCRIPT_PATH": str(SCRIPT), "PW": password, "ODOO_RC": str(odoo_rc), "STUB_DIR": str(stub.parent), "WORK": str(tmp_path), "CONFIG_DIR": CONFIG_DIR})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"args={CONFIG_DIR}/odoo-backup"
    assert lines[1] == "passfile=/dev/shm/odoo-ladder/pgpass"
    assert lines[2] == r"*:*:*:*:pa\:ss\\word-0123456789abcdef"  # libpq's escapes for ':' and '\'
    assert lines[3] == "mode=600" and lines[4] == "0"


def test_the_backup_key_lets_the_task_role_encrypt_through_s3_for_this_bucket_only(run):
    """The sets are written under the backup bucket's own key: without this statement every scheduled
    run fails at its first upload (KMS AccessDenied)."""
    policy = json.loads(run.named("aws:kms/key:Key", "backup-key").inputs["policy"])
    role_name = run.named("aws:iam/role:Role", "cluster-backup-task").inputs["name"]
    task = [s for s in policy["Statement"] if s["Sid"] == "BackupTaskUsesItThroughS3ForThisBucketOnly"]
    assert len(task) == 1
    assert task[0]["Condition"]["ArnEquals"] == {"aws:PrincipalArn": f"arn:aws:iam::123456789012:role/{role_name}"}
    assert task[0]["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")
    assert "kms:GenerateDataKey" in task[0]["Action"]
