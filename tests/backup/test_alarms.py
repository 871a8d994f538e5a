"""A failed or missing backup run raises a CloudWatch alarm when the stack's logs go to CloudWatch:
odoo-backup reports each run's outcome (functional test against moto_server), the host may report
in its own namespace only, and the alarms (mocked) catch a failure within the hour and a dead
timer within 30 hours."""
import json
import os
import uuid

import boto3
import pytest

from components.backup.alarms import DIMENSION, METRIC, NAMESPACE, alarm_specs
from ladder.limits import _shape_problems
from ladder.mocked import run_stack
from tests.backup.helpers import BACKUP, populate_db, populate_filestore, run_script, script_env
from tests.stacks import aws, role_policy

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def with_cloudwatch():
    return run_stack(aws(4, logs={"cloudwatch": True}), stack="prod")


def host_files(**settings):
    from components.backup.host_files import render_host_files
    from configs.load import from_mapping
    return render_host_files(from_mapping("prod", aws(4, **settings)), "prod-backups")


def alarms(run):
    return {r.name: r.inputs for r in run.of_type(ALARM)}


def test_a_missing_run_alarms_between_24_and_30_hours_even_without_any_data(with_cloudwatch):
    missing = alarms(with_cloudwatch)["backup-missing"]
    assert (missing["namespace"], missing["metricName"], missing["dimensions"]) == (NAMESPACE, METRIC,
                                                                                    {DIMENSION: "prod"})
    # No data point at all (dead timer, host off, a run that never ends) counts as no good set.
    assert missing["treatMissingData"] == "breaching"
    assert (missing["statistic"], missing["comparisonOperator"], missing["threshold"]) == ("Sum", "LessThanThreshold", 1)
    window = missing["period"] * missing["evaluationPeriods"]
    assert window == 24 * 3600 and missing["datapointsToAlarm"] == missing["evaluationPeriods"]
    assert missing["period"] <= 6 * 3600  # at most 30 h from the last good set to the alarm


def test_a_failed_run_alarms_within_the_hour(with_cloudwatch):
    failed = alarms(with_cloudwatch)["backup-failed"]
    assert (failed["statistic"], failed["comparisonOperator"], failed["threshold"]) == ("Minimum", "LessThanThreshold", 1)
    assert failed["period"] == 3600 and failed["evaluationPeriods"] == 1
    assert failed["treatMissingData"] == "notBreaching"  # quiet hours between runs are not failures


def test_the_alarms_are_what_cloudwatch_accepts(with_cloudwatch):
    for name, inputs in alarms(with_cloudwatch).items():
        params = {"AlarmName": inputs["name"], "AlarmDescription": inputs["alarmDescription"],
                  "Namespace": inputs["namespace"], "MetricName": inputs["metricName"],
                  "Dimensions": [{"Name": k, "Value": v} for k, v in inputs["dimensions"].items()],
                  "Statistic": inputs["statistic"], "Period": inputs["period"],
                  "EvaluationPeriods": inputs["evaluationPeriods"], "DatapointsToAlarm": inputs["datapointsToAlarm"],
                  "Threshold": float(inputs["threshold"]), "ComparisonOperator": inputs["comparisonOperator"],
                  "TreatMissingData": inputs["treatMissingData"], "AlarmActions": inputs.get("alarmActions", [])}
        record = {"type": ALARM, "name": name, "inputs": inputs}
        assert _shape_problems(record, "cloudwatch", "PutMetricAlarm", params) == []
        # CloudWatch refuses an alarm whose periods add up to more than a day.
        assert inputs["period"] * inputs["evaluationPeriods"] <= 86400


def test_the_host_reports_in_its_own_namespace_only_and_the_timer_asks_it_to(with_cloudwatch):
    [statement] = [s for s in role_policy(with_cloudwatch, "backup-host")["Statement"]
                   if "cloudwatch:PutMetricData" in s["Action"]]
    assert statement["Action"] == ["cloudwatch:PutMetricData"]
    assert statement["Condition"] == {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}
    service = host_files(logs={"cloudwatch": True})["host/systemd/odoo-backup.service"]
    assert f"--metric-namespace {NAMESPACE} --metric-stack prod" in service


