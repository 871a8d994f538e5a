"""Stack configs for the tests: the example stacks, and small variations written inline."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "configs" / "stacks").glob("step*.yaml"), key=lambda p: int(p.stem[4:]))


def aws(step: int = 0, **settings) -> dict:
    config = {"aws:region": "eu-south-1", "odoo-ladder:target": "aws", "odoo-ladder:step": str(step),
              "odoo-ladder:admin_cidrs": ["203.0.113.7/32"]}
    if step >= 1:
        config["odoo-ladder:domain"] = "erp.example.org"
        config["odoo-ladder:acme_email"] = "ops@example.org"
    config.update({f"odoo-ladder:{k}": v for k, v in settings.items()})
    return config


def local(step: int = 0, **settings) -> dict:
    config = {"odoo-ladder:target": "local", "odoo-ladder:step": str(step)}
    config.update({f"odoo-ladder:{k}": v for k, v in settings.items()})
    return config


def delivered_bundle(run) -> dict[str, str]:
    """The bundle the stack delivers (archive member -> text): the object uploaded to S3 for the host,
    or the local command's stdin; both are the same kind of archive."""
    import base64
    from components.delivery.artifact import unpack
    uploads = run.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
    if uploads:
        encoded = [u for u in uploads if u.inputs["key"].startswith("bundles/")][0].inputs["contentBase64"]
    else:
        encoded = run.one("command:local:Command").inputs["stdin"]
    return unpack(base64.b64decode(encoded))


def delivered_file(run, path: str) -> str:
    """A file of the compose project as the stack delivers it (inside the bundle)."""
    bundle = delivered_bundle(run)
    assert f"project/{path}" in bundle, f"{path} is not delivered"
    return bundle[f"project/{path}"]


def delivered_apply_script(run) -> str:
    return delivered_bundle(run)["apply.sh"]


def compose_of(run) -> dict:
    import yaml
    return yaml.safe_load(delivered_file(run, "docker-compose.yml"))


def role_policy(run, name: str) -> dict:
    """One inline policy of the host role, by resource name (host-ssm-agent, credentials-read, ...)."""
    import json
    found = [r for r in run.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == name]
    assert len(found) == 1, f"expected one role policy {name}, found {len(found)}"
    return json.loads(found[0].inputs["policy"])
