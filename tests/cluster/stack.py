"""Step 7 stacks for the tests: the aws() config of tests/stacks.py plus the image CI pushed."""
from ladder.mocked import run_stack
from tests.cicd.stack import GITHUB
from tests.stacks import aws

IMAGE = "123456789012.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/prod@sha256:" + "ab" * 32


def step7(**settings) -> dict:
    registry = settings.pop("registry", {"image": IMAGE, "github": GITHUB})
    return aws(7, registry=registry, **settings)


def run7(stack: str = "prod", **settings):
    return run_stack(step7(**settings), stack=stack)
