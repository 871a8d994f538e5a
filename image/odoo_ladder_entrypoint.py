#!/usr/bin/env python3
"""odoo-ladder's one writer of odoo.conf: read the secrets, write them where only Odoo reads them.

Modes:
  --write-config DIR --owner UID:GID [--allow-disk]
      The host's writer (Steps 0-6). Writes DIR/odoo.conf (the base config plus db_password and
      admin_passwd) and DIR/admin_password (the admin user's login), each 0400 and owned by the
      odoo uid of the image; DIR itself 0700, same owner. On EC2 root runs it on the host with the
      instance role (a systemd oneshot at boot, again on each rollout) into /run/odoo-ladder/<project>
      (tmpfs); the containers mount DIR read-only and never talk to AWS. Locally (steps 0-2) a
      one-shot container runs it with the values in its environment (store `env`) into a named
      volume: --allow-disk, since that volume is on the laptop's disk (root-only Docker storage).
  --role-sql CONFIG [--managed]
      Prints the psql session that sets Odoo's DB role password from CONFIG's db_password as a
      SCRAM-SHA-256 verifier computed here, with statement logging off, so neither the password
      nor the verifier reaches PostgreSQL's log (or the container log, or CloudWatch). --managed:
      the session RDS's master may run (Step 5: no superuser settings or attributes).
  --versions
      Prints the stored versions of the secrets (never their values, no decryption): the apply
      script restarts Odoo when they changed since the last rollout.
  (no mode)  Step 7 (ECS, each task its own role): read the store, write the config to a tmpfs
      (0600, the user this runs as), exec Odoo with ODOO_RC pointing at it.

Odoo is exec'd directly, never through the official image's /entrypoint.sh: for images before
May 2026 that script copies db_password from the config onto the command line of `odoo` and
`wait-for-psql.py` (odoo/docker issue #334), where any user of the host sees it in `ps`.

Fails closed: a secret that cannot be read, is not a SecureString, is shorter than 16 characters
or holds a control character stops the writer with a non-zero exit and one line on stderr naming
the parameter. No secret value is ever printed, put in an environment or in a command line.

Environment:
  ODOO_LADDER_SECRET_STORE   ssm | secretsmanager | env (env: --write-config only)   (required)
  ODOO_LADDER_SECRET_PATH    e.g. /odoo-ladder/prod                      (ssm, secretsmanager)
  AWS_REGION                 region of the store (or AWS_DEFAULT_REGION) (ssm, secretsmanager)
  ODOO_LADDER_DB_PASSWORD, ODOO_LADDER_ADMIN_PASSWD, ODOO_LADDER_ADMIN_PASSWORD   (store env)
  AWS_ENDPOINT_URL           endpoint override (tests against moto)
  AWS_MAX_ATTEMPTS           botocore's own retry budget (standard mode, default 3)
  ODOO_LADDER_AWS_TIMEOUT    connect/read timeout in seconds (default 5)
  ODOO_LADDER_BASE_CONFIG    default /etc/odoo-ladder/odoo.conf
  ODOO_LADDER_CONFIG_OUT     default /run/odoo/odoo.conf (its directory must be a tmpfs)
  ODOO_LADDER_EXEC           program run for `odoo` / `-...` commands, default /usr/bin/odoo
  ODOO_LADDER_SECRET_FILES   more keys to write as files (0400) beside the config (Step 7)
"""
import argparse
import base64
import configparser
import hashlib
import hmac
import io
import os
import sys
import tempfile

PROG = "odoo-ladder-entrypoint"
SECRET_KEYS = ("db_password", "admin_passwd")  # they go into odoo.conf
LOGIN_KEY = "admin_password"  # the admin user's login: a file beside odoo.conf, for the initialiser
STORES = ("ssm", "secretsmanager")
# Locally (steps 0-2) the delivery hands the values to a one-shot writer container by environment.
ENV_STORE = "env"
ENV_NAMES = {"db_password": "ODOO_LADDER_DB_PASSWORD", "admin_passwd": "ODOO_LADDER_ADMIN_PASSWD",
             LOGIN_KEY: "ODOO_LADDER_ADMIN_PASSWORD"}
