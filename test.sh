#!/bin/bash
# Runs the whole test suite in the project's venv, creating or updating it first.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x venv/bin/python ]; then
    python3 -m venv venv
fi
venv/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
exec venv/bin/python -m pytest "$@"
