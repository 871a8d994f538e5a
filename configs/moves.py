"""Moves a stack cannot make: checked against what the stack was at its last `pulumi up`.

Config alone cannot tell a shrunk data volume from a small one, or an Odoo upgrade from a first
install: those need the stack's previous state. The program exports it as the `ladder_state`
output (`state_of`), reads its own last outputs before registering anything (configs/previous.py),
and `move_problems` compares the two. `ladder diff A B` and the move tests call the same function
with A's state, so what they call refused is what `pulumi up` refuses.

Every refusal names the key and the safe path; none of them can be overridden into losing data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional

from configs.errors import NAMESPACE, ConfigError

if TYPE_CHECKING:
    from configs.load import LadderConfig

# The stack output that carries the state the next run checks its move against.
STATE_OUTPUT = "ladder_state"
UPGRADE_ADVICE = ("migrate the database first (OpenUpgrade, or Odoo's upgrade service at "
                  "https://upgrade.odoo.com), with a fresh backup taken before; then set "
                  f"{NAMESPACE}:odoo.allow_major_change: true for that `pulumi up` (docs/config.md)")


class MoveRefused(ConfigError):
    """A valid config that this stack cannot move to from where it stands."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        ValueError.__init__(self, "move refused:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class LadderState:
    """What the stack stood on at its last `pulumi up`; None fields are unknown (an older release)."""

    step: Optional[int] = None
    target: Optional[str] = None
    components: tuple[str, ...] = ()
    zone: Optional[str] = None
    data_volume_gb: Optional[int] = None
    odoo_version: Optional[str] = None
    # The stack holds a backup bucket (running backups, or one kept by backup.retain).
    backup_bucket: bool = False
    # The stack holds an RDS instance (step 5 on, or kept by database.allow_move_back).
    rds: bool = False
    # Step 7: the site's name was on the ALB (cluster.cutover); None when unknown or below step 7.
    cutover: Optional[bool] = None
    # Last updated by a release without `ladder_state`: settings this release applies in place (the
    # secrets' recovery window) are not in AWS yet.
    older_release: bool = False


def keeps_backup_bucket(cfg: "LadderConfig") -> bool:
    """The bucket is registered: backups run, or backup.retain keeps it on an AWS stack without them."""
    return bool(cfg.components.backup or (cfg.settings.backup.retain and cfg.settings.target == "aws"))


def keeps_rds(cfg: "LadderConfig") -> bool:
    """The RDS instance is registered: the stack is on it, or database.allow_move_back keeps it while the
    delivery moves the data back into the container (it is protected: removing it would fail `up`)."""
    return bool(cfg.components.database == "rds" or
                (cfg.settings.database.allow_move_back and cfg.settings.target == "aws"))


def state_of(cfg: "LadderConfig", zone: Any = None) -> dict[str, Any]:
    """The `ladder_state` output of a stack built from `cfg`; `zone` is the data volume's (an Output)."""
    host = cfg.components.host
    return {
        "step": cfg.settings.step,
        "target": cfg.settings.target,
        "components": cfg.components.names(),
        "zone": zone if host else None,
        "data_volume_gb": cfg.settings.host.data_volume_gb if host else None,
        "odoo_version": cfg.settings.odoo.version,
        "backup_bucket": keeps_backup_bucket(cfg),
        "rds": keeps_rds(cfg),
        "cutover": cfg.settings.cluster.cutover if cfg.components.cluster else None,
    }


