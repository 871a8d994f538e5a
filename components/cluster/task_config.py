"""odoo.conf of a task (web or cron) without its secrets: the entrypoint adds them at start.

The app's renderer writes it (components/app/odoo_conf.py, with the task's role); the cluster sets
what differs from the host: the database on RDS (verified TLS, as on the host), the workers sized from the task's vCPU, the
db_maxconn of the connection budget (components/cluster/settings.py) and memory limits that fit
the task. A key the renderer already
writes is replaced in place, never written twice: Odoo's config parser refuses duplicate keys.
"""
from __future__ import annotations

from dataclasses import replace

from components.app.odoo_conf import DB_CA_PATH, ExternalDatabase, render_odoo_conf
from components.app.service import odoo_service
from components.cluster.settings import CRON_THREADS, budget, web_workers
from configs.load import LadderConfig

# RDS forces TLS (rds.force_ssl); the tasks verify the server's name against the RDS CA bundle the
# stack's image carries at DB_CA_PATH (image/Dockerfile), as the host does (compose.py). Odoo hands
# libpq only db_sslmode: the bundle reaches libpq through PGSSLROOTCERT (DB_TLS_ENVIRONMENT).
DB_PORT = 5432
DB_TLS_ENVIRONMENT = {"PGSSLMODE": "verify-full", "PGSSLROOTCERT": DB_CA_PATH}


def with_options(conf: str, options: dict[str, str]) -> str:
    """`conf` with each key set to its value: replaced where the key is, appended where it is not."""
    lines = conf.rstrip("\n").split("\n")
    pending = dict(options)
    for index, line in enumerate(lines):
        key = line.split("=", 1)[0].strip()
        if "=" in line and key in pending:
            lines[index] = f"{key} = {pending.pop(key)}"
    lines += [f"{key} = {value}" for key, value in pending.items()]
    return "\n".join(lines) + "\n"


# Of the task's memory, the share Odoo's workers may grow into together; the rest is the master,
# the gevent process, the sidecar and the page cache.
WORKERS_MEMORY_SHARE = 0.8
MIB = 1024 * 1024


def memory_limits(task_memory_mib: int, workers: int) -> dict[str, str]:
    """limit_memory_hard per worker so that all of them together stay inside the task: the host's
    2.5 GiB per worker would let a 2 GiB task be killed by the kernel (every worker and the sidecar
    with it) before Odoo recycles one worker."""
    hard = int(task_memory_mib * WORKERS_MEMORY_SHARE / max(workers, 1)) * MIB
    return {"limit_memory_hard": str(hard), "limit_memory_soft": str(int(hard * 0.8))}


def task_odoo_conf(cfg: LadderConfig, role: str, db_host: str) -> str:
    cluster = cfg.settings.cluster
    workers = web_workers(cfg)
    service = replace(odoo_service(cfg), db_host=db_host, proxy_mode=role == "web", workers=workers,
                      max_cron_threads=CRON_THREADS)
    memory = memory_limits(cluster.memory, workers) if role == "web" else memory_limits(cluster.cron_memory,
                                                                                          CRON_THREADS)
    database = ExternalDatabase(host=db_host, port=DB_PORT, maxconn=budget(cfg).db_maxconn)
    return with_options(render_odoo_conf(service, database, role=role), memory)
