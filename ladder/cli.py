"""python -m ladder {render,plan,diff,check,verify,cost,diagram,docs-images,doctor}: the offline companion of `pulumi up`."""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from configs.errors import ConfigError
from configs.load import LadderConfig
from configs.load import from_stack_file as _load_stack_file


def from_stack_file(stack: str) -> LadderConfig:
    """The stack's validated config; settings that do nothing here are printed as warnings on stderr."""
    cfg = _load_stack_file(stack)
    for warning in cfg.warnings:
        print(f"warning: {stack}: {warning}", file=sys.stderr)
    return cfg


def _render(args) -> int:
    from ladder.render import SHA_FILE, write_artifacts
    written = write_artifacts(from_stack_file(args.stack), Path(args.out))
    for path in written:
        print(path)
    for path in written:
        if path.name == SHA_FILE:
            sha256 = path.read_text().split()[0]
            print(f"bundle sha256 {sha256} (S3 key bundles/{sha256}.tar): {path.parent / 'bundle.tar'}")
    return 0


def _plan(args) -> int:
    from ladder.plan import plan, render_json, render_tree
    from_stack_file(args.stack)  # config errors first, before the mocked run
    records = plan(args.stack)
    print(render_json(records) if args.json else render_tree(records))
    return 0


def _diff(args) -> int:
    from ladder.diff import diff_plans, render_diff
    from ladder.plan import plan, stack_name
    from ladder.summary import side, summarize
    from configs.moves import check_move, move_warnings, previous_of
    cfg_a = from_stack_file(args.stack_a)
    # B as a move of stack A: its names, tags and paths then derive from A's stack name.
    cfg_b = dataclasses.replace(from_stack_file(args.stack_b), stack=cfg_a.stack)
    # The check `pulumi up` runs against the stack's last state, here A's: a refused move stops here.
    check_move(previous_of(cfg_a), cfg_b)
    for warning in move_warnings(previous_of(cfg_a), cfg_b):
        print(f"warning: {args.stack_b}: {warning}", file=sys.stderr)
    records_a = plan(args.stack_a)
    records_b = plan(args.stack_b, as_stack=stack_name(args.stack_a))
    result = diff_plans(records_a, records_b)
    print(render_diff(result))
    print("\n".join(summarize(side(cfg_a, records_a), side(cfg_b, records_b), result)))
    return 0


def _check(args) -> int:
    from ladder.check import check_stack, render
    from_stack_file(args.stack)
    violations = check_stack(args.stack)
    print(render(violations))
    return 1 if any(v.mandatory for v in violations) else 0


def _verify(args) -> int:
    from ladder.verify import Target, run_checks
    target = Target(host=args.host, odoo_port=args.odoo_port, bus_port=args.bus_port, db_port=args.db_port,
                    http_port=args.http_port, https_port=args.https_port, ca_bundle=args.ca_bundle,
                    skip_dns=args.skip_dns, instance_id=args.instance_id, backup_bucket=args.backup_bucket,
                    cluster=args.cluster, service=args.service, chaos=args.chaos, chaos_timeout=args.chaos_timeout)
    results = run_checks(from_stack_file(args.stack), target)
    for result in results:
        print(result.line())
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _cost(args) -> int:
    from ladder.cost import line_items, load_table, report
    from ladder.plan import plan
    cfg = from_stack_file(args.stack)
    table = load_table()
    region = args.region or cfg.region
    if region not in table["regions"]:
        print(f"the price table has no region {region}; it has {', '.join(table['regions'])} (--region)",
              file=sys.stderr)
        return 2
    records = plan(args.stack) if cfg.settings.target == "aws" else []
    print(report(args.stack, cfg.settings.target, region, line_items(records, region, table), table))
    return 0


def _dot_source(stack: str, title: str) -> str:
    from ladder.diagram import build, to_dot
    from ladder.plan import plan
    return to_dot(build(from_stack_file(stack), plan(stack)), title)


def _diagram(args) -> int:
    from ladder.diagram import render
    out = Path(args.out)
    fmt = out.suffix.lstrip(".")
    if fmt not in ("svg", "png", "dot"):
        print(f"--out {out}: name an .svg, .png or .dot file", file=sys.stderr)
        return 2
    source = _dot_source(args.stack, f"odoo-ladder: {args.stack}")
    out.write_bytes(source.encode() if fmt == "dot" else render(source, fmt))
    print(out)
    return 0


def _docs_images(args) -> int:
    from ladder.diagram import render
    from ladder.docs_images import ROOT, example_stacks, picture_path
    for name, stack in example_stacks().items():
        path = picture_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(_dot_source(str(stack.relative_to(ROOT)), f"odoo-ladder: {name}"), "svg"))
        print(path.relative_to(ROOT))
    return 0


def _doctor(args) -> int:
    from ladder.doctor import diagnose, exit_code
    findings = diagnose(args.stack)
    for finding in findings:
        print(finding.line())
    code = exit_code(findings)
    print({0: "ready: pulumi up will find what it needs",
           3: "ready for ./up.sh: it installs or logs in what is missing above",
           1: "not ready: fix the MISSING lines above, then run this again"}[code])
    return code


