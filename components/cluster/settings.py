"""Checks of the cluster settings that span fields or other components: errors name the keys.

The model (configs/models.py ClusterSettings) checks each field alone; configs/gates.py that the
cluster has RDS and the proxy. Here: the Fargate CPU/memory pairs, the autoscaling range, the
filestore and image choices, and the connection budget:
every Odoo process of every task at the autoscaling maximum, times db_maxconn, must fit in what
RDS's class allows (components/database/connections.py). Called before the ladder registers any resource.
"""
from __future__ import annotations

from dataclasses import dataclass

from components.cicd.names import foreign_image_problem
from components.cluster.fargate import pair_problem, workers_for
from components.database.connections import (ADMIN_HEADROOM, MIN_MAXCONN, ODOO_DEFAULT_MAXCONN, RDS_RESERVED,
                                             SUPERUSER_RESERVED, class_max_connections, odoo_processes)
from components.proxy.sidecar import SIDECAR_KINDS
from configs.errors import ConfigError
from configs.load import LadderConfig

# The cron service's one task: Odoo's default of two cron workers, no HTTP workers (http_enable False).
CRON_THREADS = 2


@dataclass(frozen=True)
class Budget:
    """Odoo's share of RDS's connections at the autoscaling maximum."""
    available: int          # max_connections less the reserved and admin slots
    web_processes: int      # per web task: HTTP workers, the gevent process, the master
    cron_processes: int     # the cron task: its cron workers and the master
    max_tasks: int
    db_maxconn: int

    @property
    def processes(self) -> int:
        return self.web_processes * self.max_tasks + self.cron_processes


def web_workers(cfg: LadderConfig) -> int:
    """odoo.workers if set, else sized from the web task's vCPU."""
    workers = cfg.settings.odoo.workers
    return workers if workers is not None else workers_for(cfg.settings.cluster.cpu)


def budget(cfg: LadderConfig) -> Budget:
    cluster = cfg.settings.cluster
    available = (class_max_connections(cfg.settings.database.instance_class)
                 - SUPERUSER_RESERVED - RDS_RESERVED - ADMIN_HEADROOM)
    web = odoo_processes(web_workers(cfg), 0)       # max_cron_threads = 0 on the web tasks
    cron = CRON_THREADS + 1                          # http_enable = False: cron workers + the master
    processes = web * cluster.max_count + cron
    return Budget(available, web, cron, cluster.max_count, min(available // processes, ODOO_DEFAULT_MAXCONN))


def problems(cfg: LadderConfig) -> list[str]:
    cluster = cfg.settings.cluster
    found = [p for p in (pair_problem("cluster.cpu", "cluster.memory", cluster.cpu, cluster.memory),
                         pair_problem("cluster.cron_cpu", "cluster.cron_memory", cluster.cron_cpu,
                                      cluster.cron_memory)) if p]
    if cluster.max_count < cluster.desired_count:
        found.append(f"odoo-ladder:cluster.max_count: {cluster.max_count} is below desired_count "
                     f"({cluster.desired_count}); autoscaling needs room above it: raise max_count")
    if cluster.filestore == "s3":
        found.append("odoo-ladder:cluster.filestore: s3 (an attachment module that stores files in S3) is not "
                     "built in this release; use efs (docs/step7.md says what s3 would trade)")
    image = cfg.settings.registry.image
    if not image:
        found.append("odoo-ladder:registry.image: the tasks run the image CI built (it holds the entrypoint that "
                     "reads the secrets with the task's role); set it to the digest the deploy workflow printed, "
                     "<registry>/<repository>@sha256:<digest>")
    elif foreign := foreign_image_problem(image, cfg.stack, cfg.region, "the tasks"):
        found.append(foreign)
    if cfg.components.proxy and cfg.components.proxy not in SIDECAR_KINDS:
        found.append(f"odoo-ladder:proxy.kind: {cfg.components.proxy} is not built as the step-7 sidecar behind the "
                     f"ALB; set proxy.kind to {' or '.join(SIDECAR_KINDS)} (caddy is the default)")
    if cfg.settings.odoo.workers == 0:
        found.append("odoo-ladder:odoo.workers: the cluster needs workers (the bus on 8072); remove the setting "
                     "to size them from cluster.cpu")
    if found:
        return found
    plan = budget(cfg)
    if plan.db_maxconn < MIN_MAXCONN:
        found.append(
            f"odoo-ladder:cluster.max_count: at the autoscaling maximum {plan.max_tasks} web tasks x "
            f"{plan.web_processes} Odoo processes (odoo.workers {web_workers(cfg)} + gevent + master) + the cron "
            f"task's {plan.cron_processes} = {plan.processes} processes need {MIN_MAXCONN} connections each, "
            f"{plan.processes * MIN_MAXCONN} in all; database.instance_class {cfg.settings.database.instance_class} "
            f"leaves {plan.available} for Odoo. Lower cluster.max_count or odoo.workers, or choose a larger "
            "database.instance_class")
    return found


def check(cfg: LadderConfig) -> None:
    found = problems(cfg)
    if found:
        raise ConfigError(found)

