"""Real tools for the tests: skip with a visible reason where one is absent, fail in CI."""
import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    """Skip the calling test, or fail it in CI, where a tool must be present."""
    if IN_CI:
        pytest.fail(f"CI must run every test, but: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """Return the path of an executable the test needs; skip (fail in CI) without it."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed")
    return path


def require_root() -> None:
    """Namespaced end-to-end tests need root for `unshare --net --mount`."""
    if os.geteuid() != 0:
        missing("needs root for unshare --net --mount")
