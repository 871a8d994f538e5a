"""The apply script's image step (Step 6): the host pulls the stack's own image before anything restarts.

The image is named by digest (registry.image, set by deploy.yml), so a present image is the right
one and needs no registry at all; a missing one is pulled with the host's instance role:
- the token comes from ECR's GetAuthorizationToken through the host's python3-boto3 (the role may
  call it, and pull from this repository only: components/registry/pull_policy.py), and goes to
  `docker login --password-stdin` through a pipe, never through an argv or the environment;
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


def registry_host(image: str) -> str:
    """123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod@sha256:... -> its registry."""
    return image.split("/", 1)[0]


def pull_own_image(service: OdooService) -> str:
    """Shell lines for the apply script; none when the stack runs the official image."""
    if not service.own_image:
        return ""
    image, registry = service.image, registry_host(service.image)
    return f"""# image: the stack's own build, by digest; pulled with the host's role only when it is not here yet.
own_image="{image}"
if ! docker image inspect "$own_image" >/dev/null 2>&1; then
    registry_auth=$(mktemp -d {AUTH_PARENT}/odoo-ladder-registry.XXXXXX)
    pulled=no
    {secrets_steps.HOST_PYTHON} -I - {service.region} <<'ODOO_LADDER_ECR' | DOCKER_CONFIG="$registry_auth" docker login --username AWS --password-stdin {registry} >/dev/null \\
        && DOCKER_CONFIG="$registry_auth" docker pull --quiet "$own_image" >/dev/null && pulled=yes
{ECR_PASSWORD}
ODOO_LADDER_ECR
    rm -rf "$registry_auth"
    if [ "$pulled" != yes ]; then
        echo "odoo-ladder: could not pull $own_image with the host's role; nothing changed, the running containers keep serving" >&2
        exit 1
    fi
fi
"""
