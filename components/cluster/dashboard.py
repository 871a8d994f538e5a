"""The cluster's one CloudWatch dashboard (pure): requests and errors, latency, the tasks, the
database and the filestore, each a graph of the metrics the alarms watch."""
from __future__ import annotations

WIDTH, HEIGHT = 12, 6


def _graph(title: str, region: str, metrics: list[list], stat: str = "Average", position: int = 0) -> dict:
    return {"type": "metric", "x": (position % 2) * WIDTH, "y": (position // 2) * HEIGHT, "width": WIDTH,
            "height": HEIGHT, "properties": {"title": title, "region": region, "stat": stat, "period": 300,
                                             "view": "timeSeries", "metrics": metrics}}


def dashboard_body(region: str, alb: str, target_group: str, cluster: str, web: str, db: str, efs: str) -> dict:
    elb, targets = ["LoadBalancer", alb], ["LoadBalancer", alb, "TargetGroup", target_group]
    graphs = [
        ("Requests and 5xx", [["AWS/ApplicationELB", "RequestCount", *elb],
                              ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *elb],
                              ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *elb]], "Sum"),
        ("Response time p50 / p99 (s)", [["AWS/ApplicationELB", "TargetResponseTime", *targets, {"stat": "p50"}],
                                         ["AWS/ApplicationELB", "TargetResponseTime", *targets, {"stat": "p99"}]],
         "Average"),
        ("Healthy / unhealthy web tasks", [["AWS/ApplicationELB", "HealthyHostCount", *targets],
                                           ["AWS/ApplicationELB", "UnHealthyHostCount", *targets]], "Maximum"),
        ("Web tasks CPU / memory (%)", [["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", web],
                                        ["AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", web]],
         "Average"),
        ("RDS CPU (%) and connections", [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", db],
                                         ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", db,
                                          {"yAxis": "right"}]], "Average"),
        ("EFS I/O limit (%) and throughput", [["AWS/EFS", "PercentIOLimit", "FileSystemId", efs],
                                              ["AWS/EFS", "MeteredIOBytes", "FileSystemId", efs, {"yAxis": "right"}]],
         "Maximum"),
    ]
    return {"widgets": [_graph(title, region, metrics, stat, index)
                        for index, (title, metrics, stat) in enumerate(graphs)]}
