"""The apply script's image steps (Step 6): the host pulls the stack's own image before anything restarts,
and upgrades the modules (odoo.update_modules) once per image before Odoo restarts on it.

The image is named by digest (registry.image, set by deploy.yml), so a present image is the right
one and needs no registry at all; a missing one is pulled with the host's instance role:
- the token comes from ECR's GetAuthorizationToken through the host's python3-boto3 (the role may
  call it, and pull from this repository only: components/registry/pull_policy.py), or with
  registry.kind: dockerhub from the stack's store (registry_token, read with the role as the
  writer reads the others), and goes to `docker login --password-stdin` through a pipe, never
  through an argv or the environment;
- Docker keeps the login in $DOCKER_CONFIG/config.json: a private folder on /run (tmpfs) that lives
  only for this step, so no registry credential outlives the pull, not even on disk.
A failed pull stops the delivery here, before any file of the project changes and before the writer,
the database or Odoo is touched: the old containers keep serving.
"""
from __future__ import annotations

from components.app.service import OdooService
from components.delivery import secrets_steps

# The login's folder is made under here: tmpfs on the host, so it never reaches a disk.
AUTH_PARENT = "/run"

# The password half of ECR's token (base64 of "AWS:<password>"), on stdout without a newline.
# The endpoint is passed explicitly, as the writer does: an older botocore ignores AWS_ENDPOINT_URL.
ECR_PASSWORD = """import base64, os, sys, boto3
ecr = boto3.client("ecr", region_name=sys.argv[1], endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
data = ecr.get_authorization_token()["authorizationData"][0]
user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
sys.stdout.write(password)"""


# Docker Hub (registry.kind: dockerhub): the token the user gave, from the stack's store, with the role.
STORED_TOKEN = """import os, sys, boto3
store, region, name = sys.argv[1:]
endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
if store == "ssm":
    ssm = boto3.client("ssm", region_name=region, endpoint_url=endpoint)
    value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
else:
    sm = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    value = sm.get_secret_value(SecretId=name)["SecretString"]
sys.stdout.write(value)"""


def _login(service: OdooService) -> tuple[str, str, str]:
    """(what the host's python3 runs, its arguments, the docker login that reads its stdout)."""
    if service.registry_user:
        # No server: docker login's default is Docker Hub.
        return (STORED_TOKEN, f"{service.secret_store} {service.region} {service.secret_path}/registry_token",
                f"docker login --username {service.registry_user} --password-stdin")
    return ECR_PASSWORD, service.region, f"docker login --username AWS --password-stdin {registry_host(service.image)}"


def registry_host(image: str) -> str:
    """123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod@sha256:... -> its registry."""
    return image.split("/", 1)[0]


def pull_own_image(service: OdooService) -> str:
    """Shell lines for the apply script; none when the stack runs the official image."""
    if not service.own_image:
        return ""
    image = service.image
    program, arguments, login = _login(service)
    return f"""# image: the stack's own build, by digest; pulled with the host's role only when it is not here yet.
own_image="{image}"
if ! docker image inspect "$own_image" >/dev/null 2>&1; then
    registry_auth=$(mktemp -d {AUTH_PARENT}/odoo-ladder-registry.XXXXXX)
    pulled=no
    {secrets_steps.HOST_PYTHON} -I - {arguments} <<'ODOO_LADDER_LOGIN' | DOCKER_CONFIG="$registry_auth" {login} >/dev/null \\
        && DOCKER_CONFIG="$registry_auth" docker pull --quiet "$own_image" >/dev/null && pulled=yes
{program}
ODOO_LADDER_LOGIN
    rm -rf "$registry_auth"
    if [ "$pulled" != yes ]; then
        echo "odoo-ladder: could not pull $own_image with the host's role; nothing changed, the running containers keep serving" >&2
        exit 1
    fi
fi
# The official base sets ODOO_VERSION: an image of another version would meet a database it cannot run.
image_version=$(docker image inspect --format '{{{{range .Config.Env}}}}{{{{println .}}}}{{{{end}}}}' "$own_image" | sed -n 's/^ODOO_VERSION=//p')
if [ "$image_version" != "{service.version}" ]; then
    echo "odoo-ladder: $own_image is Odoo ${{image_version:-of no known version}}, the stack runs {service.version} (odoo.version); nothing changed. Build on a {service.version} base (image/Dockerfile ODOO_BASE), or migrate the database first" >&2
    exit 1
fi
"""


# In the project folder: the image and modules of the last upgrade that succeeded.
UPGRADED = ".modules-upgraded"


def upgrade_modules(service: OdooService) -> str:
    """`odoo -u` in a one-shot container of the new image, once per (image, modules), after the database
    is up and its role has the current password, before `compose up` restarts Odoo. The old container
    keeps serving meanwhile; a failed upgrade stops the rollout there, so it keeps serving after it.
    On a new database Odoo creates it and installs base as the initialiser would (odoo-init then
    finds it initialised). The odoo service's own entrypoint (odoo-start.sh) runs it, with ODOO_RC."""
    if not service.update_modules:
        return ""
    modules = ",".join(service.update_modules)
    return f"""# modules: odoo -u {modules}, once per image, before Odoo restarts on it.
upgraded="{service.image} {modules}"
if [ "$(cat {UPGRADED} 2>/dev/null || true)" != "$upgraded" ]; then
    echo "odoo-ladder: upgrading modules {modules} with {service.image}"
    if ! compose run --rm --no-deps -T odoo odoo -u {modules} --stop-after-init --no-http; then
        echo "odoo-ladder: odoo -u {modules} failed; Odoo was not restarted and keeps serving the previous image. Fix the module, or restore the backup taken before, and deploy again" >&2
        exit 1
    fi
    printf '%s' "$upgraded" > {UPGRADED}
fi
"""