# Generated passwords have 32; anything shorter than this was typed by hand and is too weak.
MIN_LENGTH = 16
# PostgreSQL's own default for SCRAM verifiers (scram_iterations).
SCRAM_ITERATIONS = 4096

DEFAULT_BASE_CONFIG = "/etc/odoo-ladder/odoo.conf"
DEFAULT_CONFIG_OUT = "/run/odoo/odoo.conf"
DEFAULT_EXEC = "/usr/bin/odoo"
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


def store_settings(allow_env: bool = False) -> tuple:
    store = env_required("ODOO_LADDER_SECRET_STORE", "set it to ssm or secretsmanager")
    allowed = (*STORES, ENV_STORE) if allow_env else STORES
    if store not in allowed:
        raise FailClosed(f"ODOO_LADDER_SECRET_STORE={store!r} is not one of {', '.join(allowed)}")
    if store == ENV_STORE:
        return store, "", ""
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
        raise FailClosed("boto3 is not installed for this python3: install python3-boto3 (the host's"
                         " cloud-init does; image/Dockerfile does for Step 7)") from None
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
    if store == "ssm":
        parameter = call_store(store, name, lambda: client.get_parameter(Name=name, WithDecryption=True))
        parameter = parameter["Parameter"]
        # A String is stored in clear (and readable without kms:Decrypt): never accept one.
        if parameter.get("Type") != "SecureString":
            raise FailClosed(f"SSM parameter {name} is a {parameter.get('Type')}, not a SecureString:"
                             f" store it encrypted: aws ssm put-parameter --name {name}"
                             " --type SecureString --overwrite --value ...")
        return parameter["Value"]
    answer = call_store(store, name, lambda: client.get_secret_value(SecretId=name))
    if "SecretString" in answer:
        return answer["SecretString"]
    try:
        return answer["SecretBinary"].decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        raise FailClosed(f"secret {name} has no text value: store the password with"
                         f" aws secretsmanager put-secret-value --secret-id {name}"
                         " --secret-string ...") from None


def current_version(client, store: str, name: str) -> str:
    """The version of one secret, read without its value: no decryption, no GetSecretValue."""
    if store == "ssm":
        answer = call_store(store, name, lambda: client.get_parameter(Name=name, WithDecryption=False),
                            action="ssm:GetParameter")
        # A parameter replaced by Pulumi (a key change deletes it first, so its history goes too)
        # starts again at version 1: the date tells the new one from the old.
        parameter = answer["Parameter"]
        modified = parameter.get("LastModifiedDate")
        return f"{parameter['Version']}@{modified.isoformat() if modified else ''}"
    answer = call_store(store, name, lambda: client.describe_secret(SecretId=name),
                        action="secretsmanager:DescribeSecret")
    for version, stages in answer.get("VersionIdsToStages", {}).items():
        if "AWSCURRENT" in stages:
            return version
    raise FailClosed(f"secret {name} has no AWSCURRENT version: store a value in it")


