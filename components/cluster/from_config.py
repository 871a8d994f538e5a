"""Step 7 from the stack config: the cluster's parts in dependency order, and the stack outputs.

The host (steps 0-6) stays: its data volume holds the filestore until the copy to EFS is checked
(docs/step7.md, "The move from step 6"). The site's record moves to the ALB.
"""
from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.app.service import ODOO_UID_GID
from components.cicd.names import repository_name
from components.cluster.alarms import Alarms, AlarmsArgs
from components.cluster.backup_task import BackupSchedule, BackupScheduleArgs
from components.cluster.certificate import Certificate, CertificateArgs
from components.cluster.filestore import Filestore, FilestoreArgs
from components.cluster.load_balancer import LoadBalancer, LoadBalancerArgs
from components.cluster.private_network import PrivateNetwork, PrivateNetworkArgs
from components.cluster.restore_task import RestoreTask, RestoreTaskArgs
from components.cluster.security import SecurityGroups, SecurityGroupsArgs
from components.cluster.services import Services, ServicesArgs
from components.cluster.tasks import Tasks, TasksArgs
from components.cluster.upgrade import ModuleUpgrade, UpgradeArgs
from configs.load import LadderConfig


def build_cluster(cfg: LadderConfig, network, database, key_arn: pulumi.Input[str], host=None,
                  backup=None) -> dict[str, pulumi.Input]:
    """network: components/network's Network; database: components/database's Database; host:
    components/host's Host while it is kept (it may mount EFS to copy the filestore); backup:
    components/backup's Backup when backups are on (the scheduled task writes its bucket)."""
    cluster = cfg.settings.cluster
    stack, region = cfg.stack, cfg.region
    account = aws.get_caller_identity().account_id
    groups = SecurityGroups("cluster-sg", SecurityGroupsArgs(stack, network.vpc_id, database.security_group_id,
                                                             host.security_group_id if host else None))
    subnets, public_ip = network.public_subnet_ids, True
    if cluster.private_tasks:
        private = PrivateNetwork("cluster-private", PrivateNetworkArgs(
            stack, region, network.vpc_id, network.zones, groups.tasks, cfg.components.secrets or "ssm"))
        subnets, public_ip = private.subnet_ids, False
    uid, gid = ODOO_UID_GID[cfg.settings.odoo.version]
    filestore = Filestore("cluster-filestore", FilestoreArgs(stack, key_arn, subnets, groups.filestore, uid, gid,
                                                             host.role_arn if host else None,
                                                             host.role_name if host else None))
    certificate = Certificate("cluster-certificate", CertificateArgs(stack, cfg.settings.domain,
                                                                     cfg.settings.dns_zone_id))
    blue_green = cluster.deployment == "blue_green"
    balancer = LoadBalancer("cluster-lb", LoadBalancerArgs(
        stack, region, network.vpc_id, network.public_subnet_ids, groups.alb, certificate.arn, cluster.idle_timeout,
        cluster.access_log_days, cfg.settings.domain, blue_green))
    tasks = Tasks("cluster-tasks", TasksArgs(
        cfg, cfg.settings.registry.image, database.address, key_arn,
        f"arn:aws:ecr:{region}:{account}:repository/{repository_name(stack)}",
        filestore.file_system_id, filestore.file_system_arn, filestore.access_point_id, filestore.access_point_arn))
    alarms = Alarms("cluster-alarms", AlarmsArgs(
        cfg, balancer.arn_suffix, balancer.target_group_arn_suffix, database.identifier, filestore.file_system_id))
    upgrade = None
    if tasks.upgrade_arn is not None:
        # The services roll only after the upgrade succeeded; a failure stops pulumi up before them.
        def upgrade(cluster_arn: pulumi.Output[str]) -> pulumi.Resource:
            return ModuleUpgrade("cluster-upgrade", UpgradeArgs(
                stack, region, cfg.settings.registry.image, cfg.settings.odoo.update_modules, cluster_arn,
                tasks.upgrade_arn, subnets, groups.tasks, public_ip)).command
    services = Services("cluster-services", ServicesArgs(
        stack, cluster.desired_count, cluster.max_count, cluster.health_check_grace_seconds, cluster.cpu_target,
        cluster.requests_per_target, cluster.deployment, cluster.bake_time_minutes, tasks.web_arn, tasks.cron_arn,
        subnets, groups.tasks, public_ip, balancer.target_group_arn,
        pulumi.Output.all(balancer.arn_suffix, balancer.target_group_arn_suffix).apply(lambda s: f"{s[0]}/{s[1]}"),
        alarms.deployment_alarm_names, balancer.alternate_target_group_arn, balancer.production_rule_arn, upgrade),
        opts=pulumi.ResourceOptions(depends_on=[alarms]))
    if backup is not None:
        schedule = BackupSchedule("cluster-backup", BackupScheduleArgs(
            cfg, cfg.settings.registry.image, database.address, backup.bucket_name, backup.key_arn, key_arn,
            services.cluster_arn, tasks.execution_role_arn, tasks.log_group_name, subnets, groups.tasks, public_ip,
            filestore.file_system_id, filestore.file_system_arn, filestore.access_point_id,
            filestore.access_point_arn))
    if backup is not None:
        restore = RestoreTask("cluster-restore", RestoreTaskArgs(
            cfg, cfg.settings.registry.image, database.address, database.master_secret_arn, backup.bucket_name,
            backup.key_arn, key_arn, tasks.execution_role_arn, tasks.log_group_name, filestore.file_system_arn,
            filestore.file_system_id, filestore.access_point_id, filestore.access_point_arn))
    outputs: dict[str, pulumi.Input] = {
        "url": f"https://{cfg.settings.domain}", "alb_dns_name": balancer.dns_name,
        "certificate_validation_records": certificate.validation_records,
        "ecs_cluster": services.cluster_name, "web_service": services.web_service_name,
        "cron_service": services.cron_service_name, "filestore_id": filestore.file_system_id,
        "alarm_topic_arn": alarms.topic_arn, "access_log_bucket": balancer.log_bucket}
    if backup is not None:
        # The backup bucket's key must name this role too (components/backup/key_policy.py names the host's).
        outputs["backup_task_role_arn"] = schedule.role_arn
        # `aws ecs run-task --task-definition <restore_task_family>` (docs/step7.md, "Restore").
        outputs.update(restore_task_family=restore.family, restore_task_role_arn=restore.role_arn)
    outputs["alb_zone_id"] = balancer.zone_id  # the site's alias record (components/dns) points at both
    return outputs
