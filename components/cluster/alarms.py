"""CloudWatch alarms to an SNS topic (alerts.email subscribed), and the cluster's dashboard.

The topic is encrypted with a key of its own whose policy lets CloudWatch publish (AWS-managed
aws/sns does not). The alarms' texts hold no secret, but every topic of the stack is encrypted.

Without alerts.email the topic exists with no subscriber: the stack output alarm_topic_arn says
where to subscribe (docs/step7.md). The subscription stays pending until the address confirms it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from components.cluster.alarm_specs import Spec, alarm_name, specs
from components.cluster.dashboard import dashboard_body
from components.cluster.names import ecs_name
from components.cluster.policies import alarm_key_policy
from components.database.connections import class_max_connections
from configs.load import LadderConfig


@dataclass
class AlarmsArgs:
    cfg: LadderConfig
    alb_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    db_identifier: str
    file_system_id: pulumi.Input[str]


def _error_rate_queries(alb: str) -> list[dict]:
    """5xx from Odoo and from the ALB itself, as a percentage of requests (no requests: no data)."""
    def metric(id_: str, name: str) -> dict:
        return {"id": id_, "return_data": False, "metric": {
            "namespace": "AWS/ApplicationELB", "metric_name": name, "period": 300, "stat": "Sum",
            "dimensions": {"LoadBalancer": alb}}}
    return [metric("target", "HTTPCode_Target_5XX_Count"), metric("elb", "HTTPCode_ELB_5XX_Count"),
            metric("requests", "RequestCount"),
            {"id": "rate", "label": "5xx rate (%)", "return_data": True,
             "expression": "100 * (FILL(target, 0) + FILL(elb, 0)) / requests"}]


class Alarms(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    deployment_alarm_names: list[str]

    def __init__(self, name: str, args: AlarmsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:cluster:Alarms", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        tags = {"odoo-ladder:stack": cfg.stack}
        account = aws.get_caller_identity().account_id
        # Its own key: the stack's key must not let CloudWatch decrypt (it guards the secrets).
        key = aws.kms.Key(f"{name}-key", description=f"odoo-ladder {cfg.stack}: the alarm topic",
                          enable_key_rotation=True, deletion_window_in_days=30, tags=tags,
                          policy=json.dumps(alarm_key_policy("aws", cfg.region, account)),
                          opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True))
        topic = aws.sns.Topic(f"{name}-topic", name=f"odoo-ladder-{cfg.stack}-alarms", kms_master_key_id=key.arn,
                              tags=tags, opts=child)
        if cfg.settings.alerts.email:
            aws.sns.TopicSubscription(f"{name}-email", topic=topic.arn, protocol="email",
                                      endpoint=cfg.settings.alerts.email, opts=child)
        values = {"cluster": ecs_name(cfg.stack, "cluster"), "web_service": ecs_name(cfg.stack, "web"),
                  "db": args.db_identifier, "stack": cfg.stack}
        outputs = pulumi.Output.all(args.alb_arn_suffix, args.target_group_arn_suffix, args.file_system_id)
        max_connections = class_max_connections(cfg.settings.database.instance_class)
        found = specs(cfg.stack, max_connections, cfg.components.backup)
        for spec in found:
            self._alarm(name, spec, values, outputs, topic.arn, tags, child)
        aws.cloudwatch.Dashboard(f"{name}-dashboard", dashboard_name=f"odoo-ladder-{cfg.stack}", opts=child,
                                 dashboard_body=outputs.apply(lambda o: json.dumps(dashboard_body(
                                     cfg.region, o[0], o[1], values["cluster"], values["web_service"],
                                     values["db"], o[2]))))
        self.topic_arn = topic.arn
        self.deployment_alarm_names = [alarm_name(cfg.stack, s.key) for s in found if s.deployment]
        self.register_outputs({"topic_arn": self.topic_arn})

    def _alarm(self, name: str, spec: Spec, values: dict, outputs: pulumi.Output, topic, tags, child) -> None:
        def dimensions(o: list) -> dict:
            known = {**values, "alb": o[0], "target_group": o[1], "efs": o[2]}
            return {dimension: known[value] for dimension, value in spec.dimensions.items()}

        common = dict(name=alarm_name(values["stack"], spec.key), alarm_description=spec.description,
                      comparison_operator=spec.comparison, threshold=spec.threshold,
                      evaluation_periods=spec.evaluation_periods, treat_missing_data=spec.treat_missing,
                      alarm_actions=[topic], ok_actions=[topic], tags=tags, opts=child)
        if spec.metric == "5xx-rate":
            aws.cloudwatch.MetricAlarm(f"{name}-{spec.key}", metric_queries=outputs.apply(
                lambda o: _error_rate_queries(o[0])), **common)
            return
        statistic = {"extended_statistic": spec.statistic} if spec.statistic.startswith("p") else \
            {"statistic": spec.statistic}
        aws.cloudwatch.MetricAlarm(f"{name}-{spec.key}", namespace=spec.namespace, metric_name=spec.metric,
                                   period=spec.period, dimensions=outputs.apply(dimensions), **statistic, **common)
