"""A test-only override of configs/gates.py BUILT: `database:rds` stays out of it for users until
the migration is wired into the delivery, so these tests let it through for the run they make."""
from __future__ import annotations

import contextlib
from unittest import mock

import configs.gates
from ladder.mocked import run_stack
from tests.stacks import aws


@contextlib.contextmanager
def rds_built():
    with mock.patch.object(configs.gates, "BUILT", configs.gates.BUILT | {"database:rds"}):
        yield


def run_rds(step: int = 5, stack: str = "prod", **settings):
    with rds_built():
        return run_stack(aws(step, **settings), stack=stack)
