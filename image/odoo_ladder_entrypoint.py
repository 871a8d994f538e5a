#!/usr/bin/env python3
"""Entrypoint of odoo-ladder's Odoo image: fetch the secrets, write odoo.conf on tmpfs, exec Odoo.

Normal mode (the Odoo container):
  1. read `<path>/db_password` and `<path>/admin_passwd` from SSM Parameter Store or Secrets
     Manager with the instance role (boto3's default credential chain);
  2. merge them into the non-secret base config rendered by odoo-ladder;
  3. write the result to a tmpfs file, mode 0600, owned by the user this runs as (odoo);
  4. exec Odoo with ODOO_RC pointing at that file and the container's arguments.

Odoo is exec'd directly, not through the official image's /entrypoint.sh: that script reads
db_host/db_port/db_user/db_password back out of the config file and passes them as command-line
arguments to `odoo` and `wait-for-psql.py` (odoo/docker issue #334), where any user of the host
sees them in `ps`. Odoo itself reads the file named by ODOO_RC.

Init mode (`--write-secret-files DIR [--owner UID:GID]`, a one-shot container): write only the DB
password to DIR/db_password, mode 0400, for the PostgreSQL container's POSTGRES_PASSWORD_FILE.

Fails closed: any secret that cannot be read, or reads empty, stops the container with a non-zero
exit and one line on stderr naming the parameter and what to do. No secret value is ever printed,
put in the environment or in a command line.

Environment:
  ODOO_LADDER_SECRET_STORE   ssm | secretsmanager                       (required)
  ODOO_LADDER_SECRET_PATH    e.g. /odoo-ladder/prod                      (required)
  AWS_REGION                 region of the store (or AWS_DEFAULT_REGION) (required)
  AWS_ENDPOINT_URL           endpoint override (tests against moto)
  AWS_MAX_ATTEMPTS           botocore's own retry budget (standard mode, default 3)
  ODOO_LADDER_AWS_TIMEOUT    connect/read timeout in seconds (default 5)
  ODOO_LADDER_BASE_CONFIG    default /etc/odoo-ladder/odoo.conf
  ODOO_LADDER_CONFIG_OUT     default /run/odoo/odoo.conf (its directory must be a tmpfs)
  ODOO_LADDER_EXEC           program run for `odoo` / `-...` commands, default /usr/bin/odoo
  ODOO_LADDER_SECRET_FILE_OWNER  owner of --write-secret-files output, default 999:999
  ODOO_LADDER_SECRET_FILES   more keys to read and write as files (0400) beside the config, for a
                             one-shot command (the initialiser reads admin_password this way)
"""
import argparse
import configparser
import io
import os
import sys
import tempfile

PROG = "odoo-ladder-entrypoint"
SECRET_KEYS = ("db_password", "admin_passwd")
DB_PASSWORD_KEY = "db_password"
STORES = ("ssm", "secretsmanager")

DEFAULT_BASE_CONFIG = "/etc/odoo-ladder/odoo.conf"
DEFAULT_CONFIG_OUT = "/run/odoo/odoo.conf"
DEFAULT_EXEC = "/usr/bin/odoo"
DEFAULT_SECRET_FILE_OWNER = "999:999"  # the postgres image's postgres user
DEFAULT_AWS_TIMEOUT = "5"

# Env vars through which the official image (or postgres) would take a password in clear.
# Their presence means a secret already sits in the container's environment: refuse.
PASSWORD_ENV_VARS = ("PASSWORD", "DB_PASSWORD", "POSTGRES_PASSWORD", "DB_ENV_POSTGRES_PASSWORD",
                     "ADMIN_PASSWD")
# Defaults of the official image (db) and of Odoo (master password): never start with them.
KNOWN_DEFAULTS = {"db_password": "odoo", "admin_passwd": "admin"}
# Odoo's config loader turns these literal values into booleans or None.
ODOO_RESERVED_VALUES = ("True", "true", "False", "false", "None")
TMPFS_TYPES = ("tmpfs", "ramfs")


