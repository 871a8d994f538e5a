"""odoo.update_modules at step 7 (mocked): a one-off `odoo -u` task definition, run by a command the
services wait for, once per (image, modules); the RunTask request checked against botocore's model."""
import importlib.machinery
import importlib.util
import json

import pytest

from components.cluster.upgrade import SCRIPT, TIMEOUT_SECONDS
from ladder.limits import request_problems
from tests.cluster.stack import image_for, run7

TASK = "aws:ecs/taskDefinition:TaskDefinition"
COMMAND = "command:local:Command"
SERVICE = "aws:ecs/service:Service"


def script():
    loader = importlib.machinery.SourceFileLoader("odoo_upgrade_modules", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    return run7(odoo={"version": "18.0", "update_modules": ["sale", "stock"]})


def test_without_update_modules_nothing_runs_an_upgrade():
    plain = run7()
    assert plain.of_type(COMMAND) == []
    assert not [t for t in plain.of_type(TASK) if t.name == "cluster-tasks-upgrade"]


def test_the_upgrade_definition_runs_odoo_u_with_the_cron_tasks_image_and_config(run):
    upgrade = {c["name"]: c for c in json.loads(run.named(TASK, "cluster-tasks-upgrade").inputs["containerDefinitions"])}
    cron = {c["name"]: c for c in json.loads(run.named(TASK, "cluster-tasks-cron").inputs["containerDefinitions"])}
    assert upgrade["odoo"]["command"] == ["odoo", "-u", "sale,stock", "--stop-after-init", "--no-http"]
    assert upgrade["odoo"]["image"] == cron["odoo"]["image"] == image_for("prod")
    # The image's entrypoint (odoo.conf from the store with the task's role), EFS, RDS: all as the cron task.
    assert {**upgrade["odoo"], "command": None} == {**cron["odoo"], "command": None}
    assert upgrade["config"] == cron["config"]        # the same odoo.conf (RDS over verify-full, no HTTP)
    assert run.named(TASK, "cluster-tasks-upgrade").inputs["volumes"] == run.named(TASK, "cluster-tasks-cron").inputs["volumes"]
    assert run.named(TASK, "cluster-tasks-upgrade").inputs["family"] == "odoo-ladder-prod-upgrade"


def test_no_secret_in_the_definition_or_the_command(run):
    secrets = {r.inputs.get("result") for r in run.of_type("random:index/randomPassword:RandomPassword")}
    secrets |= {"generated-credentials-admin_password", "generated-credentials-db_password",
                "generated-credentials-admin_passwd"}
    text = run.named(TASK, "cluster-tasks-upgrade").inputs["containerDefinitions"]
    assert not any(secret and secret in text + json.dumps(run.one(COMMAND).inputs) for secret in secrets)
    for container in json.loads(text):
        assert "secrets" not in container
        for variable in container.get("environment", []):
            assert "db_password" not in variable["value"] and "admin_passwd" not in variable["value"]
    assert not any("PASS" in key.upper() for key in run.one(COMMAND).inputs["environment"])


def test_it_runs_once_per_image_and_module_list(run):
    command = run.one(COMMAND).inputs
    assert command["triggers"] == [image_for("prod"), "sale,stock"]
    assert str(SCRIPT) in command["create"] and command["update"] == command["create"]
    assert command["environment"]["UPGRADE_MODULES"] == "sale,stock"
    assert command["environment"]["UPGRADE_TIMEOUT"] == str(TIMEOUT_SECONDS)


def test_the_web_and_cron_services_wait_for_the_upgrade(run):
    command = run.one(COMMAND).urn
    services = run.of_type(SERVICE)
    assert len(services) == 2 and all(command in s.dependencies for s in services)


def test_the_run_task_request_passes_botocore(run):
    env = run.one(COMMAND).inputs["environment"]
    request = script().run_task_request(env["UPGRADE_CLUSTER"] or "arn:aws:ecs:eu-south-1:1:cluster/c",
                                        env["UPGRADE_TASK_DEFINITION"] or "odoo-ladder-prod-upgrade",
                                        env["UPGRADE_SUBNETS"].split(","), env["UPGRADE_SECURITY_GROUP"],
                                        env["UPGRADE_PUBLIC_IP"])
    assert request_problems("ecs", "RunTask", request) == []
    assert env["UPGRADE_PUBLIC_IP"] == "ENABLED"
    assert request_problems("ecs", "RunTask", {**request, "launchType": "EC2_SPOT"}), "the check can fail"