def _snapshot_export(args) -> int:
    import boto3

    from components.database.identifiers import instance_identifier
    from ladder.snapshot_export import start_export
    cfg = from_stack_file(args.stack)
    if not cfg.settings.database.snapshot_export:
        print("odoo-ladder:database.snapshot_export: set it to true and run `pulumi up` first (the bucket, the "
              "export role and its KMS grant)", file=sys.stderr)
        return 2
    identifier = instance_identifier(cfg.stack)
    try:
        task = start_export(boto3.client("rds", region_name=cfg.region), identifier, args.bucket, args.role_arn,
                            args.kms_key)
    except LookupError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"export {task['ExportTaskIdentifier']} of {task['SourceArn']} started ({task['Status']}) into "
          f"s3://{task['S3Bucket']}/{task['S3Prefix']}/: Parquet for analytics, not restorable "
          f"(the restorable copies are RDS's snapshots and the Step 4 sets)")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m ladder", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    stack_help = "a stack name (dev means Pulumi.dev.yaml) or a path to a stack config file"

    render = commands.add_parser("render", help="write every artifact the stack delivers")
    render.add_argument("stack", help=stack_help)
    render.add_argument("--out", required=True, help="folder to write into")
    render.set_defaults(run=_render)

    plan = commands.add_parser("plan", help="list the resources the stack would register (mocked run)")
    plan.add_argument("stack", help=stack_help)
    plan.add_argument("--json", action="store_true", help="JSON for tools instead of a tree")
    plan.set_defaults(run=_plan)

    diff = commands.add_parser("diff", help="what moving from stack A to stack B adds, changes and removes")
    diff.add_argument("stack_a", help=stack_help)
    diff.add_argument("stack_b", help=stack_help)
    diff.set_defaults(run=_diff)

    check = commands.add_parser("check", help="run the policy pack's rules on the stack's mocked plan")
    check.add_argument("stack", help=stack_help)
    check.set_defaults(run=_check)

    verify = commands.add_parser("verify", help="run the step's outcome checks against a live deployment")
    verify.add_argument("stack", help=stack_help)
    verify.add_argument("--host", required=True, help="the deployment's address (its Elastic IP, or localhost)")
    verify.add_argument("--odoo-port", type=int, default=8069)
    verify.add_argument("--bus-port", type=int, default=8072)
    verify.add_argument("--db-port", type=int, default=5432)
    verify.add_argument("--http-port", type=int, default=80)
    verify.add_argument("--https-port", type=int, default=443)
    verify.add_argument("--ca-bundle", help="trust this CA bundle instead of the system's (e.g. a staging CA)")
    verify.add_argument("--skip-dns", action="store_true", help="do not check that the domain resolves to --host")
    verify.add_argument("--instance-id", help="the EC2 host to inspect through SSM (step 3 on); default: the "
                                              "instance that holds the --host address")
    verify.add_argument("--backup-bucket", help="step 4 on: the stack's bucket (pulumi stack output backup_bucket)")
    verify.add_argument("--cluster", help="step 7: the ECS cluster (default: the name the program gives it)")
    verify.add_argument("--service", help="step 7: the web service (default: the name the program gives it)")
    verify.add_argument("--chaos", action="store_true",
                        help="step 7: stop one web task and poll the site every second until ECS replaces it")
    verify.add_argument("--chaos-timeout", type=float, default=900, help="seconds to wait for the replacement")
    verify.set_defaults(run=_verify)

    cost = commands.add_parser("cost", help="the stack's monthly cost, from the dated price table")
    cost.add_argument("stack", help=stack_help)
    cost.add_argument("--region", help="price in this region instead of the stack's aws:region")
    cost.set_defaults(run=_cost)

    diagram = commands.add_parser("diagram", help="draw the stack's architecture (Graphviz dot)")
    diagram.add_argument("stack", help=stack_help)
    diagram.add_argument("--out", required=True, help="FILE.svg, FILE.png or FILE.dot (the graph's source)")
    diagram.set_defaults(run=_diagram)

    images = commands.add_parser("docs-images", help="redraw every example stack's picture into docs/steps/")
    images.set_defaults(run=_docs_images)

    doctor = commands.add_parser("doctor", help="pre-flight: what `pulumi up` needs and how to get what is missing")
    doctor.add_argument("stack", nargs="?", default="dev", help=stack_help + " (default: dev)")
    doctor.set_defaults(run=_doctor)
    export = commands.add_parser("snapshot-export", help="export the newest automated RDS snapshot to S3 (Parquet, "
                                                         "not restorable; database.snapshot_export)")
    export.add_argument("stack", help=stack_help)
    export.add_argument("--bucket", required=True, help="`pulumi stack output snapshot_export_bucket`")
    export.add_argument("--role-arn", required=True, help="`pulumi stack output snapshot_export_role`")
    export.add_argument("--kms-key", required=True, help="`pulumi stack output kms_key_arn`")
    export.set_defaults(run=_snapshot_export)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
