"""Step 7 stacks for the tests: the aws() config of tests/stacks.py plus the image CI pushed."""
from components.cicd.names import repository_name
from ladder.mocked import run_stack
from tests.cicd.stack import GITHUB
from tests.stacks import aws


def image_for(stack: str) -> str:
    """The image the deploy workflow would push to the stack's own repository, by digest."""
    return f"123456789012.dkr.ecr.eu-south-1.amazonaws.com/{repository_name(stack)}@sha256:" + "ab" * 32


IMAGE = image_for("prod")


def step7(stack: str = "prod", **settings) -> dict:
    registry = settings.pop("registry", {"image": image_for(stack), "github": GITHUB})
    return aws(7, registry=registry, **settings)


def run7(stack: str = "prod", **settings):
    return run_stack(step7(stack, **settings), stack=stack)
