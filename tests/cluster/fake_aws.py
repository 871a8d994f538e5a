"""In-memory ECS and ELBv2 for the step-7 verify checks: each call's input is validated against
botocore's service model (ParamValidator), as the real client would before sending it; the state
is what a service behind an `ip` target group looks like. moto has no link between ECS tasks and
target groups, hence this."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import botocore.session
from botocore.validate import ParamValidator

_MODELS = {name: botocore.session.get_session().get_service_model(name) for name in ("ecs", "elbv2")}
_numbers = itertools.count(1)
REGION, ACCOUNT = "eu-south-1", "123456789012"
TARGET_GROUP = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/ol-prod-blue/0123456789abcdef"


def _validated(service: str, operation: str, params: dict) -> None:
    shape = _MODELS[service].operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        raise AssertionError(f"{service}.{operation}: AWS would refuse {params}: {report.generate_report()}")


@dataclass
class Task:
    arn: str
    ip: str
    zone: str
    status: str = "RUNNING"
    health: str = "healthy"


@dataclass
class Service:
    """One ECS service in one cluster behind one target group."""

    cluster: str = "odoo-ladder-prod-cluster"
    name: str = "odoo-ladder-prod-web"
    tasks: list[Task] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=lambda: [TARGET_GROUP])
    stopped: list[str] = field(default_factory=list)

    def add_task(self, zone: str, health: str = "healthy") -> Task:
        n = next(_numbers)
        task = Task(f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{self.cluster}/{n:032x}", f"10.42.{n % 2}.{n}", zone,
                    health=health)
        self.tasks.append(task)
        return task


class FakeEcs:
    def __init__(self, service: Service):
        self.service = service

    def _call(self, operation: str, params: dict) -> None:
        _validated("ecs", operation, params)
        assert params.get("cluster", self.service.cluster) == self.service.cluster

    def describe_services(self, **params):
        self._call("DescribeServices", params)
        if params["services"] != [self.service.name]:
            return {"services": [], "failures": [{"arn": params["services"][0], "reason": "MISSING"}]}
        return {"services": [{"serviceName": self.service.name, "loadBalancers": [
            {"targetGroupArn": arn, "containerName": "proxy", "containerPort": 8080}
            for arn in self.service.target_groups]}]}

    def get_paginator(self, name: str):
        assert name == "list_tasks"
        fake = self

        class Paginator:
            def paginate(self, **params):
                fake._call("ListTasks", params)
                assert params["serviceName"] == fake.service.name and params["desiredStatus"] == "RUNNING"
                yield {"taskArns": [t.arn for t in fake.service.tasks if t.status != "STOPPED"]}
        return Paginator()

    def describe_tasks(self, **params):
        self._call("DescribeTasks", params)
        assert len(params["tasks"]) <= 100
        return {"tasks": [{"taskArn": t.arn, "lastStatus": t.status, "availabilityZone": t.zone, "attachments": [
            {"type": "ElasticNetworkInterface", "status": "ATTACHED", "details": [
                {"name": "subnetId", "value": "subnet-0a"}, {"name": "privateIPv4Address", "value": t.ip}]}]}
            for t in self.service.tasks if t.arn in params["tasks"]]}

    def stop_task(self, **params):
        self._call("StopTask", params)
        (task,) = [t for t in self.service.tasks if t.arn == params["task"]]
        task.status, task.health = "STOPPED", "draining"
        self.service.stopped.append(task.arn)
        return {"task": {"taskArn": task.arn, "desiredStatus": "STOPPED"}}


class FakeElbv2:
    def __init__(self, service: Service):
        self.service = service

    def describe_target_health(self, **params):
        _validated("elbv2", "DescribeTargetHealth", params)
        assert params["TargetGroupArn"] in self.service.target_groups
        return {"TargetHealthDescriptions": [
            {"Target": {"Id": t.ip, "Port": 8080}, "HealthCheckPort": "8080", "TargetHealth": {"State": t.health}}
            for t in self.service.tasks if t.health != "gone"]}
