"""odoo-upgrade-modules against botocore's Stubber (each call checked against the ECS model): a
success, a failed `odoo -u`, a task that never starts; and the script's exit code and message."""
import os
import subprocess
import sys

import boto3
import pytest
from botocore.stub import Stubber

from tests.cluster.test_upgrade import script

CLUSTER = "arn:aws:ecs:eu-south-1:123456789012:cluster/odoo-ladder-prod-cluster"
ARN = "arn:aws:ecs:eu-south-1:123456789012:task/odoo-ladder-prod-cluster/0123456789abcdef"
UPGRADE = script()
REQUEST = UPGRADE.run_task_request(CLUSTER, "odoo-ladder-prod-upgrade", ["subnet-a", "subnet-b"], "sg-1", "ENABLED")


def stubbed(stops: list[dict]) -> tuple:
    ecs = boto3.client("ecs", region_name="eu-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(ecs)
    stub.add_response("run_task", {"tasks": [{"taskArn": ARN, "lastStatus": "PROVISIONING"}], "failures": []},
                      REQUEST)
    for task in stops:
        stub.add_response("describe_tasks", {"tasks": [{"taskArn": ARN, **task}], "failures": []},
                          {"cluster": CLUSTER, "tasks": [ARN]})
    return ecs, stub


def stopped(code, reason="Essential container in task exited") -> dict:
    container = {"name": "odoo", "lastStatus": "STOPPED"}
    if code is not None:
        container["exitCode"] = code
    return {"lastStatus": "STOPPED", "stoppedReason": reason, "containers": [container]}


def test_a_successful_upgrade_returns_the_task():
    ecs, stub = stubbed([{"lastStatus": "RUNNING"}, stopped(0)])
    with stub:
        assert UPGRADE.upgrade(ecs, REQUEST, "sale,stock", 60, sleep=lambda s: None) == ARN
        stub.assert_no_pending_responses()


def test_a_failed_odoo_u_fails_naming_the_modules_the_task_and_the_code():
    ecs, stub = stubbed([stopped(1)])
    with stub, pytest.raises(UPGRADE.Failed) as failed:
        UPGRADE.upgrade(ecs, REQUEST, "sale,stock", 60, sleep=lambda s: None)
    message = str(failed.value)
    assert "odoo -u sale,stock failed" in message and ARN in message and "exit code 1" in message
    assert "old tasks keep serving" in message


def test_a_config_container_that_failed_leaves_odoo_without_exit_code_and_fails():
    ecs, stub = stubbed([stopped(None, "Essential container in task exited")])
    with stub, pytest.raises(UPGRADE.Failed, match="exit code None"):
        UPGRADE.upgrade(ecs, REQUEST, "sale", 60, sleep=lambda s: None)


def test_a_task_that_never_starts_is_stopped_and_fails_at_the_timeout():
    clock = iter([0, 10, 61]).__next__
    ecs, stub = stubbed([{"lastStatus": "PROVISIONING"}, {"lastStatus": "PENDING"}])
    stub.add_response("stop_task", {"task": {"taskArn": ARN}},
                      {"cluster": CLUSTER, "task": ARN, "reason": "odoo-ladder: the upgrade timed out"})
    with stub, pytest.raises(UPGRADE.Failed) as failed:
        UPGRADE.upgrade(ecs, REQUEST, "all", 60, sleep=lambda s: None, clock=clock)
    assert "odoo -u all" in str(failed.value) and "did not finish in 60 s" in str(failed.value)
    assert "last status PENDING" in str(failed.value)
    stub.assert_no_pending_responses()


def test_a_task_ecs_refuses_to_start_fails_with_the_failures():
    ecs = boto3.client("ecs", region_name="eu-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(ecs)
    stub.add_response("run_task", {"tasks": [], "failures": [{"reason": "RESOURCE:MEMORY"}]}, REQUEST)
    with stub, pytest.raises(UPGRADE.Failed, match="did not start.*RESOURCE:MEMORY"):
        UPGRADE.upgrade(ecs, REQUEST, "sale", 60)


def test_the_script_exits_non_zero_with_the_message_when_aws_refuses():
    """Run as pulumi runs it, with the program's interpreter; no AWS here, so the call fails
    (an endpoint that refuses connections) and the script must not report a success."""
    env = {**os.environ, "AWS_REGION": "eu-south-1", "UPGRADE_CLUSTER": CLUSTER,
           "UPGRADE_TASK_DEFINITION": "odoo-ladder-prod-upgrade", "UPGRADE_SUBNETS": "subnet-a,subnet-b",
           "UPGRADE_SECURITY_GROUP": "sg-1", "UPGRADE_PUBLIC_IP": "ENABLED", "UPGRADE_MODULES": "sale",
           "UPGRADE_TIMEOUT": "60", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "AWS_ENDPOINT_URL_ECS": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    done = subprocess.run([sys.executable, str(UPGRADE.__file__)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "done in task" not in done.stdout
    assert "odoo -u sale: ECS refused or could not be reached" in done.stderr and "old tasks keep serving" in done.stderr
