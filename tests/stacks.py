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
