"""Step 4: a failed or missing backup run raises a CloudWatch alarm. Pure: config in, documents out.

odoo-backup puts one data point per run (1 after a complete set, 0 after a failed run) in a
namespace of its own; the host may put metrics in that namespace only. Two alarms read it:

* `backup-missing`: no complete set in 24 hours. Four 6-hour periods in a row without a success
  (missing data counts as breaching), so a dead timer, a host that is off or a run that never
  finishes alarms too, between 24 and 30 hours after the last good set. CloudWatch caps period x
  evaluation periods at one day; 6-hour periods leave room for the timer's delay and retries.
* `backup-failed`: a run ended in failure (after its own retries), within the hour it happened.

Their SNS action is optional: the stack's alert topic (alerts.email, Step 7) when there is one.
"""
from __future__ import annotations

from configs.load import LadderConfig

NAMESPACE = "OdooLadder/Backup"
METRIC = "BackupSucceeded"
DIMENSION = "Stack"


def alarms_on(cfg: LadderConfig) -> bool:
    """The alarms follow the CloudWatch setting of the stack's logs (logs.cloudwatch)."""
    return bool(cfg.components.backup and cfg.components.logs and cfg.settings.logs.cloudwatch)


def alarm_specs(stack: str, actions: list | None = None) -> dict[str, dict]:
    """{resource suffix: aws.cloudwatch.MetricAlarm arguments}."""
    common = {"namespace": NAMESPACE, "metric_name": METRIC, "dimensions": {DIMENSION: stack},
              "comparison_operator": "LessThanThreshold", "threshold": 1,
              "alarm_actions": list(actions or []), "ok_actions": list(actions or []),
              "tags": {"odoo-ladder:stack": stack}}
    return {
        "missing": {**common, "name": f"odoo-ladder-{stack}-backup-missing",
                    "alarm_description": f"odoo-ladder {stack}: no complete backup set in 24 hours "
                                         "(see journalctl -u odoo-backup on the host)",
                    "statistic": "Sum", "period": 6 * 3600, "evaluation_periods": 4,
                    "datapoints_to_alarm": 4, "treat_missing_data": "breaching"},
        "failed": {**common, "name": f"odoo-ladder-{stack}-backup-failed",
                   "alarm_description": f"odoo-ladder {stack}: a backup run failed "
                                        "(see /var/lib/odoo-backup/last-run.json on the host)",
                   "statistic": "Minimum", "period": 3600, "evaluation_periods": 1,
                   "datapoints_to_alarm": 1, "treat_missing_data": "notBreaching"},
    }


def metric_statement(namespace: str = NAMESPACE) -> dict:
    """PutMetricData has no resource ARN: the condition keeps the host to its own namespace."""
    return {"Sid": "PutBackupOutcome", "Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": ["*"],
            "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}}}
