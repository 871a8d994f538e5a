"""Observability at step 7: alarms to an SNS topic with the e-mail subscribed, and one dashboard."""
import json

import pytest

from tests.cluster.stack import run7

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def run():
    return run7(alerts={"email": "ops@example.org"})


def alarms(run) -> dict:
    return {a.inputs["name"].removeprefix("odoo-ladder-prod-"): a.inputs for a in run.of_type(ALARM)}


def test_the_topic_mails_alerts_email(run):
    subscription = run.one("aws:sns/topicSubscription:TopicSubscription").inputs
    assert subscription["protocol"] == "email" and subscription["endpoint"] == "ops@example.org"
    assert run.outputs["alarm_topic_arn"] == subscription["topic"]


def test_the_topic_is_encrypted_with_a_key_cloudwatch_may_publish_with(run):
    topic = run.one("aws:sns/topic:Topic").inputs
    key = run.named("aws:kms/key:Key", "cluster-alarms-key")
    assert topic["kmsMasterKeyId"] == "arn:aws:kms:eu-south-1:123456789012:key/cluster-alarms-key"
    assert key.protect and key.retain_on_delete
    statements = {s["Sid"]: s for s in json.loads(key.inputs["policy"])["Statement"]}
    assert statements["CloudWatchAlarmsPublish"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statements["CloudWatchAlarmsPublish"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_without_an_address_the_topic_exists_unsubscribed():
    run = run7()
    assert run.one("aws:sns/topic:Topic") and not run.of_type("aws:sns/topicSubscription:TopicSubscription")


def test_every_alarm_the_issue_names_exists_and_notifies_the_topic(run):
    found = alarms(run)
    assert set(found) == {"alb-5xx-rate", "unhealthy-targets", "p99-response-time", "web-cpu", "web-memory",
                          "db-cpu", "db-free-storage", "db-connections", "efs-io-limit", "backup-age"}
    topic = run.outputs["alarm_topic_arn"]
    assert all(a["alarmActions"] == [topic] and a["okActions"] == [topic] for a in found.values())


def test_the_alarms_watch_this_stacks_resources(run):
    found = alarms(run)
    assert found["unhealthy-targets"]["dimensions"] == {"LoadBalancer": "app/ol-prod-alb/0123456789abcdef",
                                                        "TargetGroup": "targetgroup/ol-prod-blue/0123456789abcdef"}
    assert found["web-cpu"]["dimensions"] == {"ClusterName": "odoo-ladder-prod-cluster",
                                              "ServiceName": "odoo-ladder-prod-web"}
    assert found["db-cpu"]["dimensions"] == {"DBInstanceIdentifier": "odoo-ladder-prod"}
    assert found["efs-io-limit"]["dimensions"]["FileSystemId"].startswith("fs-")
    assert found["p99-response-time"]["extendedStatistic"] == "p99"


def test_the_5xx_alarm_is_a_rate_not_a_count(run):
    queries = {q["id"]: q for q in alarms(run)["alb-5xx-rate"]["metricQueries"]}
    assert queries["rate"]["returnData"] is True and "/ requests" in queries["rate"]["expression"]
    assert queries["target"]["metric"]["metricName"] == "HTTPCode_Target_5XX_Count"


def test_a_missing_backup_fires(run):
    backup = alarms(run)["backup-age"]
    assert backup["treatMissingData"] == "breaching" and backup["period"] == 86400
    assert backup["comparisonOperator"] == "LessThanThreshold" and backup["threshold"] == 1


def test_no_backup_alarm_without_backups():
    assert "backup-age" not in alarms(run7(backup={"enabled": False}))


def test_one_dashboard_graphs_the_alarmed_metrics(run):
    body = json.loads(run.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    metrics = {m[1] for w in body["widgets"] for m in w["properties"]["metrics"]}
    assert {"RequestCount", "TargetResponseTime", "UnHealthyHostCount", "CPUUtilization", "MemoryUtilization",
            "DatabaseConnections", "PercentIOLimit"} <= metrics
