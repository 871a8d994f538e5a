"""Checks of the database settings that span fields or other modules: errors name the key.

The model (configs/models.py DatabaseSettings) checks each field alone; here: the engine's major is
the container's (a move is a dump and restore within one major), storage can grow, the windows
do not overlap, and multi_az follows the step unless set.
"""
from __future__ import annotations

from configs.errors import ConfigError
from configs.load import LadderConfig
from components.app.service import POSTGRES_MAJOR, odoo_service
from components.database.ca_bundle import REGIONS_WITHOUT_ROOT
from components.database.connections import db_maxconn


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _backup_minutes(window: str) -> tuple[int, int]:
    start, end = (_minutes(part) for part in window.split("-"))
    return start, end if end > start else end + 24 * 60


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK = 7 * 24 * 60


def _maintenance_minutes(window: str) -> tuple[int, int]:
    """ddd:hh:mm-ddd:hh:mm as minutes of the week (the end past the week's end if it wraps)."""
    start, end = ((DAYS.index(day) * 24 * 60 + _minutes(clock)) for day, clock in
                  (part.split(":", 1) for part in window.split("-")))
    return start, end if end > start else end + WEEK


def windows_overlap(backup: str, maintenance: str) -> bool:
    """RDS refuses a backup window that overlaps the maintenance window (mocks accept it)."""
    b_start, b_end = _backup_minutes(backup)
    m_start, m_end = _maintenance_minutes(maintenance)
    for day in range(-1, 8):  # the daily backup window on every day, and across the week's edges
        start, end = day * 24 * 60 + b_start, day * 24 * 60 + b_end
        for shift in (-WEEK, 0, WEEK):
            if start < m_end + shift and m_start + shift < end:
                return True
    return False


def check(cfg: LadderConfig) -> None:
    db = cfg.settings.database
    problems = []
    major = db.engine_version.split(".")[0]
    if major != POSTGRES_MAJOR:
        problems.append(f"odoo-ladder:database.engine_version: {db.engine_version} is PostgreSQL {major}, the "
                        f"container runs {POSTGRES_MAJOR}; use {POSTGRES_MAJOR}.<minor> (a major upgrade is its "
                        "own move)")
    if db.max_allocated_storage_gb <= db.allocated_storage_gb:
        problems.append(f"odoo-ladder:database.max_allocated_storage_gb: {db.max_allocated_storage_gb} is not above "
                        f"allocated_storage_gb ({db.allocated_storage_gb}), so storage could never grow; raise it")
    start, end = _backup_minutes(db.backup_window)
    if end - start < 30:
        problems.append(f"odoo-ladder:database.backup_window: {db.backup_window} is shorter than the 30 minutes "
                        "RDS requires")
    if windows_overlap(db.backup_window, db.maintenance_window):
        problems.append(f"odoo-ladder:database.backup_window: {db.backup_window} overlaps maintenance_window "
                        f"({db.maintenance_window}), which RDS refuses; move one of them")
    if cfg.region in REGIONS_WITHOUT_ROOT:
        problems.append(f"aws:region: {cfg.region} has no root in the vendored RDS CA bundle, so Odoo could not "
                        "verify the database's certificate; refresh components/database/rds-global-bundle.pem "
                        "(docs/step5.md) or choose another region")
    if problems:
        raise ConfigError(problems)
    odoo_db_maxconn(cfg)  # refuses a class too small for Odoo's processes, naming the key


def odoo_db_maxconn(cfg: LadderConfig) -> int:
    """Odoo's db_maxconn on this stack's class, for every instance of the app (step 7: each task)."""
    service = odoo_service(cfg)
    instances = cfg.settings.cluster.desired_count if cfg.components.cluster else 1
    return db_maxconn(cfg.settings.database.instance_class, service.workers, service.max_cron_threads, instances)


def multi_az(cfg: LadderConfig) -> bool:
    """Off at step 5 (one instance, PITR covers the data), on with the cluster (step 7)."""
    setting = cfg.settings.database.multi_az
    return cfg.components.cluster if setting is None else setting
