"""Prints how long `ladder plan` takes for every example stack, and how long the mocked suite takes.

Run: venv/bin/python bench/plan_bench.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ladder.plan import plan  # noqa: E402

MOCKED_SUITE = ["tests/test_config_errors.py", "tests/test_ladder.py",
                *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_step*.py"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stacks = ["dev", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "configs" / "stacks").glob("step*.yaml"))]
    print(f"{'stack':32} {'resources':>9} {'median ms':>10} {'min ms':>8}")
    for stack in stacks:
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            records = plan(stack)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{stack:32} {len(records):>9} {statistics.median(timings):>10.1f} {min(timings):>8.1f}")
    suite = [str(ROOT / t) for t in MOCKED_SUITE if (ROOT / t).exists()]
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *suite], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    print(f"mocked suite: {elapsed:.1f} s wall ({result.stdout.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
