"""The lists the config is checked against come from the pinned SDKs, not from memory."""
import re
from pathlib import Path

import pulumi_aws

from configs.keys import AWS_KEYS, AWS_REFUSED
from configs.regions import known_regions
from configs.load import from_stack_file
from tests.stacks import EXAMPLES


def provider_keys() -> set[str]:
    """The config keys of the installed pulumi-aws provider (pulumi_aws/config/vars.py)."""
    text = (Path(pulumi_aws.__file__).parent / "config" / "vars.py").read_text()
    return set(re.findall(r"__config__\.get(?:_bool|_int|_float|_object)?\('(\w+)'\)", text))


def test_every_accepted_or_refused_aws_key_is_a_real_provider_key():
    keys = provider_keys()
    assert "region" in keys and len(keys) > 20
    assert AWS_KEYS <= keys, AWS_KEYS - keys
    assert set(AWS_REFUSED) <= keys


def test_every_provider_key_is_decided_on():
    """A new provider key is neither silently accepted nor refused as a typo: decide, then list it."""
    assert provider_keys() - AWS_KEYS - set(AWS_REFUSED) == set()


def test_the_region_list_is_botocores_and_holds_the_examples_region():
    assert {"us-east-1", "eu-south-1", "eu-south-2"} <= known_regions()
    assert "cn-north-1" not in known_regions()
    for path in EXAMPLES:
        assert from_stack_file(str(path)).region in known_regions()


def test_docs_config_lists_every_key():
    from configs.load import NESTED, _known_keys
    docs = (Path(__file__).resolve().parent.parent / "docs" / "config.md").read_text()
    keys = [k.split(":", 1)[1] for k in _known_keys()]
    missing = [k for k in keys if k not in NESTED and f"`{k}`" not in docs and f"{k}`" not in docs
               and f"`{k} " not in docs]
    assert missing == []
    assert [k for k in AWS_KEYS | set(AWS_REFUSED) if f"`{k}`" not in docs and f"`aws:{k}`" not in docs] == []