class FailClosed(Exception):
    """A reason not to start, said in one line."""


def env_required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise FailClosed(f"{name} is not set: {hint}")
    return value


def store_settings() -> tuple:
    store = env_required("ODOO_LADDER_SECRET_STORE", "set it to ssm or secretsmanager")
    if store not in STORES:
        raise FailClosed(f"ODOO_LADDER_SECRET_STORE={store!r} is not one of {', '.join(STORES)}")
    path = env_required("ODOO_LADDER_SECRET_PATH", "set it to the stack's path, e.g. /odoo-ladder/prod")
    if not path.startswith("/") or path.endswith("/") or "*" in path:
        raise FailClosed(f"ODOO_LADDER_SECRET_PATH={path!r} must start with '/', not end with '/',"
                         " and hold no '*'")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise FailClosed("AWS_REGION is not set: set it to the region that holds the secrets")
    return store, path, region


def make_client(store: str, region: str):
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise FailClosed("boto3 is not installed in this image: rebuild it from odoo-ladder's"
                         " image/Dockerfile") from None
    try:
        timeout = float(os.environ.get("ODOO_LADDER_AWS_TIMEOUT", DEFAULT_AWS_TIMEOUT))
    except ValueError:
        raise FailClosed("ODOO_LADDER_AWS_TIMEOUT must be a number of seconds") from None
    # Passed explicitly: older botocore (Ubuntu jammy's, for odoo:17) ignores AWS_ENDPOINT_URL.
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard"})
    return boto3.session.Session().client(store, region_name=region, endpoint_url=endpoint,
                                          config=config)


