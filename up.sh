#!/usr/bin/env bash
# ./up.sh [STACK] [pulumi up options]: brings a stack up on a fresh machine (default: dev).
# Every step checks before it acts, so a second run changes nothing that is already in place:
#   1. the venv with the pinned requirements (reinstalled only when requirements.txt changes)
#   2. the pre-flight check, python -m ladder doctor STACK (stops on what only you can fix)
#   3. the Pulumi CLI, with Pulumi's official installer, when it is missing (into ~/.pulumi/bin)
#   4. pulumi login --local, when no backend is logged in
#   5. pulumi stack select --create STACK, then pulumi up
set -euo pipefail
cd "$(dirname "$0")"

stack="${1:-dev}"
shift || true
# LADDER_VENV and PYTHON3 exist for the tests (a venv that forwards to their Python); Pulumi.yaml names ./venv.
venv="${LADDER_VENV:-venv}"
python3="${PYTHON3:-python3}"

say() { printf '\n==> %s\n' "$*"; }

if ! command -v "$python3" >/dev/null; then
    echo "python3 is missing: install Python 3.11 or newer with venv (Debian/Ubuntu: apt install python3 python3-venv)" >&2
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtual environment in $venv"
    "$python3" -m venv "$venv"
fi
# A copy of the requirements it was built from marks the venv as current.
if ! cmp -s requirements.txt "$venv/.ladder-requirements"; then
    say "installing the pinned requirements into $venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt
    cp requirements.txt "$venv/.ladder-requirements"
fi

# The official installer puts the CLI in ~/.pulumi/bin and may edit your shell profile; a new shell finds it.
export PATH="$HOME/.pulumi/bin:$PATH"

say "pre-flight: python -m ladder doctor $stack"
status=0
"$venv/bin/python" -m ladder doctor "$stack" || status=$?
if [ "$status" -eq 1 ]; then
    echo "up.sh stops here: fix the MISSING lines above (the ones up.sh cannot do), then run ./up.sh $stack again." >&2
    exit 1
elif [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    exit "$status"
fi

if ! command -v pulumi >/dev/null; then
    say "installing the Pulumi CLI with Pulumi's official installer (https://get.pulumi.com) into ~/.pulumi/bin"
    curl -fsSL https://get.pulumi.com | sh
fi

if ! pulumi whoami >/dev/null 2>&1; then
    say "logging in to the local backend: pulumi login --local"
    echo "The stack's state goes to ~/.pulumi on this machine. Pulumi encrypts the stack's secrets"
    echo "(the generated passwords) with a passphrase: it asks for one when the stack is created, and"
    echo "for the same one on every later command. Keep it; export PULUMI_CONFIG_PASSPHRASE to skip the prompt."
    pulumi login --local
fi

say "selecting the stack $stack (created when new)"
pulumi stack select --create "$stack"

say "pulumi up --stack $stack"
exec pulumi up --stack "$stack" "$@"