def test_without_cloudwatch_there_is_no_alarm_no_right_and_no_metric():
    run = run_stack(aws(4), stack="prod")
    assert run.of_type(ALARM) == []
    actions = {a for s in role_policy(run, "backup-host")["Statement"] for a in s["Action"]}
    assert not [a for a in actions if a.startswith("cloudwatch:")]
    assert "--metric-namespace" not in host_files()["host/systemd/odoo-backup.service"]


def test_the_alarms_notify_a_topic_when_given_one():
    """The SNS action is optional: the stack's alert topic (alerts.email, Step 7) when there is one."""
    topic = "arn:aws:sns:eu-south-1:123456789012:alerts"
    for spec in alarm_specs("prod", [topic]).values():
        assert spec["alarm_actions"] == [topic] and spec["ok_actions"] == [topic]
    assert all(spec["alarm_actions"] == [] for spec in alarm_specs("prod").values())


# ---------------------------------------------------------------- the script against moto_server

def outcomes(moto, stack):
    cloudwatch = boto3.client("cloudwatch", endpoint_url=moto, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    points = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE, MetricName=METRIC, Dimensions=[{"Name": DIMENSION, "Value": stack}],
        StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(minutes=5),
        Period=60, Statistics=["Sum", "SampleCount"])["Datapoints"]
    return sum(p["SampleCount"] for p in points), sum(p["Sum"] for p in points)


def test_each_run_reports_its_outcome_to_cloudwatch(pg, moto, s3, bucket, data_dir, tmp_path):
    db = "metered"
    stack = f"stack-{uuid.uuid4().hex[:8]}"
    populate_db(pg, db, partners=200, blobs=5)
    populate_filestore(os.path.join(data_dir, "filestore", db), files=5, max_kib=20)
    env = script_env(pg.env(), moto)
    common = ["--bucket", bucket, "--db", db, "--data-dir", data_dir, "--status-file", str(tmp_path / "s.json"),
              "--attempts", "1", "--wait-db", "3", "--metric-namespace", NAMESPACE, "--metric-stack", stack]
    done = run_script(BACKUP, common, env)
    assert done.returncode == 0, done.stderr
    assert outcomes(moto, stack) == (1, 1.0)
    # A failed run (the filestore is gone) reports 0: the failed-run alarm's Minimum drops below 1.
    failed = run_script(BACKUP, [*common, "--filestore-dir", str(tmp_path / "nowhere")], env)
    assert failed.returncode == 1 and "FAILED" in failed.stderr
    assert outcomes(moto, stack) == (2, 1.0)
    assert json.load(open(tmp_path / "s.json"))["outcome"] == "failure"


def test_an_unreachable_cloudwatch_does_not_fail_a_good_run(pg, moto, s3, bucket, data_dir, tmp_path):
    db = "unmetered"
    populate_db(pg, db, partners=100, blobs=2)
    populate_filestore(os.path.join(data_dir, "filestore", db), files=3, max_kib=10)
    env = script_env(pg.env(), moto)
    # Only CloudWatch's endpoint is a closed port; S3 stays on moto.
    from tests.peers import free_port
    env["AWS_ENDPOINT_URL_CLOUDWATCH"] = f"http://127.0.0.1:{free_port()}"
    done = run_script(BACKUP, ["--bucket", bucket, "--db", db, "--data-dir", data_dir, "--status-file",
                               str(tmp_path / "s.json"), "--attempts", "1", "--metric-namespace", NAMESPACE,
                               "--connect-timeout", "1", "--max-attempts", "1"], env)
    assert done.returncode == 0, done.stderr
    assert "could not report the outcome to CloudWatch" in done.stderr
    assert json.load(open(tmp_path / "s.json"))["outcome"] == "success"