def fetch(client, store: str, name: str) -> str:
    """The raw value of one secret; any AWS-side problem becomes a FailClosed naming it."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    try:
        if store == "ssm":
            return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        answer = client.get_secret_value(SecretId=name)
        if "SecretString" in answer:
            return answer["SecretString"]
        try:
            return answer["SecretBinary"].decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            raise FailClosed(f"secret {name} has no text value: store the password with"
                             f" aws secretsmanager put-secret-value --secret-id {name}"
                             " --secret-string ...") from None
    except ClientError as err:
        raise FailClosed(explain_client_error(store, name, err)) from None
    except NoCredentialsError:
        raise FailClosed(f"no AWS credentials to read {name}: attach the stack's instance profile"
                         " (role with the odoo-ladder read policy) to this host") from None
    except BotoCoreError as err:
        # Connection refused, timeouts, DNS: the store is unreachable from here.
        raise FailClosed(f"cannot reach {store} to read {name} ({type(err).__name__}): check the"
                         " host's route/VPC endpoint to the store, AWS_REGION and"
                         " AWS_ENDPOINT_URL") from None


def explain_client_error(store: str, name: str, err) -> str:
    code = err.response.get("Error", {}).get("Code", "Unknown")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = " ".join(str(err.response.get("Error", {}).get("Message", "")).split())
    if message.startswith("<"):  # an XML body where JSON was expected: not worth a log line
        message = ""
    message = message[:300]
    kind = "SSM parameter" if store == "ssm" else "secret"
    if code in ("ParameterNotFound", "ResourceNotFoundException"):
        if store == "ssm":
            todo = (f"create it: aws ssm put-parameter --name {name} --type SecureString"
                    " --value ... (or run pulumi up, which creates it)")
        else:
            todo = (f"create it: aws secretsmanager create-secret --name {name} --secret-string ..."
                    " (or run pulumi up, which creates it)")
        return f"{kind} {name} does not exist: {todo}"
    if code in ("AccessDeniedException", "AccessDenied") or status == 403:
        action = "ssm:GetParameter" if store == "ssm" else "secretsmanager:GetSecretValue"
        return (f"access denied reading {kind} {name}: the instance role needs {action} on it and"
                " kms:Decrypt on its key via the service (the odoo-ladder read policy)"
                f" [{code}{': ' + message if message else ''}]")
    if code in ("UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                "InvalidClientTokenId"):
        return (f"AWS rejected the credentials used to read {kind} {name} ({code}): check the"
                " instance profile and that no stale AWS_* keys are set")
    if code in ("DecryptionFailure", "InvalidKeyId", "KMSAccessDeniedException",
                "KMSDisabledException"):
        return (f"cannot decrypt {kind} {name} ({code}): the instance role needs kms:Decrypt on"
                " the stack's KMS key via the service, and the key must be enabled")
    return f"cannot read {kind} {name}: {code}: {message}"


def check_value(key: str, name: str, value) -> str:
    """Refuse values that would leave Odoo with an empty, default or mangled password."""
    if value is None or not value.strip():
        raise FailClosed(f"{name} is empty: store the real password in it, then restart")
    if "\n" in value or "\r" in value:
        raise FailClosed(f"{name} contains a line break, which an odoo.conf value cannot hold:"
                         " store a single-line password")
    if value != value.strip():
        raise FailClosed(f"{name} starts or ends with whitespace, which Odoo's config parser"
                         " strips: store it without")
    if value in ODOO_RESERVED_VALUES:
        raise FailClosed(f"{name} is a word Odoo reads as a boolean or None: choose a real password")
    if KNOWN_DEFAULTS.get(key) == value:
        raise FailClosed(f"{name} holds the well-known default password: store a strong one")
    return value


def read_secrets(keys) -> dict:
    store, path, region = store_settings()
    client = make_client(store, region)
    return {key: check_value(key, f"{path}/{key}", fetch(client, store, f"{path}/{key}"))
            for key in keys}


def render_config(base_path: str, secrets: dict) -> str:
    """The base odoo.conf with the secrets added to [options]; the base must hold none."""
    # RawConfigParser, like Odoo's own loader: no interpolation, so '%' in a password is literal.
    parser = configparser.RawConfigParser()
    try:
        with open(base_path, encoding="utf-8") as base:
            parser.read_file(base)
    except FileNotFoundError:
        raise FailClosed(f"base config {base_path} does not exist: mount the odoo.conf that"
                         " odoo-ladder renders there (or set ODOO_LADDER_BASE_CONFIG)") from None
    except (OSError, configparser.Error) as err:
        raise FailClosed(f"cannot read base config {base_path}: {type(err).__name__}") from None
    if not parser.has_section("options"):
        raise FailClosed(f"base config {base_path} has no [options] section")
    for key in secrets:
        if parser.has_option("options", key):
            raise FailClosed(f"base config {base_path} sets {key}: remove it, secrets come only"
                             " from the secret store")
        parser.set("options", key, secrets[key])
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()


def mount_fstype(path: str) -> str:
    """Filesystem type of the mount holding `path`, from /proc/self/mountinfo."""
    target = os.path.realpath(path)
    best, fstype = "", ""
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        for line in mounts:
            fields, _, tail = line.partition(" - ")
            point = fields.split()[4].encode().decode("unicode_escape")  # \040 for spaces
            inside = target == point or target.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best):
                best, fstype = point, tail.split()[0]
    return fstype


def ensure_tmpfs_dir(directory: str) -> None:
    """The secret must never land on a disk: its directory has to be on tmpfs."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fstype = mount_fstype(directory)
    except OSError as err:
        raise FailClosed(f"cannot prepare {directory} for the secret file:"
                         f" {err.strerror or type(err).__name__}") from None
    if fstype not in TMPFS_TYPES:
        raise FailClosed(f"{directory} is on {fstype or 'an unknown filesystem'}, not tmpfs:"
                         f" mount a tmpfs there (compose: tmpfs: [\"{directory}\"]) so no secret"
                         " reaches a disk")


