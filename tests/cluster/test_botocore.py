"""Step 7's inputs checked offline against botocore's models of the real calls (RegisterTaskDefinition,
CreateService, CreateLoadBalancer and its attributes, CreateTargetGroup, CreateListener, EFS,
PutScalingPolicy, PutMetricAlarm) and the limits mocks cannot see (ladder/limits.py)."""
import copy
import json

import pytest

from ladder.limits import check
from tests.cluster.stack import run7

VARIANTS = {"rolling": {}, "blue_green_private": {"cluster": {"deployment": "blue_green", "private_tasks": True}},
            "x86_17": {"cluster": {"architecture": "x86_64"}, "odoo": {"version": "17.0"}}}


def records_of(run) -> list[dict]:
    return [{"type": r.type, "name": r.name, "inputs": copy.deepcopy(r.inputs)} for r in run.resources]


@pytest.fixture(scope="module")
def records():
    return records_of(run7())


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_step7_input_passes_botocore_and_the_limits(variant):
    report = check(records_of(run7(**VARIANTS[variant])))
    assert report.failures() == []
    checked = {line.split("(")[1].split(")")[0] for line in report.lines()}
    assert {"aws:ecs/taskDefinition:TaskDefinition", "aws:lb/loadBalancer:LoadBalancer",
            "aws:lb/targetGroup:TargetGroup"} <= checked


TYPES = {"cluster-tasks": "aws:ecs/taskDefinition:TaskDefinition", "cluster-services": "aws:ecs/service:Service",
         "cluster-lb-alb": "aws:lb/loadBalancer:LoadBalancer", "cluster-lb-blue": "aws:lb/targetGroup:TargetGroup",
         "cluster-lb-http": "aws:lb/listener:Listener", "cluster-filestore": "aws:efs/accessPoint:AccessPoint",
         "cluster-alarms": "aws:cloudwatch/metricAlarm:MetricAlarm",
         "cluster-lb-https-site": "aws:lb/listenerRule:ListenerRule"}


def _with(records: list[dict], name: str, change) -> list[dict]:
    """The records with one resource's inputs changed (found by name and by its type: names repeat)."""
    type_ = TYPES[max((p for p in TYPES if name.startswith(p)), key=len)]
    changed = copy.deepcopy(records)
    found = [r for r in changed if r["name"] == name and r["type"] == type_]
    assert len(found) == 1, name
    change(found[0]["inputs"])
    return changed


def _containers(change):
    def apply(inputs):
        definitions = json.loads(inputs["containerDefinitions"])
        change({c["name"]: c for c in definitions})
        inputs["containerDefinitions"] = json.dumps(definitions)
    return apply


def failures(records, name, change) -> list[str]:
    return check(_with(records, name, change)).failures()


def test_register_task_definition_refuses_a_bad_container(records):
    found = failures(records, "cluster-tasks-web", _containers(lambda c: c["odoo"].update(essential="yes")))
    assert any("ecs RegisterTaskDefinition" in f and "essential" in f for f in found), found


def test_a_health_check_start_period_over_300_and_a_long_stop_timeout_are_refused(records):
    def change(c):
        c["odoo"]["healthCheck"]["startPeriod"] = 400
        c["proxy"]["stopTimeout"] = 200
    found = failures(records, "cluster-tasks-web", _containers(change))
    assert any("startPeriod 400" in f for f in found) and any("stopTimeout 200" in f for f in found)


def test_container_definitions_over_64_kib_are_refused(records):
    found = failures(records, "cluster-tasks-web", _containers(
        lambda c: c["config"]["environment"].append({"name": "PAD", "value": "x" * 70_000})))
    assert any(f.startswith("OVER") and "ECS container definitions" in f for f in found)


def test_a_pair_fargate_does_not_run_is_refused_in_the_plan(records):
    found = failures(records, "cluster-tasks-web", lambda i: i.update(memory="1024"))
    assert any("not a Fargate pair" in f for f in found)


def test_create_service_refuses_an_unknown_strategy_and_launch_type(records):
    def change(inputs):
        inputs["deploymentConfiguration"]["strategy"] = "PURPLE"
        inputs["launchType"] = "EC3"
    found = failures(records, "cluster-services-web", change)
    assert any("ecs CreateService" in f and "PURPLE" in f for f in found)
    assert any("ecs CreateService" in f and "EC3" in f for f in found)


def test_a_load_balancer_name_over_32_or_with_dots_is_refused(records):
    found = failures(records, "cluster-lb-alb", lambda i: i.update(name="ol-" + "a" * 30))
    assert any(f.startswith("OVER") and "load balancer name" in f for f in found)
    found = failures(records, "cluster-lb-blue", lambda i: i.update(name="ol.prod.blue"))
    assert any("letters, digits and hyphens" in f for f in found)


def test_an_idle_timeout_over_4000_is_refused(records):
    assert any("idle timeout 5000" in f for f in failures(records, "cluster-lb-alb", lambda i: i.update(idleTimeout=5000)))


def test_a_health_check_interval_over_300_is_refused(records):
    found = failures(records, "cluster-lb-blue", lambda i: i["healthCheck"].update(interval=600))
    assert any("elbv2 CreateTargetGroup" in f and "HealthCheckIntervalSeconds" in f for f in found)


def test_a_redirect_with_a_bad_status_code_is_refused(records):
    found = failures(records, "cluster-lb-http", lambda i: i["defaultActions"][0]["redirect"].update(
        statusCode="HTTP_308"))
    assert any("elbv2 CreateListener" in f and "HTTP_308" in f for f in found)


def test_an_access_point_with_bad_permissions_is_refused(records):
    found = failures(records, "cluster-filestore-access-point",
                     lambda i: i["rootDirectory"]["creationInfo"].update(permissions="rwx"))
    assert any("efs CreateAccessPoint" in f and "rwx" in f for f in found)


def test_an_alarm_window_over_a_day_is_refused(records):
    found = failures(records, "cluster-alarms-web-cpu", lambda i: i.update(period=3000, evaluationPeriods=30))
    assert any("above CloudWatch's" in f for f in found)


def test_a_listener_rule_priority_below_1_is_refused(records):
    found = failures(records, "cluster-lb-https-site", lambda i: i.update(priority=0))
    assert any("elbv2 CreateRule" in f and "Priority" in f for f in found), found


def test_the_longest_stack_name_fits_every_name_limit():
    """Stack names are at most 40 of [a-z0-9_-] (configs/stack_name.py); `_` is not allowed in ELB names."""
    stack = "acme_corporation-production-eu-south-1-x"
    assert len(stack) == 40
    report = check(records_of(run7(stack=stack, cluster={"deployment": "blue_green"})))
    assert report.failures() == []
    names = [m for m in report.measures if "load balancer name" in m.what or "target group name" in m.what]
    assert len(names) == 3 and all(m.size <= 32 for m in names)
