"""The apply script's first lines: Docker and its compose plugin must answer before anything is written.

Without them the rollout cannot finish, and a half-done one used to leave the passwords in files of
the project folder for nothing (a laptop without Docker, an engine that is stopped, a user outside
the docker group). Each check says what is missing.
"""
from __future__ import annotations

DOCKER_PREFLIGHT = r"""# Docker first: nothing (no password, no project file) is written for a rollout that cannot run.
if ! command -v docker >/dev/null 2>&1; then
    echo "odoo-ladder: docker is not installed or not on PATH; install Docker Engine with the compose plugin" >&2
    exit 1
fi
if ! docker compose version >/dev/null 2>&1; then
    echo "odoo-ladder: 'docker compose' (the compose v2 plugin) is missing; install docker-compose-plugin" >&2
    exit 1
fi
if ! docker info >/dev/null 2>&1; then
    echo "odoo-ladder: the Docker engine does not answer; start it, and check that this user may use it" >&2
    exit 1
fi
"""
