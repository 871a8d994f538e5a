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


def delivered_file(run, path: str) -> str:
    """A file of the compose project as the stack delivers it (inside the SSM document or the local command)."""
    import base64
    import json
    import re
    documents = run.of_type("aws:ssm/document:Document")
    if documents:
        script = "\n".join(json.loads(documents[0].inputs["content"])["mainSteps"][0]["inputs"]["runCommand"])
    else:
        script = run.one("command:local:Command").inputs["create"]
    block = re.search(rf"write_file {re.escape(path)} \d+ <<'ODOO_LADDER_EOF'\n(.*?)ODOO_LADDER_EOF", script, re.S)
    assert block, f"{path} is not delivered"
    return base64.b64decode(block.group(1)).decode()


def compose_of(run) -> dict:
    import yaml
    return yaml.safe_load(delivered_file(run, "docker-compose.yml"))


def role_policy(run, name: str) -> dict:
    """One inline policy of the host role, by resource name (host-ssm-agent, credentials-read, ...)."""
    import json
    found = [r for r in run.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == name]
    assert len(found) == 1, f"expected one role policy {name}, found {len(found)}"
    return json.loads(found[0].inputs["policy"])
