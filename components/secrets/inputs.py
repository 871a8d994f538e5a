"""Shapes of the inputs that go into policy documents: a value that would widen a policy's scope
(a wildcard, a trailing slash, another partition's shape) is refused with a message naming it."""
import re

PARTITION = re.compile(r"^aws(-[a-z]+)*$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ACCOUNT = re.compile(r"^\d{12}$")
# Segments of letters, digits and . _ - ; no wildcard, no trailing slash, no "//".
PATH = re.compile(r"^(/[A-Za-z0-9._-]+)+$")
KMS_KEY_ARN = re.compile(r"^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")


def check(name: str, value, pattern: re.Pattern, shape: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"{name}={value!r}: must be {shape}")


STORES = ("ssm", "secretsmanager")


def check_store(store) -> None:
    if store not in STORES:
        raise ValueError(f"store={store!r}: must be one of {', '.join(STORES)}")


def check_account_place(partition, region, account_id) -> None:
    """The partition, region and account every ARN of a policy is built from."""
    check("partition", partition, PARTITION, "like aws, aws-cn or aws-us-gov")
    check("region", region, REGION, "like eu-south-1")
    check("account_id", account_id, ACCOUNT, "12 digits")


def check_path(path) -> None:
    check("path", path, PATH, "like /odoo-ladder/<stack>, without a trailing '/' or '*'")
