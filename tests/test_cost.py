"""`ladder cost`: every example stack is priced from the table; one total is checked by hand."""
from __future__ import annotations

import re

import pytest

from ladder.cli import main
from ladder.cost import line_items, load_table, total
from tests.plans_cache import EXAMPLE_STACKS, ROOT, cached_plan

STEP4 = str(ROOT / "configs" / "stacks" / "step4.yaml")


def test_table_is_dated_sourced_and_covers_both_regions():
    table = load_table()
    assert table["read"] and table["hours_per_month"] == 730
    assert {"us-east-1", "eu-south-1"} <= set(table["regions"])
    for key, entry in table["prices"].items():
        assert entry.get("source"), f"{key} names no source"
        for region in table["regions"]:
            assert region in entry, f"{key} says nothing for {region} (write null when no figure was found)"


def test_step4_us_east_1_total_matches_the_hand_computed_figure():
    # By hand from prices.yaml: t3.medium 730 h x 0.0416 = 30.368; root 20 GB + data 30 GB x 0.08 = 4.00;
    # Elastic IP 730 h x 0.005 = 3.65; KMS keys (the stack's, the backups') 2 x 1.00; 3 SSM Standard parameters 0; backup bucket
    # 20 GB x 0.023 = 0.46; delivery bucket 0.1 GB x 0.023 = 0.0023; 1,000 PUT x 0.005/1,000 = 0.005;
    # 10,000 GET x 0.0004/1,000 = 0.004; 10 GB out x 0.09 = 0.90.  Sum: 41.3893.
    lines = line_items(list(cached_plan(STEP4)), "us-east-1", load_table())
    assert all(line.price is not None for line in lines)
    assert total(lines) == pytest.approx(41.3893)


def test_step4_eu_south_1_priced_lines_match_the_hand_computed_figure():
    # By hand from prices.yaml, eu-south-1: t3.medium 730 h x 0.0479 = 34.967; root 20 GB + data 30 GB x 0.0924
    # = 4.62; Elastic IP 730 h x 0.005 = 3.65; 2 KMS keys x 1.00; 3 SSM Standard parameters 0; 10 GB out x 0.09
    # = 0.90.  Sum 46.137. S3 has no Milan figure yet, so its lines stay out of the total, counted as unpriced.
    lines = line_items(list(cached_plan(STEP4)), "eu-south-1", load_table())
    assert next(line for line in lines if "EC2 t3.medium" in line.what).price == 0.0479
    assert total(lines) == pytest.approx(46.137)


def test_a_missing_figure_is_unpriced_not_guessed():
    lines = line_items(list(cached_plan(STEP4)), "eu-south-1", load_table())
    bucket = next(line for line in lines if "S3 Standard storage" in line.what)
    assert load_table()["prices"]["s3_standard_gb_month"]["eu-south-1"] is None
    assert bucket.price is None and bucket.amount is None
    eip = next(line for line in lines if "public IPv4" in line.what)
    assert eip.amount == pytest.approx(3.65)


AWS_STACKS = [stack for stack in EXAMPLE_STACKS if stack.name.startswith("step")]


@pytest.mark.parametrize("stack", AWS_STACKS, ids=lambda p: p.name)
def test_eu_south_1_prices_the_lines_the_table_has_a_milan_figure_for(stack):
    # The example stacks live in eu-south-1: the instance, its volumes, its public IPv4, the KMS keys, CloudWatch
    # Logs and data out are priced there; what stays unpriced is what the table has no Milan figure for.
    lines = line_items(list(cached_plan(str(stack))), "eu-south-1", load_table())
    priced_in_milan = (": EC2 t3.", ": EBS gp3", "root volume gp3", "public IPv4", "KMS customer", "CloudWatch Logs",
                       "data transfer out")
    filled = [line for line in lines if any(f in line.what for f in priced_in_milan)]
    assert any(": EC2 t3." in line.what for line in filled)
    assert [line.what for line in filled if line.price is None] == []


def test_every_eu_south_1_cost_quoted_on_the_step_pages_is_what_ladder_cost_computes():
    # tests/test_docs.py checks each page's first (us-east-1) figure; the Milan figures beside them too.
    figure = re.compile(r"ladder cost (\S+) --region eu-south-1` → \*\*\$([\d.]+)\*\*")
    quoted = [match for page in sorted((ROOT / "docs" / "steps").glob("step*.md"))
              for match in figure.findall(page.read_text())]
    assert len(quoted) >= 7, "the step pages 0-6 each quote their eu-south-1 cost"
    for stack, figure in quoted:
        computed = total(line_items(list(cached_plan(stack)), "eu-south-1", load_table()))
        assert f"{computed:.2f}" == figure, f"{stack}: the docs say ${figure}, ladder cost says ${computed:.2f}"


def test_secrets_manager_is_priced_per_secret():
    from ladder.plan import plan_config
    from tests.stacks import aws
    records = plan_config(aws(3, secrets={"store": "secretsmanager"}), "cost")
    lines = [line for line in line_items(records, "us-east-1", load_table()) if "Secrets Manager" in line.what]
    assert len(lines) == 3 and sum(line.amount for line in lines) == pytest.approx(1.20)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS, ids=lambda p: p.name)
def test_cost_command_prints_items_total_assumptions_and_sources(stack, capsys, monkeypatch):
    monkeypatch.setattr("ladder.plan.plan", lambda s, as_stack=None: list(cached_plan(s)))
    assert main(["cost", str(stack), "--region", "us-east-1"]) == 0
    out = capsys.readouterr().out
    assert "total" in out and "730 hours a month" in out and "prices read 20" in out
    if "target aws" in out:
        assert "EC2 t3.medium" in out and "unpriced" not in out
    else:
        assert "no AWS charges" in out


def test_unknown_region_is_refused(capsys):
    assert main(["cost", STEP4, "--region", "ap-south-2"]) == 2
    assert "no region ap-south-2" in capsys.readouterr().err
