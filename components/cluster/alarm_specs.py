"""What the cluster's alarms watch (pure): one spec per alarm, with why its threshold is where it is.

Each becomes a CloudWatch alarm that notifies the stack's SNS topic when it fires and when it clears
(components/cluster/alarms.py). Names are fixed (`odoo-ladder-<stack>-<key>`) so the web service
can name its deployment alarms before they exist.
"""
from __future__ import annotations

from dataclasses import dataclass

GIB = 1024 ** 3
BACKUP_NAMESPACE = "OdooLadder"
BACKUP_METRIC = "BackupSetsCompleted"


@dataclass(frozen=True)
class Spec:
    key: str
    description: str
    namespace: str
    metric: str
    dimensions: dict  # CloudWatch dimension -> the value's name in `values` (filled in by the component)
    threshold: float
    comparison: str
    statistic: str = "Average"          # or a percentile such as p99
    period: int = 300
    evaluation_periods: int = 2
    treat_missing: str = "notBreaching"
    # Roll a web deploy back when this fires during it (ECS deployment alarms).
    deployment: bool = False


ALB = {"LoadBalancer": "alb"}
TARGETS = {"LoadBalancer": "alb", "TargetGroup": "target_group"}
WEB = {"ClusterName": "cluster", "ServiceName": "web_service"}
RDS = {"DBInstanceIdentifier": "db"}
EFS = {"FileSystemId": "efs"}


DAY = 86400  # CloudWatch's longest alarm period


def specs(stack: str, max_connections: int, backups: bool) -> list[Spec]:
    above = "GreaterThanThreshold"
    found = [
        # The 5xx rate is a metric-math alarm (components/cluster/alarms.py): 5xx / requests.
        Spec("alb-5xx-rate", "More than 5% of requests answered 5xx (Odoo or the ALB) for 10 minutes",
             "AWS/ApplicationELB", "5xx-rate", ALB, 5, above, deployment=True),
        Spec("unhealthy-targets", "A web task fails /web/health for 3 minutes", "AWS/ApplicationELB",
             "UnHealthyHostCount", TARGETS, 0, above, statistic="Maximum", period=60, evaluation_periods=3,
             deployment=True),
        Spec("p99-response-time", "p99 response time above 5 s for 15 minutes", "AWS/ApplicationELB",
             "TargetResponseTime", TARGETS, 5, above, statistic="p99", evaluation_periods=3),
        Spec("web-cpu", "Web tasks above 85% CPU for 15 minutes (autoscaling at its maximum?)", "AWS/ECS",
             "CPUUtilization", WEB, 85, above, evaluation_periods=3),
        Spec("web-memory", "Web tasks above 85% memory for 15 minutes (workers near limit_memory_hard?)", "AWS/ECS",
             "MemoryUtilization", WEB, 85, above, evaluation_periods=3),
        Spec("db-cpu", "RDS above 80% CPU for 15 minutes", "AWS/RDS", "CPUUtilization", RDS, 80, above,
             evaluation_periods=3),
        Spec("db-free-storage", "RDS free storage below 2 GiB (autoscaling storage at its maximum?)", "AWS/RDS",
             "FreeStorageSpace", RDS, 2 * GIB, "LessThanThreshold", statistic="Minimum"),
        Spec("db-connections", "RDS connections above 80% of max_connections", "AWS/RDS", "DatabaseConnections",
             RDS, int(max_connections * 0.8), above, statistic="Maximum"),
        # Elastic throughput has no burst credits; PercentIOLimit shows General Purpose's I/O ceiling.
        Spec("efs-io-limit", "EFS above 90% of its I/O limit for 15 minutes", "AWS/EFS", "PercentIOLimit", EFS, 90,
             above, statistic="Maximum", evaluation_periods=3),
    ]
    if backups:
        # The backup task logs one line per complete set; a metric filter counts them
        # (components/cluster/backup_task.py). No set in a day, or no data at all, fires.
        found.append(Spec("backup-age", "No complete backup set in the last day", backup_namespace(stack),
                          BACKUP_METRIC, {}, 1, "LessThanThreshold", statistic="Sum", period=DAY,
                          evaluation_periods=1, treat_missing="breaching"))
    return found


def backup_namespace(stack: str) -> str:
    return f"{BACKUP_NAMESPACE}/{stack}"


def alarm_name(stack: str, key: str) -> str:
    return f"odoo-ladder-{stack}-{key}"