def call_store(store: str, name: str, request, action: str = ""):
    """One store request; any AWS-side problem becomes a FailClosed naming the parameter."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    try:
        return request()
    except ClientError as err:
        raise FailClosed(explain_client_error(store, name, err, action)) from None
    except NoCredentialsError:
        raise FailClosed(f"no AWS credentials to read {name}: attach the stack's instance profile"
                         " (role with the odoo-ladder read policy) to this host") from None
    except BotoCoreError as err:
        # Connection refused, timeouts, DNS: the store is unreachable from here.
        raise FailClosed(f"cannot reach {store} to read {name} ({type(err).__name__}): check the"
                         " host's route/VPC endpoint to the store, AWS_REGION and"
                         " AWS_ENDPOINT_URL") from None


def explain_client_error(store: str, name: str, err, action: str = "") -> str:
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
        action = action or ("ssm:GetParameter" if store == "ssm" else "secretsmanager:GetSecretValue")
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
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value):
        raise FailClosed(f"{name} contains a control character: store printable characters only")
    if value != value.strip():
        raise FailClosed(f"{name} starts or ends with whitespace, which Odoo's config parser"
                         " strips: store it without")
    if value in ODOO_RESERVED_VALUES:
        raise FailClosed(f"{name} is a word Odoo reads as a boolean or None: choose a real password")
    if KNOWN_DEFAULTS.get(key) == value:
        raise FailClosed(f"{name} holds the well-known default password: store a strong one")
    if len(value) < MIN_LENGTH:
        raise FailClosed(f"{name} is shorter than {MIN_LENGTH} characters: store a longer password")
    return value


def read_secrets(keys, allow_env: bool = False) -> dict:
    store, path, region = store_settings(allow_env)
    if store == ENV_STORE:
        return {key: check_value(key, ENV_NAMES[key], os.environ.get(ENV_NAMES[key])) for key in keys}
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


def ensure_tmpfs_dir(directory: str, allow_disk: bool = False) -> None:
    """The secret must never land on a disk: its directory has to be on tmpfs (but see --allow-disk)."""
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fstype = mount_fstype(directory)
    except OSError as err:
        raise FailClosed(f"cannot prepare {directory} for the secret file:"
                         f" {err.strerror or type(err).__name__}") from None
    if fstype not in TMPFS_TYPES and not allow_disk:
        raise FailClosed(f"{directory} is on {fstype or 'an unknown filesystem'}, not tmpfs:"
                         f" mount a tmpfs there (compose: tmpfs: [\"{directory}\"]) so no secret"
                         " reaches a disk")


def write_private_file(path: str, text: str, mode: int, owner=None, allow_disk: bool = False) -> None:
    """Atomically replace `path` with `text`, never readable by others, not even for an instant."""
    directory = os.path.dirname(path) or "."
    ensure_tmpfs_dir(directory, allow_disk)
    try:
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".odoo-ladder-")  # created 0600
    except OSError as err:
        raise FailClosed(f"cannot write in {directory}: {err.strerror}: make it writable by"
                         f" uid {os.geteuid()}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            # Mode first, owner second: changing the mode of a file root no longer owns would
            # need CAP_FOWNER, which the writer's container does not get.
            os.fchmod(out.fileno(), mode)
            if owner is not None:
                try:
                    os.fchown(out.fileno(), *owner)
                except PermissionError:
                    raise FailClosed(f"cannot give {path} to {owner[0]}:{owner[1]} as uid"
                                     f" {os.geteuid()}: run the writer as root") from None
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
    write_private_file(out, render_config(base, {key: secrets[key] for key in SECRET_KEYS}), 0o400)
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


def write_config(args: list) -> None:
    """The host's writer: odoo.conf and admin_password, 0400, for the odoo uid of the image."""
    parser = argparse.ArgumentParser(prog=PROG, description="write odoo.conf and admin_password"
                                     " for the Odoo containers and exit")
    parser.add_argument("--write-config", metavar="DIR", required=True)
    parser.add_argument("--owner", metavar="UID:GID", required=True,
                        help="the odoo user of the image (17.0: 101:101, 18.0/19.0: 100:101)")
    parser.add_argument("--allow-disk", action="store_true",
                        help="DIR may be on a disk: the local engine's named volume (steps 0-2)")
    options = parser.parse_args(args)
    owner = parse_owner(options.owner)
    base = os.environ.get("ODOO_LADDER_BASE_CONFIG") or DEFAULT_BASE_CONFIG
    render_config(base, {})  # a broken base is cheaper to report than a network call
    secrets = read_secrets((*SECRET_KEYS, LOGIN_KEY), allow_env=True)
    directory = options.write_config
    ensure_tmpfs_dir(directory, options.allow_disk)
    try:
        # The containers mount DIR read-only as the odoo user: it must enter, nobody else may.
        if os.stat(directory).st_mode & 0o7777 != 0o700:
            os.chmod(directory, 0o700)
        os.chown(directory, *owner)
    except PermissionError:
        raise FailClosed(f"cannot give {directory} to {options.owner} as uid {os.geteuid()}:"
                         " run the writer as root") from None
    config = render_config(base, {key: secrets[key] for key in SECRET_KEYS})
    write_private_file(os.path.join(directory, "odoo.conf"), config, 0o400, owner, options.allow_disk)
    write_private_file(os.path.join(directory, LOGIN_KEY), secrets[LOGIN_KEY], 0o400, owner,
                       options.allow_disk)
    print(f"{PROG}: wrote odoo.conf and {LOGIN_KEY} in {directory} (owner {options.owner}, mode"
          f" 0400, from {os.environ['ODOO_LADDER_SECRET_STORE']})", file=sys.stderr)