def from_outputs(outputs: Optional[Mapping[str, Any]]) -> Optional[LadderState]:
    """The previous state from the stack's last outputs; None on its first deployment.

    A stack last updated by a release without `ladder_state` still tells its step, components and
    bucket through its other outputs; what it cannot tell stays unknown and is not checked.
    """
    if not outputs:
        return None
    saved = outputs.get(STATE_OUTPUT)
    if isinstance(saved, Mapping):
        # Numbers come back through protobuf's Struct as floats (40.0).
        size, step = saved.get("data_volume_gb"), saved.get("step")
        return LadderState(step=int(step) if step is not None else None, target=saved.get("target"),
                           components=tuple(saved.get("components") or ()), zone=saved.get("zone") or None,
                           data_volume_gb=int(size) if size is not None else None,
                           odoo_version=saved.get("odoo_version"), backup_bucket=bool(saved.get("backup_bucket")),
                           rds=bool(saved.get("rds")) or "database:rds" in (saved.get("components") or ()),
                           cutover=saved.get("cutover"))
    if "step" not in outputs:
        return None
    return LadderState(step=int(outputs["step"]), components=tuple(outputs.get("components") or ()),
                       target="aws" if "instance_id" in outputs else "local",
                       backup_bucket="backup_bucket" in outputs, older_release=True)


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _target(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """AWS -> local would remove the protected data volume and key (`up` stops half way) and start
    Odoo empty. Local -> AWS keeps the local volumes (the local delivery's delete keeps them)."""
    if previous.target == "aws" and cfg.settings.target == "local":
        return [f"{NAMESPACE}:target: this stack runs on aws and its data volume, key and bucket stay there; "
                f"a stack does not move back to local: create a local stack and restore a backup into it "
                f"(docs/backup.md)"]
    return []


def _volume(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    size, before = cfg.settings.host.data_volume_gb, previous.data_volume_gb
    if cfg.components.host and before is not None and size < before:
        return [f"{NAMESPACE}:host.data_volume_gb: EBS volumes cannot shrink: keep {before} or more (got {size}); "
                f"to use less space, move the data to a new, smaller stack with a backup and a restore"]
    return []


def _zone(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    zone = cfg.settings.host.availability_zone
    if cfg.components.host and zone and previous.zone and zone != previous.zone:
        return [f"{NAMESPACE}:host.availability_zone: the data volume lives in {previous.zone} and a volume "
                f"cannot change zone: keep {previous.zone} (or remove the key: the stack keeps its zone)"]
    return []


def _odoo_version(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    before, after = previous.odoo_version, cfg.settings.odoo.version
    if not before or _major(before) == _major(after):
        return []
    if _major(after) < _major(before):
        return [f"{NAMESPACE}:odoo.version: the database is Odoo {before}'s and no tool migrates it back to "
                f"{after}: keep {before}, or restore a backup taken before the upgrade into a new stack"]
    if not cfg.settings.odoo.allow_major_change:
        return [f"{NAMESPACE}:odoo.version: {before} -> {after} is a major upgrade and Odoo {after} does not "
                f"migrate {before}'s database by itself: {UPGRADE_ADVICE}"]
    return []


def _backup_bucket(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    if not previous.backup_bucket or keeps_backup_bucket(cfg):
        return []
    where = f"step {cfg.settings.step}" if cfg.settings.backup.enabled is not False else "backup.enabled: false"
    return [f"{NAMESPACE}:backup.retain: the stack has a backup bucket with every backup set; {where} would "
            f"delete it: backups stay: set backup.retain: true to keep the bucket (versioning, lifecycle, "
            f"public access block and TLS policy stay managed) and stop the host's backup timer"]


def _secret_store(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """Leaving Secrets Manager deletes its secrets with the recovery window they have in AWS. An older
    release gave them 7 days (the names stay taken, and switching back fails); one `up` with this
    release sets 0 in place first."""
    leaving = "secrets:secretsmanager" in previous.components and cfg.components.secrets != "secretsmanager"
    if previous.older_release and leaving and cfg.settings.target == "aws":
        return [f"{NAMESPACE}:secrets.store: run `pulumi up` once more on secretsmanager with this release "
                f"first (it frees the secrets' names when they are deleted, docs/secrets.md); then switch"]
    return []


def _registry(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """The repository holds every release and is protected: `up` would stop half way deleting it, and
    the host would go back to the official image, without the addons the database has installed."""
    if "registry" in previous.components and not cfg.components.registry:
        return [f"{NAMESPACE}:registry.enabled: the stack's image repository holds every release and the host runs "
                f"its image (with your addons); step {cfg.settings.step} would remove both: keep "
                f"{NAMESPACE}:registry.enabled: true on the lower step (docs/step6.md, \"The way down\")"]
    return []


def _database(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """rds -> container: Odoo would start on the container's old copy while the data stays on RDS,
    unless the delivery moves it back (database.allow_move_back keeps RDS registered meanwhile)."""
    had_rds = previous.rds or "database:rds" in previous.components
    if had_rds and not keeps_rds(cfg):
        return [f"{NAMESPACE}:database.allow_move_back: the stack's data is on RDS; moving to the container "
                f"database is a migration back (odoo-move-db, Odoo stopped meanwhile): set "
                f"{NAMESPACE}:database.allow_move_back: true to make it, or keep database.kind: rds (docs/step5.md)"]
    if not had_rds and cfg.settings.database.allow_move_back and cfg.components.database != "rds":
        return [f"{NAMESPACE}:database.allow_move_back: this stack has no RDS instance to move back from, and the "
                f"setting would create one; remove it"]
    return []


def _cluster(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """Step 7 -> below: the attachments written since the move are on EFS, not on the host's volume
    (EFS is retained, but the host's Odoo would not see them). The copy back is not built."""
    if "cluster" in previous.components and not cfg.components.cluster:
        return [f"{NAMESPACE}:cluster.enabled: the filestore since step 7 is on EFS, and the way back (copying it "
                f"to the host's data volume) is not built: stay on step 7, or restore a backup into a new stack"]
    return []


def _retire(previous: LadderState, cfg: "LadderConfig") -> list[str]:
    """host.retire removes the instance that copies the filestore to EFS and, before the cut-over, serves
    the site: only a stack already served by the ALB may retire it. The way back (host.retire removed)
    is a new instance on the kept data volume, which the program builds."""
    if not cfg.settings.host.retire or "host" not in previous.components:
        return []
    if previous.cutover is not True:
        where = "step 7 with cluster.cutover: true" if "cluster" in previous.components else "step 7"
        return [f"{NAMESPACE}:host.retire: the stack has not yet run on {where}; the host copies the filestore "
                f"to EFS and serves the site until the name moves: remove host.retire, `pulumi up`, copy and cut "
                f"over (docs/step7-move.md), then set host.retire: true in a later `pulumi up`"]
    return []


CHECKS = (_target, _volume, _zone, _odoo_version, _backup_bucket, _secret_store, _registry, _database, _cluster,
          _retire)


def move_problems(previous: Optional[LadderState], cfg: "LadderConfig") -> list[str]:
    """Why the stack cannot move from `previous` to `cfg`; empty when it can (or on a first deployment)."""
    if previous is None:
        return []
    return [problem for check in CHECKS for problem in check(previous, cfg)]


def move_warnings(previous: Optional[LadderState], cfg: "LadderConfig") -> list[str]:
    """Legal, but worth a word: a flag left on lets the next major change through unasked."""
    if (cfg.settings.odoo.allow_major_change and previous is not None and previous.odoo_version
            and _major(previous.odoo_version) == _major(cfg.settings.odoo.version)):
        return [f"{NAMESPACE}:odoo.allow_major_change: the stack is already on Odoo {cfg.settings.odoo.version}; "
                f"remove it, so the next major change is refused until its migration is done"]
    return []


def check_move(previous: Optional[LadderState], cfg: "LadderConfig") -> None:
    problems = move_problems(previous, cfg)
    if problems:
        raise MoveRefused(problems)


def previous_of(cfg: "LadderConfig") -> LadderState:
    """The state a stack built from `cfg` leaves (for `ladder diff A B` and the move tests: A's). Its zone
    is known only where A pins one; the live stack's is checked by `pulumi up`."""
    return from_outputs({STATE_OUTPUT: state_of(cfg, cfg.settings.host.availability_zone)})
