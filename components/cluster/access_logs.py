"""Who may write the ALB's access logs into their bucket (pure).

Regions opened before August 2022 deliver through an Elastic Load Balancing account of the region;
later ones through the logdelivery service principal (AWS's "Enable access logs for your ALB").
The table holds the older regions' accounts (from the provider's elb.getServiceAccount table).
"""
from __future__ import annotations

from components.backup.policy import tls_only_bucket_policy

ELB_ACCOUNTS = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980",
    "us-west-2": "797873946194", "ca-central-1": "985666609251", "sa-east-1": "507241528517",
    "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
    "eu-west-3": "009996457667", "eu-north-1": "897822967062", "eu-south-1": "635631232127",
    "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-south-1": "718504428378",
    "me-south-1": "076674570225", "af-south-1": "098369216593", "ap-east-1": "754344448648",
}
LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
PREFIX = "alb"


def writer_principal(partition: str, region: str) -> dict:
    account = ELB_ACCOUNTS.get(region)
    return {"AWS": f"arn:{partition}:iam::{account}:root"} if account else {"Service": LOG_DELIVERY}


def access_log_policy(bucket_arn: str, partition: str, region: str, account: str) -> dict:
    """Writes under alb/AWSLogs/<account>/ only; every request over TLS."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "LoadBalancerWritesAccessLogs", "Effect": "Allow", "Principal": writer_principal(partition, region),
         "Action": "s3:PutObject", "Resource": f"{bucket_arn}/{PREFIX}/AWSLogs/{account}/*"},
        *tls_only_bucket_policy(bucket_arn)["Statement"]]}