def scram_verifier(password: str, salt: bytes = b"", iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677, format of RFC 5803):
    SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>. The server keeps only this; sending
    it instead of the password keeps the password itself out of the server for good."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", hashlib.sha256).digest()).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def role_sql(config_path: str, managed: bool = False) -> str:
    """The psql session that gives Odoo's role the password of `config_path`, as a verifier.
    managed: as RDS's master (CREATEROLE, not a superuser) instead of the container's superuser."""
    parser = configparser.RawConfigParser()
    try:
        with open(config_path, encoding="utf-8") as config:
            parser.read_file(config)
        user = parser.get("options", "db_user")
        password = parser.get("options", "db_password")
    except (OSError, configparser.Error) as err:
        raise FailClosed(f"cannot read db_user and db_password from {config_path}:"
                         f" {type(err).__name__}") from None
    check_value("db_password", f"{config_path}: db_password", password)
    if not password.isascii():
        # PostgreSQL and libpq normalise non-ASCII passwords (SASLprep); a verifier computed
        # without that normalisation could differ from what Odoo's login sends.
        raise FailClosed(f"{config_path}: db_password holds non-ASCII characters: store an ASCII"
                         " password")
    role = '"' + user.replace('"', '""') + '"'  # an SQL identifier
    literal = "'" + user.replace("'", "''") + "'"
    if managed:
        # RDS (step 5 on): the master may not touch SUPERUSER, REPLICATION or BYPASSRLS at all, nor
        # the log_* settings; the parameter group keeps log_statement off, so only a failing ALTER
        # would log its statement (the verifier, never the password). The role owns its database and
        # creates none (PLAN contract 2); the move created it, a first rollout may create it here.
        return (f"SELECT format('CREATE ROLE %I', {literal}) WHERE NOT EXISTS"
                f" (SELECT FROM pg_roles WHERE rolname = {literal})\n\\gexec\n"
                f"ALTER ROLE {role} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD '{scram_verifier(password)}';\n")
    # Statement logging off for this session only (superuser settings): with log_statement = all,
    # or a failing ALTER logged with its statement, the verifier would reach the server log.
    # The role is created here when missing (a first init cut short), and its attributes are set
    # on every rollout: may create databases, never a superuser.
    return ("SET log_statement = 'none';\n"
            "SET log_min_error_statement = 'panic';\n"
            "SET log_min_duration_statement = -1;\n"
            f"SELECT format('CREATE ROLE %I', {literal}) WHERE NOT EXISTS"
            f" (SELECT FROM pg_roles WHERE rolname = {literal})\n\\gexec\n"
            f"ALTER ROLE {role} WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            f" PASSWORD '{scram_verifier(password)}';\n")


def print_role_sql(args: list) -> None:
    parser = argparse.ArgumentParser(prog=PROG, description="print the SQL that sets the DB role's"
                                     " password from a written odoo.conf")
    parser.add_argument("--role-sql", metavar="CONFIG", required=True)
    parser.add_argument("--managed", action="store_true",
                        help="the role lives on RDS: the SQL its master (not a superuser) may run")
    options = parser.parse_args(args)
    sys.stdout.write(role_sql(options.role_sql, options.managed))


def print_versions() -> None:
    """`key=version ...` of the stored secrets: a rotation changes it, a rollout compares it."""
    store, path, region = store_settings()
    client = make_client(store, region)
    print(" ".join(f"{key}={current_version(client, store, f'{path}/{key}')}"
                   for key in (*SECRET_KEYS, LOGIN_KEY)))


def main(args: list) -> int:
    os.umask(0o077)  # whatever this creates is private, whatever the caller's umask
    try:
        if args and args[0].startswith("--write-config"):
            write_config(args)
        elif args and args[0].startswith("--role-sql"):
            print_role_sql(args)
        elif args == ["--versions"]:
            print_versions()
        else:
            run_odoo(args)
    except FailClosed as reason:
        print(f"{PROG}: FATAL: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
