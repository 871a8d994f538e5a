"""The stack's passwords: given as Pulumi secrets or generated, and on AWS kept in a secret store.

They stay Outputs marked secret from start to end; nothing here ever holds a plain value. On AWS
they live under /odoo-ladder/<stack>/, at every step, as SSM SecureString parameters or (when
secrets.store says so) Secrets Manager secrets, under the stack's own KMS key; the host's role may
read that path and nothing else. Generated values rotate as components/credentials/rotation.py says.
"""
from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.credentials.rotation import rotation_epoch, rotation_keepers
from components.secrets.policy import parameter_path, read_policy
from configs.load import SECRET_KEYS, LadderConfig


class CredentialsArgs:
    def __init__(self, cfg: LadderConfig, reader_role: Optional[pulumi.Input[str]] = None,
                 kms_key_arn: Optional[pulumi.Output[str]] = None):
        self.cfg = cfg
        self.reader_role = reader_role
        self.kms_key_arn = kms_key_arn


class Credentials(pulumi.ComponentResource):
    values: dict[str, pulumi.Output[str]]
    names: dict[str, str]
    # The stored versions, e.g. "db_password=3 ...": a changed value changes this, never the value.
    versions: pulumi.Output[str]

    def __init__(self, name: str, args: CredentialsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("odoo-ladder:credentials:Credentials", name, None, opts)
        cfg = args.cfg
        child = pulumi.ResourceOptions(parent=self)
        config = pulumi.Config()
        store = cfg.components.secrets or "ssm"
        path = parameter_path(cfg.stack)
        self.values = {}
        self.names = {}
        stored: list[pulumi.Resource] = []
        versions: list[pulumi.Output[str]] = []
        keepers = (rotation_keepers(store, bool(cfg.components.secrets), args.kms_key_arn)
                   if cfg.settings.target == "aws" else None)
        # Step 6 with Docker Hub: the pull token the user gave joins the store, where the host reads it.
        pull_token = ("registry_token",) if cfg.components.registry and cfg.settings.registry.kind == "dockerhub" \
            and cfg.settings.target == "aws" else ()
        for key in (*SECRET_KEYS, *pull_token):
            if key in cfg.given_secrets:
                value = config.require_secret(key)
            else:
                # Letters and digits only: the value goes into odoo.conf without quoting.
                value = random.RandomPassword(f"{name}-{key}", length=32, special=False, keepers=keepers,
                                              opts=child).result
            self.values[key] = pulumi.Output.secret(value)
            if cfg.settings.target != "aws":
                continue
            self.names[key] = f"{path}/{key}"
            if store == "ssm":
                stored.append(aws.ssm.Parameter(
                    f"{name}-{key}", name=f"{path}/{key}", type="SecureString", value=self.values[key],
                    key_id=args.kms_key_arn, description=f"odoo-ladder {cfg.stack}: {key}",
                    # A retained parameter left by a `pulumi destroy` or a move to Secrets Manager is taken
                    # over (PutParameter Overwrite), not refused as ParameterAlreadyExists. The path is the
                    # stack's own, so only this stack's values are overwritten, and they stay in the history.
                    overwrite=True,
                    tags={"odoo-ladder:stack": cfg.stack}, opts=pulumi.ResourceOptions(
                        # Retained: a `pulumi destroy`, a store switch or a rename never deletes the value
                        # (the retained data volume still needs it). Rotation and a key change are in-place
                        # updates (new value, new keyId: a new version), never a replacement, which with
                        # retain would leave the old one holding the name (docs/secrets.md).
                        parent=self, protect=True, retain_on_delete=True)))
                versions.append(stored[-1].version.apply(lambda v, key=key: f"{key}={v}"))
            else:
                secret = aws.secretsmanager.Secret(
                    f"{name}-{key}", name=f"{path}/{key}", kms_key_id=args.kms_key_arn,
                    description=f"odoo-ladder {cfg.stack}: {key}",
                    # Deleted at once when the stack leaves Secrets Manager: a name scheduled for deletion
                    # stays taken for its recovery window, and switching back would fail. Nothing is lost:
                    # the value lives in the stack's state and, by then, in the other store (docs/secrets.md).
                    recovery_window_in_days=0,
                    # Protected, not retained: a `pulumi destroy` or a store switch stops at the preview until
                    # you unprotect them, so none goes by accident; retained, one would keep its name taken
                    # for ever (Secrets Manager has no overwrite) and a later switch back would fail.
                    tags={"odoo-ladder:stack": cfg.stack}, opts=pulumi.ResourceOptions(parent=self, protect=True))
                stored.append(aws.secretsmanager.SecretVersion(
                    f"{name}-{key}", secret_id=secret.id, secret_string=self.values[key], opts=child))
                versions.append(stored[-1].version_id.apply(lambda v, key=key: f"{key}={v}"))
        if args.reader_role is not None:
            account = aws.get_caller_identity().account_id
            key_arn = args.kms_key_arn if args.kms_key_arn is not None else pulumi.Output.from_input(None)
            policy = key_arn.apply(lambda arn: json.dumps(read_policy(store, "aws", cfg.region, account, path, arn)))
            aws.iam.RolePolicy(f"{name}-read", role=args.reader_role, policy=policy,
                               opts=pulumi.ResourceOptions(parent=self, depends_on=stored))
        if keepers is not None:
            # The epoch (stage, store, key) changes with every rotation, whatever version numbers the store
            # gives (a parameter taken over after a store switch goes on from the version it had).
            versions.append(keepers.apply(lambda k: f"epoch={rotation_epoch(k)}"))
        self.versions = pulumi.Output.all(*versions).apply(" ".join)
        self.register_outputs({"names": self.names, "versions": self.versions})
