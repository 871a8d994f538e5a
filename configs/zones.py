"""A pinned availability zone must belong to the stack's region (checked with the rest of the config)."""
from __future__ import annotations

from typing import Optional


def zone_problem(zone: Optional[str], region: Optional[str]) -> Optional[str]:
    """A pinned zone must be one of the stack's region (eu-south-1a for eu-south-1)."""
    if zone and region and zone[:-1] != region:
        return (f"odoo-ladder:host.availability_zone: {zone} is not a zone of aws:region {region}; "
                f"use one such as {region}a")
    return None
