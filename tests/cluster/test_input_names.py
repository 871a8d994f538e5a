"""Every input the cluster sets, nested keys included, is one the pinned pulumi-aws accepts: Pulumi's
mocks take any dict, a misspelt nested key would only fail (or be dropped) at `pulumi up`."""
import importlib
import inspect
import re
import typing

import pytest

from tests.cluster.stack import run7
from tests.policy.pulumi_aws_inputs import _camel

VARIANTS = [{}, {"cluster": {"deployment": "blue_green", "private_tasks": True}, "dns_zone_id": "Z0123456789ABC"}]


def _init_parameters(cls) -> dict[str, typing.Any]:
    init = cls._internal_init if hasattr(cls, "_internal_init") else cls.__init__
    return {_camel(name): parameter.annotation for name, parameter in inspect.signature(init).parameters.items()
            if name not in ("self", "__self__", "resource_name", "opts", "__props__")}


def _args_class(annotation, module) -> type | None:
    """The *Args class a (string) annotation names, through Input[...], Optional[...] and Sequence[...]."""
    text = annotation if isinstance(annotation, str) else str(annotation)
    found = re.findall(r"'(\w+Args)'", text) or re.findall(r"\b(\w+Args)\b", text)
    inputs = importlib.import_module(f"{module}._inputs")
    return getattr(inputs, found[0], None) if found else None


def _unknown(value, annotation, module, path: str) -> list[str]:
    cls = _args_class(annotation, module)
    if cls is None:
        return []
    items = value if isinstance(value, list) else [value]
    problems = []
    for item in items:
        if not isinstance(item, dict):
            continue
        accepted = _init_parameters(cls)
        for key, sub in item.items():
            if key not in accepted:
                problems.append(f"{path}.{key} (not an input of {cls.__name__})")
            else:
                problems += _unknown(sub, accepted[key], module, f"{path}.{key}")
    return problems


@pytest.mark.parametrize("settings", VARIANTS, ids=["rolling", "blue-green-private-zone"])
def test_every_nested_cluster_input_is_a_pulumi_aws_input(settings):
    problems = []
    for resource in run7(**settings).resources:
        if not resource.custom or not resource.type.startswith("aws:"):
            continue
        if not resource.urn.split("::")[2].startswith("odoo-ladder:cluster"):
            continue
        package, module, cls = re.fullmatch(r"(\w+):([\w/]+):(\w+)", resource.type).groups()
        module = f"pulumi_{package}.{module.split('/')[0]}"
        accepted = _init_parameters(getattr(importlib.import_module(module), cls))
        for key, value in resource.inputs.items():
            if key not in accepted:
                problems.append(f"{resource.name}: {key}")
            else:
                problems += [f"{resource.name}: {p}" for p in _unknown(value, accepted[key], module, key)]
    assert problems == []