def write_private_file(path: str, text: str, mode: int, owner=None) -> None:
    """Atomically replace `path` with `text`, never readable by others, not even for an instant."""
    directory = os.path.dirname(path) or "."
    ensure_tmpfs_dir(directory)
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".odoo-ladder-")  # created 0600
    except OSError as err:
        raise FailClosed(f"cannot write in {directory}: {err.strerror}: make it writable by"
                         f" uid {os.geteuid()}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            if owner is not None:
                try:
                    os.fchown(out.fileno(), *owner)
                except PermissionError:
                    raise FailClosed(f"cannot give {path} to {owner[0]}:{owner[1]} as uid"
                                     f" {os.geteuid()}: run this init container as root") from None
            os.fchmod(out.fileno(), mode)
            out.write(text)
        os.replace(temp, path)
    except (OSError, FailClosed) as err:
        os.unlink(temp)
        if isinstance(err, FailClosed):
            raise
        raise FailClosed(f"cannot write {path}: {err.strerror}") from None


def refuse_passwords_in_env() -> None:
    for name in PASSWORD_ENV_VARS:
        if name in os.environ:
            raise FailClosed(f"environment variable {name} is set: remove it, the password comes"
                             " from the secret store and must not sit in the environment")


def odoo_argv(args: list) -> list:
    """Same dispatch as the official entrypoint, minus the DB arguments it would append."""
    program = os.environ.get("ODOO_LADDER_EXEC") or DEFAULT_EXEC
    if not args:
        return [program]
    if args[0] in ("odoo", "--"):
        return [program, *args[1:]]
    if args[0].startswith("-"):
        return [program, *args]
    return list(args)  # another command (bash, a script): run as given, with the config


def run_odoo(args: list) -> None:
    refuse_passwords_in_env()
    base = os.environ.get("ODOO_LADDER_BASE_CONFIG") or DEFAULT_BASE_CONFIG
    out = os.environ.get("ODOO_LADDER_CONFIG_OUT") or DEFAULT_CONFIG_OUT
    # Read the base before the store: a broken mount is cheaper to report than a network call.
    render_config(base, {})
    # Extra secrets a one-shot command needs as files beside the config (the initialiser: admin_password).
    extra = [key for key in os.environ.get("ODOO_LADDER_SECRET_FILES", "").split(",") if key]
    secrets = read_secrets((*SECRET_KEYS, *extra))
    write_private_file(out, render_config(base, {key: secrets[key] for key in SECRET_KEYS}), 0o600)
    for key in extra:
        write_private_file(os.path.join(os.path.dirname(out), key), secrets[key], 0o400)
    print(f"{PROG}: wrote {out} ({', '.join(SECRET_KEYS)} from"
          f" {os.environ['ODOO_LADDER_SECRET_STORE']})", file=sys.stderr, flush=True)
    argv = odoo_argv(args)
    env = dict(os.environ, ODOO_RC=out)
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as err:
        raise FailClosed(f"cannot start {argv[0]}: {err.strerror}") from None


def parse_owner(text: str) -> tuple:
    try:
        uid, gid = (int(part) for part in text.split(":"))
    except ValueError:
        raise FailClosed(f"owner {text!r} is not UID:GID (numbers), e.g. 999:999") from None
    return uid, gid


def write_secret_files(args: list) -> None:
    parser = argparse.ArgumentParser(prog=PROG, description="write the DB password for"
                                     " POSTGRES_PASSWORD_FILE and exit")
    parser.add_argument("--write-secret-files", metavar="DIR", required=True)
    parser.add_argument("--owner", metavar="UID:GID",
                        default=os.environ.get("ODOO_LADDER_SECRET_FILE_OWNER")
                        or DEFAULT_SECRET_FILE_OWNER)
    options = parser.parse_args(args)
    owner = parse_owner(options.owner)
    secrets = read_secrets((DB_PASSWORD_KEY,))
    path = os.path.join(options.write_secret_files, DB_PASSWORD_KEY)
    write_private_file(path, secrets[DB_PASSWORD_KEY], 0o400, owner)
    print(f"{PROG}: wrote {path} (owner {options.owner}, mode 0400)", file=sys.stderr)


def main(args: list) -> int:
    try:
        if args and args[0].startswith("--write-secret-files"):
            write_secret_files(args)
        else:
            run_odoo(args)
    except FailClosed as reason:
        print(f"{PROG}: FATAL: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
