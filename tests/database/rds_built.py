"""Runs of step-5 stacks. `database:rds` is in configs/gates.py BUILT since the delivery moves the
data; the override stays so these tests hold whatever BUILT says (a release that closes RDS again)."""
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
