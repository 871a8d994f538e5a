"""How many connections Odoo may open, so that all its processes together stay below RDS's limit.

RDS PostgreSQL's default parameter group sets
    max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000)
where DBInstanceClassMemory is the class's memory less what the OS and RDS reserve. We leave that
formula in place (the parameter group does not set max_connections), and estimate
DBInstanceClassMemory as 70% of the class's nominal memory, which is at or below what RDS reports
(db.t4g.micro: about 80 connections from 1 GiB). Reserved from it: the superuser slots (3), RDS's
own (2) and headroom for the one-shot admin steps (backup, migration, verify).

Odoo opens at most `db_maxconn` connections per process. With workers, the processes are the HTTP
workers, the cron workers, the gevent (websocket) process and the master; threaded, one process.
Each application instance (step 7: each ECS task) has that many processes.
"""
from __future__ import annotations

import math

from configs.errors import ConfigError

BYTES_PER_CONNECTION = 9_531_392
HARD_CAP = 5000
MEMORY_SHARE = 0.70
SUPERUSER_RESERVED = 3
RDS_RESERVED = 2
ADMIN_HEADROOM = 10
ODOO_DEFAULT_MAXCONN = 64
MIN_MAXCONN = 2

# Nominal memory (GiB) of the classes we know; a class not here is refused with the list.
CLASS_MEMORY_GIB = {
    "db.t4g.micro": 1, "db.t4g.small": 2, "db.t4g.medium": 4, "db.t4g.large": 8, "db.t4g.xlarge": 16,
    "db.t4g.2xlarge": 32,
    "db.t3.micro": 1, "db.t3.small": 2, "db.t3.medium": 4, "db.t3.large": 8, "db.t3.xlarge": 16, "db.t3.2xlarge": 32,
    "db.m6g.large": 8, "db.m6g.xlarge": 16, "db.m6g.2xlarge": 32, "db.m6g.4xlarge": 64,
    "db.m7g.large": 8, "db.m7g.xlarge": 16, "db.m7g.2xlarge": 32, "db.m7g.4xlarge": 64,
    "db.r6g.large": 16, "db.r6g.xlarge": 32, "db.r6g.2xlarge": 64, "db.r6g.4xlarge": 128,
    "db.r7g.large": 16, "db.r7g.xlarge": 32, "db.r7g.2xlarge": 64, "db.r7g.4xlarge": 128,
}


def class_max_connections(instance_class: str) -> int:
    """RDS's formula on our estimate of DBInstanceClassMemory."""
    if instance_class not in CLASS_MEMORY_GIB:
        raise ConfigError([f"odoo-ladder:database.instance_class: {instance_class} is not one whose memory this "
                           f"release knows (needed for Odoo's db_maxconn); use one of {sorted(CLASS_MEMORY_GIB)}"])
    memory = CLASS_MEMORY_GIB[instance_class] * 1024 ** 3 * MEMORY_SHARE
    return min(math.floor(memory / BYTES_PER_CONNECTION), HARD_CAP)


def odoo_processes(workers: int, max_cron_threads: int) -> int:
    if workers == 0:
        return 1
    return workers + max_cron_threads + 2  # + the gevent process and the master


def db_maxconn(instance_class: str, workers: int, max_cron_threads: int, instances: int = 1) -> int:
    """The largest db_maxconn with instances x processes x db_maxconn <= what is left for Odoo."""
    available = class_max_connections(instance_class) - SUPERUSER_RESERVED - RDS_RESERVED - ADMIN_HEADROOM
    processes = odoo_processes(workers, max_cron_threads) * instances
    per_process = min(available // processes, ODOO_DEFAULT_MAXCONN)
    if per_process < MIN_MAXCONN:
        raise ConfigError([f"odoo-ladder:database.instance_class: {instance_class} allows about {available} "
                           f"connections for Odoo, too few for {processes} Odoo processes at {MIN_MAXCONN} each; "
                           "choose a larger class or fewer odoo.workers"])
    return per_process
