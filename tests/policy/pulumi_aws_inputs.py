"""The input names pulumi-aws (the pinned SDK) accepts for a resource type, as the engine spells them."""
from __future__ import annotations

import importlib
import inspect
import re
from functools import lru_cache


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@lru_cache(maxsize=None)
def input_names(type_token: str) -> frozenset[str]:
    """e.g. aws:s3/bucketPolicy:BucketPolicy -> {"bucket", "policy"}; raises if pulumi-aws has no such type."""
    package, module, cls = re.fullmatch(r"(\w+):([\w/]+):(\w+)", type_token).groups()
    found = getattr(importlib.import_module(f"pulumi_{package}.{module.split('/')[0]}"), cls)
    parameters = inspect.signature(found._internal_init).parameters
    return frozenset(_camel(p) for p in parameters if p not in ("__self__", "resource_name", "opts"))
