"""`aws:region` checked against the region list in botocore's endpoint data (offline, pinned).

A misspelt region (`eu-south-l`) otherwise fails inside the provider after resources were already
registered, and policies written for one region would not match the provider's.
"""
from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Optional

# The program writes `arn:aws:` ARNs, so only the commercial partition's regions fit.
PARTITION = "aws"


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    import boto3  # a run-time requirement (requirements.txt); its endpoint data is a local file
    return frozenset(boto3.session.Session().get_available_regions("ec2", partition_name=PARTITION))


def region_problem(region: Optional[object]) -> Optional[str]:
    """None when the region is one of AWS's; otherwise what is wrong and what to write."""
    if region is None or region == "":
        return ("aws:region: required on AWS stacks (the provider, the policies and the ARNs must agree on it); "
                "set it, e.g. `pulumi config set aws:region eu-south-1`")
    if isinstance(region, str) and region in known_regions():
        return None
    text = str(region)
    if text in _other_partitions():
        return (f"aws:region: {text!r} is in another AWS partition (China, GovCloud, ...); odoo-ladder writes "
                "arn:aws: ARNs, so only the standard regions work")
    return f"aws:region: {text!r} is not an AWS region{_hint(text)}"


def _hint(text: str) -> str:
    # `l` for `1` and `O` for `0` are the typos difflib ranks badly (eu-south-l is nearer eu-south-2).
    digits = text[:-1] + text[-1:].replace("l", "1").replace("I", "1").replace("O", "0").replace("o", "0")
    if digits in known_regions():
        return f"; did you mean {digits}?"
    close = difflib.get_close_matches(text, sorted(known_regions()), n=2, cutoff=0.8)
    if close:
        return f"; did you mean {' or '.join(close)}?"
    return "; if AWS opened it after this botocore release, update boto3/botocore in requirements.txt"


@lru_cache(maxsize=1)
def _other_partitions() -> frozenset[str]:
    import boto3
    session = boto3.session.Session()
    return frozenset(region for partition in session.get_available_partitions() if partition != PARTITION
                     for region in session.get_available_regions("ec2", partition_name=partition))
