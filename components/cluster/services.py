"""The ECS cluster (Container Insights on) and its services: web behind the ALB, one cron task.

Web: desired_count tasks in two zones (Fargate spreads a service's tasks across its subnets' zones,
and AZ rebalancing moves them back after a zone's trouble), min 100 % / max 200 % so a deploy never
drops below desired, the health-check grace period for Odoo's start, ECS Exec, and target tracking
on CPU and on requests per target up to max_count.
- rolling: the deployment circuit breaker rolls a failing deploy back;
- blue_green: ECS's native blue/green shifts the production listener rule to the new target group
  after bake_time_minutes, and rolls back when a deployment alarm fires.
Cron: one task, http_enable False; min 0 % / max 100 % so a deploy never runs two.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Optional

import pulumi
import pulumi_aws as aws

from components.cluster.names import ecs_name
from components.cluster.policies import service_trust
from components.proxy.sidecar import SIDECAR_PORT

# ECS's own managed policy for blue/green on an ALB (switching listener rules, reading target groups).
BLUE_GREEN_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
SCALE_IN_COOLDOWN = 300
SCALE_OUT_COOLDOWN = 60


@dataclass
class ServicesArgs:
    stack: str
    desired_count: int
    max_count: int
    grace_seconds: int
    cpu_target: int
    requests_per_target: int
    deployment: str
    bake_time_minutes: int
    web_task_arn: pulumi.Input[str]
    cron_task_arn: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    public_ip: bool
    target_group_arn: pulumi.Input[str]
    request_label: pulumi.Input[str]          # <alb arn suffix>/<target group arn suffix>
    deployment_alarms: list[str]
    alternate_target_group_arn: Optional[pulumi.Input[str]] = None
    production_rule_arn: Optional[pulumi.Input[str]] = None
    # Given the cluster's ARN, what must succeed before the services take the new task definitions
    # (components/cluster/upgrade.py: odoo.update_modules).
    before_rollout: Optional[Callable[[pulumi.Output[str]], pulumi.Resource]] = None


class Services(pulumi.ComponentResource):
    cluster_arn: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    web_service_name: pulumi.Output[str]
    cron_service_name: pulumi.Output[str]

    def __init__(self, name: str, args: ServicesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:Services", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": args.stack}
        cluster = aws.ecs.Cluster(f"{name}-cluster", name=ecs_name(args.stack, "cluster"), tags=tags, opts=child,
                                  settings=[{"name": "containerInsights", "value": "enabled"}])
        first = [args.before_rollout(cluster.arn)] if args.before_rollout else []
        network = {"subnets": args.subnet_ids, "security_groups": [args.security_group_id],
                   "assign_public_ip": args.public_ip}
        balancer = {"target_group_arn": args.target_group_arn, "container_name": "proxy",
                    "container_port": SIDECAR_PORT}
        deployment: dict = {"strategy": "ROLLING"}
        if args.deployment == "blue_green":
            account = aws.get_caller_identity().account_id
            role = aws.iam.Role(f"{name}-blue-green", tags=tags, opts=child,
                                assume_role_policy=json.dumps(service_trust("ecs.amazonaws.com", account)),
                                description=f"odoo-ladder {args.stack}: ECS switches the ALB's listener rule")
            aws.iam.RolePolicyAttachment(f"{name}-blue-green", role=role.name, policy_arn=BLUE_GREEN_POLICY,
                                         opts=child)
            balancer["advanced_configuration"] = {"alternate_target_group_arn": args.alternate_target_group_arn,
                                                  "production_listener_rule": args.production_rule_arn,
                                                  "role_arn": role.arn}
            deployment = {"strategy": "BLUE_GREEN", "bake_time_in_minutes": str(args.bake_time_minutes)}
        web = aws.ecs.Service(
            f"{name}-web", name=ecs_name(args.stack, "web"), cluster=cluster.arn, task_definition=args.web_task_arn,
            desired_count=args.desired_count, launch_type="FARGATE", platform_version="LATEST",
            network_configuration=network, load_balancers=[balancer],
            deployment_minimum_healthy_percent=100, deployment_maximum_percent=200,
            # The circuit breaker serves rolling updates only; blue/green rolls back on the alarms.
            deployment_circuit_breaker={"enable": True, "rollback": True} if deployment["strategy"] == "ROLLING"
            else None,
            deployment_configuration=deployment,
            alarms={"alarm_names": args.deployment_alarms, "enable": True, "rollback": True},
            health_check_grace_period_seconds=args.grace_seconds, enable_execute_command=True,
            availability_zone_rebalancing="ENABLED", propagate_tags="SERVICE", wait_for_steady_state=True, tags=tags,
            # Autoscaling owns the running count between desired_count and max_count.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCount"], depends_on=first))
        cron = aws.ecs.Service(
            f"{name}-cron", name=ecs_name(args.stack, "cron"), cluster=cluster.arn, task_definition=args.cron_task_arn,
            desired_count=1, launch_type="FARGATE", platform_version="LATEST", network_configuration=network,
            deployment_minimum_healthy_percent=0, deployment_maximum_percent=100,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            enable_execute_command=True, propagate_tags="SERVICE", tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=first))

        target = aws.appautoscaling.Target(
            f"{name}-web-scaling", service_namespace="ecs", scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.all(cluster.name, web.name).apply(lambda n: f"service/{n[0]}/{n[1]}"),
            min_capacity=args.desired_count, max_capacity=args.max_count, tags=tags, opts=child)

        def tracking(suffix: str, metric: dict, value: int) -> None:
            aws.appautoscaling.Policy(
                f"{name}-web-{suffix}", policy_type="TargetTrackingScaling", resource_id=target.resource_id,
                scalable_dimension=target.scalable_dimension, service_namespace=target.service_namespace,
                target_tracking_scaling_policy_configuration={
                    "predefined_metric_specification": metric, "target_value": value,
                    "scale_in_cooldown": SCALE_IN_COOLDOWN, "scale_out_cooldown": SCALE_OUT_COOLDOWN},
                opts=child)

        tracking("cpu", {"predefined_metric_type": "ECSServiceAverageCPUUtilization"}, args.cpu_target)
        tracking("requests", {"predefined_metric_type": "ALBRequestCountPerTarget",
                              "resource_label": args.request_label}, args.requests_per_target)

        self.cluster_arn = cluster.arn
        self.cluster_name = cluster.name
        self.web_service_name = web.name
        self.cron_service_name = cron.name
        self.register_outputs({"cluster_name": self.cluster_name, "web_service_name": self.web_service_name,
                               "cron_service_name": self.cron_service_name})
