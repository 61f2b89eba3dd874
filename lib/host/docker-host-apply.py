#!/usr/bin/env python3
"""Converges a Docker host on the containers its CloudFormation metadata lists.

Reads the host file that cfn-init wrote from the metadata (JSON), creates the
containers' networks, writes each container's files (read-only mounts; a
container with a reload command is reloaded, not recreated, when only they
change) and env-files (mode 0600, umask 077 before any byte), the second
from the container's secret, read with the host's role, recreates only the
containers whose definition, env-file or secret changed, removes the
containers no longer listed, waits until every container has run (and is
healthy, where it has a health check) for the grace period, and reports the
result to CloudFormation with cfn-signal. A container whose image is pulled
always (`"pull": "always"`) gets `docker pull` first and is recreated when its
tag names another image than the one it runs; a pull that fails keeps the
running container and fails the run, naming the image and docker's error.
With --refresh, as the host's refresh timer runs it, it reads every secret
again and pulls those images, recreates exactly the containers whose secret
or image changed (not one that merely stopped), waits for them with the same
gate, and logs the result without reporting to CloudFormation (the wait
condition's URL may have expired). Before it writes or starts anything it checks the host file
and the secrets as synth checks the stack: container, network and variable
names, images, and values that would not stay one value or are not text; a
refusal names the container and the variable, never a value. Text taken from
docker (its errors, a container's last log lines) has every value of the
containers' env-files and secrets replaced by *** before it goes into a
reason or a log. When cfn-init cannot apply an update, it reports FAILURE to
the update's wait condition, read with cfn-get-metadata, so the stack rolls
back at once instead of waiting out its timeout. No value is ever read by a
shell: every command runs from an argument list.

A container whose host-file `updateOrder` is start-first (on a network,
publishing no host port and mounting no volume, as the router's apps are) is
replaced without a gap: its new container starts beside the old one under a
temporary name with the container's name as its network alias, must run for
the grace period and be healthy, then the program waits out the router's DNS
cache (`resolverValidSeconds`) before it stops the old one gracefully,
removes it and gives the new one its name. A new container that fails the
gate is removed and the old one keeps running; a temporary container left by
an interrupted run is removed by the next. Other containers are removed, then
started.

Runs never overlap: every mode takes an exclusive lock on LOCK_FILE (or
$DOCKER_HOST_APPLY_LOCK) before it reads the host file, and a second run
waits for the first.

Exit status: 0 once SUCCESS is reported, 3 once FAILURE is reported (with its
reason), anything else when nothing could be reported; at boot the user data
then reports FAILURE itself. With --refresh: 0 when every container recreated
passed the gate and every pull went through, 1 otherwise.
"""
import fcntl
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
import traceback
import unicodedata

# The env-file rules, shared with the swarm managers' env-file writer: cfn-init
# writes them to NODE_LIBRARY; a copy beside the program, as the tests run it, comes first.
NODE_LIBRARY = "/usr/local/lib/docker-nodes"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), NODE_LIBRARY]
from env_file import NAME, EnvFileError, check_name, env_file_lines, kind, quoted, render

MANAGED = "docker-host.managed"
LOCK_FILE = "/run/docker-host-apply.lock"
START_FIRST = "start-first"
# The new container of a start-first replacement runs under <name>.next until the old one is gone.
NEXT_SUFFIX = ".next"
# How long `docker stop` lets the old container finish its requests before it kills it: Docker's default.
STOP_SECONDS = 10
# nginx counts a resolved address's life in whole seconds, so it may keep one a second longer.
DNS_MARGIN_SECONDS = 1
METADATA_HOST_FILE = "/etc/docker-host/host.json"
SPEC_HASH = "docker-host.spec-hash"
REASON_LIMIT = 900
LOG_LINES = 5
REPORTED_FAILURE = 3
REFRESH_FAILED = 1
PULL_POLICIES = (None, "missing", "always")

# The image rule of lib/containers/validation.ts, the same pattern, matched with
# fullmatch: Python's $ also matches before a final line break, JavaScript's does not.
IMAGE_LIMIT = 255
IMAGE_REFERENCE = re.compile(
    r"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")
# The hint docker prints after its error, which says nothing of the cause.
DOCKER_HELP_HINT = re.compile(r"^(?:See '.*--help'\.|Run '.*--help' for more information)$")

# Every value of the containers' env-files and secrets, longest first.
HIDDEN = []


class ApplyError(Exception):
    """A failure whose message is the reason CloudFormation shows."""


def run(args, check=True):
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if check and result.returncode != 0:
        errors = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if not DOCKER_HELP_HINT.match(line.strip())]
        raise ApplyError("%s failed: %s" % (" ".join(args[:3]), tail("\n".join(errors), 2)))
    return result


def hide(values):
    """Adds values that no reason or log may show."""
    hidden = set(HIDDEN)
    for value in values:
        hidden.update(word for word in (value, value.strip()) if word)
    HIDDEN[:] = sorted(hidden, key=len, reverse=True)


def tail(text, lines):
    """The last non-blank lines of a program's output, joined, with every hidden value replaced by ***."""
    for value in HIDDEN:
        text = text.replace(value, "***")
    return " | ".join([line.strip() for line in text.splitlines() if line.strip()][-lines:])


def check_host(host):
    """Refuses a container, network or variable name that synth would refuse,
    and an image that is not a Docker image reference, before anything runs."""
    for container in host["containers"]:
        check_name("container", container.get("name"))
    for container in host["containers"]:
        at = "container %s" % quoted(container["name"])
        network = container.get("network")
        if network is not None and (not isinstance(network, str) or not NAME.fullmatch(network)):
            raise ApplyError('%s: network %s must be a letter or digit, then letters, digits, "_", "." or "-"' % (at, quoted(network)))
        image = container.get("image")
        if not isinstance(image, str) or len(image) > IMAGE_LIMIT or not IMAGE_REFERENCE.fullmatch(image):
            raise ApplyError("%s: image %s is not a Docker image reference (registry/name:tag or name@sha256:digest)" % (at, shown_image(image)))
        if container.get("pull") not in PULL_POLICIES:
            raise ApplyError('%s: pull %s must be "missing" or "always"; deploy the stack again so the host file holds what the stack writes'
                             % (at, quoted(container.get("pull"))))


def shown_image(image):
    """The image in quotes, or by its length when printing it could mislead a reader or a terminal."""
    if not isinstance(image, str):
        return kind(image)
    if any(unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for character in image):
        return "of %d characters with control characters" % len(image)
    return '"%s"' % image


def write_private(path, data):
    """Writes bytes to a file that is mode 0600 from its first byte."""
    os.umask(0o077)
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path + ".tmp", 0o600)
    os.replace(path + ".tmp", path)


def env_file_data(name, prop, file, variables, source):
    """An env-file: the file text, then a KEY=value line per variable, by
    name; None when there is neither. Checked with the nodes' env-file rules:
    a refusal names the container, the prop and the variable, never the
    value, and `source`, where the value was read. Every value is hidden
    from the reasons and logs."""
    lines = env_file_lines("container", name, prop, file, variables, source)
    hide(line.partition("=")[2] for line in "\n".join(lines).split("\n"))
    return render(lines) if lines else None


def secret_data(container, region):
    """The container's secret env-file, from its secret read with the host's
    role (JSON: file and environment); None when it has no secret."""
    arn = container.get("secretArn")
    if not arn:
        return None
    result = run(["aws", "secretsmanager", "get-secret-value", "--region", region, "--secret-id", arn,
                  "--query", "SecretString", "--output", "text"])
    try:
        secret = json.loads(result.stdout.decode("utf-8"), strict=False)
        file, variables = secret["file"], secret["environment"]
    except (ValueError, KeyError, TypeError):
        raise ApplyError("container %s: secret %s does not hold the JSON its stack writes; deploy the stack again" % (container["name"], arn))
    return env_file_data(container["name"], "secretEnvironment", file, variables, "secret " + arn)


def file_folders(container):
    """The folders inside the container that hold its files, each mounted once, in order."""
    folders = []
    for item in container.get("files", []):
        folder = os.path.dirname(item["path"])
        if folder not in folders:
            folders.append(folder)
    return folders


def host_folder(env_dir, name, folder):
    return os.path.join(env_dir, "files", name) + folder


def write_files(env_dir, container):
    """Writes the container's files (mode 0644) under the env-file folder; returns whether any changed."""
    changed = False
    for folder in file_folders(container):
        path = host_folder(env_dir, container["name"], folder)
        os.makedirs(path, exist_ok=True)
        for step in [os.path.join(env_dir, "files")] + [path]:
            os.chmod(step, 0o755)
    for item in container.get("files", []):
        path = os.path.join(host_folder(env_dir, container["name"], os.path.dirname(item["path"])), os.path.basename(item["path"]))
        data = item["content"].encode("utf-8")
        if os.path.exists(path):
            with open(path, "rb") as handle:
                if handle.read() == data:
                    continue
        changed = True
        with open(path + ".tmp", "wb") as handle:
            handle.write(data)
        os.chmod(path + ".tmp", 0o644)
        os.replace(path + ".tmp", path)
    return changed


def ensure_networks(host):
    for network in sorted({container["network"] for container in host["containers"] if container.get("network")}):
        if run(["docker", "network", "inspect", network], check=False).returncode != 0:
            run(["docker", "network", "create", network])


def docker_args(container, env_files, spec_hash, env_dir):
    args = ["docker", "run", "--detach", "--name", container["name"], "--restart", container["restart"],
            "--label", MANAGED + "=true", "--label", SPEC_HASH + "=" + spec_hash]
    if container.get("memoryMiB") is not None:
        args += ["--memory", "%dm" % container["memoryMiB"]]
    if container.get("cpus") is not None:
        args += ["--cpus", str(container["cpus"])]
    if container.get("user"):
        args += ["--user", container["user"]]
    if container.get("readOnlyRootFilesystem"):
        args += ["--read-only"]
    for port in container.get("ports", []):
        args += ["--publish", "%d:%d/%s" % (port["hostPort"], port["containerPort"], port["protocol"])]
    for volume in container.get("volumes", []):
        args += ["--volume", volume]
    for folder in file_folders(container):
        args += ["--volume", "%s:%s:ro" % (host_folder(env_dir, container["name"], folder), folder)]
    if container.get("network"):
        args += ["--network", container["network"]]
    logging = container.get("logging")
    if logging:
        args += ["--log-driver", logging["driver"]]
        for key in sorted(logging.get("options", {})):
            args += ["--log-opt", "%s=%s" % (key, logging["options"][key])]
    health = container.get("healthCheck")
    if health:
        args += ["--health-cmd", " ".join(shlex.quote(word) for word in health["command"]), "--health-interval", "%ds" % health["intervalSeconds"],
                 "--health-retries", str(health["retries"]), "--health-start-period", "%ds" % health["startPeriodSeconds"],
                 "--health-timeout", "%ds" % health["timeoutSeconds"]]
    for env_file in env_files:
        args += ["--env-file", env_file]
    return args + ["--", container["image"]] + list(container.get("command", []))


def inspect(names):
    if not names:
        return {}
    result = run(["docker", "inspect"] + names, check=False)
    try:
        found = json.loads(result.stdout.decode("utf-8") or "[]")
    except ValueError:
        found = []
    return {item["Name"].lstrip("/"): item for item in found}


def pull_images(host):
    """Pulls the image of every container whose image is pulled always; returns
    the image id each tag names now, by container name, and a message per pull
    that failed, naming the container, the image and docker's error."""
    pulled, failures = {}, []
    for container in host["containers"]:
        if container.get("pull") != "always":
            continue
        result = run(["docker", "pull", "--quiet", container["image"]], check=False)
        if result.returncode != 0:
            errors = [line for line in result.stderr.decode("utf-8", "replace").splitlines() if not DOCKER_HELP_HINT.match(line.strip())]
            failures.append("container %s: docker pull %s failed, so the container keeps its image: %s"
                            % (container["name"], container["image"], tail("\n".join(errors), 2)))
            continue
        image = run(["docker", "image", "inspect", "--format", "{{.Id}}", container["image"]])
        pulled[container["name"]] = image.stdout.decode("utf-8").strip()
    return pulled, failures


def managed_names():
    result = run(["docker", "ps", "--all", "--filter", "label=" + MANAGED + "=true", "--format", "{{.Names}}"])
    return [name for name in result.stdout.decode("utf-8").split() if name]


def converge(host, refresh=False):
    """Recreates the changed containers, removes the unlisted ones; returns the
    names recreated and a message per image that could not be pulled. The names
    and images, then every env-file, the secret ones too, are checked before
    anything is written, removed or started. A container whose pull failed is
    left as it runs. With `refresh`, only a container whose spec hash or pulled
    image changed is recreated, and none is removed."""
    check_host(host)
    env_data = {container["name"]: env_file_data(container["name"], "environment", container.get("environmentFile"), container.get("environment"),
                                                  "the host file")
                for container in host["containers"]}
    secrets = {container["name"]: secret_data(container, host["region"]) for container in host["containers"]}
    env_dir = host["envFileDirectory"]
    os.umask(0o077)
    os.makedirs(env_dir, mode=0o700, exist_ok=True)
    os.chmod(env_dir, 0o700)
    listed = [container["name"] for container in host["containers"]]
    check_next_names(host["containers"], listed)
    for name in [] if refresh else managed_names():
        if name not in listed:
            run(["docker", "rm", "--force", name])
    pulled, failures = pull_images(host)
    failed_pulls = {container["name"] for container in host["containers"] if container.get("pull") == "always" and container["name"] not in pulled}
    ensure_networks(host)
    running = inspect(listed)
    recreated = []
    start_first = []
    for container in host["containers"]:
        env_files = []
        files_changed = write_files(env_dir, container)
        reloads = bool(container.get("reload"))
        # How a container is replaced is not what it runs: the update order stays out of the digest.
        definition = {key: value for key, value in container.items() if key != "updateOrder"}
        if reloads:
            definition["files"] = None
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode("utf-8"))
        for suffix, data in ((".env", env_data[container["name"]]), (".secret.env", secrets[container["name"]])):
            if data is not None:
                path = os.path.join(env_dir, container["name"] + suffix)
                write_private(path, data)
                digest.update(data)
                env_files.append(path)
        spec_hash = digest.hexdigest()
        current = running.get(container["name"])
        if current and container["name"] in failed_pulls:
            continue
        same_image = container["name"] not in pulled or (current and current.get("Image") == pulled[container["name"]])
        unchanged = current and current["Config"]["Labels"].get(SPEC_HASH) == spec_hash and same_image
        if unchanged and (refresh or current["State"]["Running"]):
            if files_changed and reloads:
                run(["docker", "exec", container["name"]] + list(container["reload"]))
            continue
        recreated.append(container["name"])
        if current and current["State"]["Running"] and container.get("updateOrder") == START_FIRST:
            start_first.append((container, docker_args(container, env_files, spec_hash, env_dir)))
            continue
        if current:
            run(["docker", "rm", "--force", container["name"]])
        run(docker_args(container, env_files, spec_hash, env_dir))
    replace_start_first(host, start_first)
    return recreated, failures


def check_next_names(containers, listed):
    """Refuses a start-first container whose temporary name is another container's."""
    for container in containers:
        if container.get("updateOrder") == START_FIRST and container["name"] + NEXT_SUFFIX in listed:
            raise ApplyError("container %s: its new container runs as %s during an update, the name of another container; rename that container"
                             % (quoted(container["name"]), quoted(container["name"] + NEXT_SUFFIX)))


def next_args(args, name):
    """The `docker run` arguments of `name` for its new container beside the old one: the temporary
    name, and the container's name as its alias on its network, which Docker's DNS answers with both."""
    args = list(args)
    args[args.index("--name") + 1] = name + NEXT_SUFFIX
    return args[:args.index("--network")] + ["--network-alias", name] + args[args.index("--network"):]


def replace_start_first(host, replacements):
    """Replaces each running container of `replacements` (container, its docker run arguments) without
    a gap: starts every new container beside its old one, waits until all have run for the grace period
    and are healthy, then out the router's DNS cache, so it has the new addresses; then stops each old
    container gracefully, removes it and gives the new one its name. When a new container fails, every
    new one is removed, the old ones keep running, and the error names the container."""
    if not replacements:
        return
    names = [container["name"] for container, _ in replacements]
    for container, args in replacements:
        name = container["name"]
        try:
            run(next_args(args, name))
        except ApplyError as error:
            remove_next(names)
            raise ApplyError("container %s: its new container did not start, the old one still runs: %s" % (name, error))
    try:
        wait_healthy(dict(host, containers=[{"name": name + NEXT_SUFFIX} for name in names]), [name + NEXT_SUFFIX for name in names])
    except ApplyError as error:
        failed = next((name for name in names if "container %s " % (name + NEXT_SUFFIX) in str(error)), names[0])
        reason = "container %s: its new container failed, the old one still runs: %s" % (failed, error)
        remove_next(names)
        raise ApplyError(reason)
    print("docker-host-apply: %s healthy beside the old; waiting %d s for the router's DNS cache"
          % (", ".join(names), host.get("resolverValidSeconds", 0) + DNS_MARGIN_SECONDS))
    time.sleep(host.get("resolverValidSeconds", 0) + DNS_MARGIN_SECONDS)
    for name in names:
        run(["docker", "stop", "--time", str(STOP_SECONDS), name])
        run(["docker", "rm", "--force", name])
        run(["docker", "rename", name + NEXT_SUFFIX, name])


def remove_next(names):
    """Removes the new containers of a replacement that did not complete."""
    for name in names:
        run(["docker", "rm", "--force", name + NEXT_SUFFIX], check=False)


def last_logs(name):
    """The container's last log lines, its output and errors in the order it wrote them."""
    result = subprocess.run(["docker", "logs", "--tail", str(LOG_LINES), name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return tail(result.stdout.decode("utf-8", "replace"), LOG_LINES) or "(no output)"


def problem(name, state, restarts_before):
    """What is wrong with the container, None when nothing is. A restart
    counted since the program first looked is named as such whether the
    container runs again or is still in Docker's back-off, which counts the
    restart as it enters it."""
    if not state.get("Running"):
        return "container %s is not running (exit code %s)" % (name, state.get("ExitCode"))
    if restarts_before is not None and state["restarts"] > restarts_before:
        restarts = state["restarts"] - restarts_before
        return "container %s restarted %d time%s" % (name, restarts, "" if restarts == 1 else "s")
    if state.get("Restarting"):
        return "container %s is restarting" % name
    health = (state.get("Health") or {}).get("Status")
    if health == "unhealthy":
        return "container %s is unhealthy" % name
    return None


def wait_healthy(host, recreated, now=time.monotonic, sleep=time.sleep):
    """Returns when every container has run, without a restart, for the grace
    period and every health check says healthy; raises naming the first
    container that did not, with its last log lines. A container in
    `recreated` was started by this run, so each of its restarts counts, also
    one before the first look."""
    names = [container["name"] for container in host["containers"]]
    grace = host["startupGracePeriodSeconds"]
    start = now()
    limit = start + grace + host["healthWaitSeconds"]
    restarts = {name: 0 for name in recreated}
    while True:
        found = inspect(names)
        starting = []
        for name in names:
            item = found.get(name)
            if item is None:
                raise ApplyError("container %s does not exist" % name)
            state = dict(item["State"], restarts=item.get("RestartCount", 0))
            restarts.setdefault(name, state["restarts"])
            issue = problem(name, state, restarts[name])
            if issue:
                raise ApplyError("%s; last log lines: %s" % (issue, last_logs(name)))
            if (state.get("Health") or {}).get("Status") == "starting":
                starting.append(name)
        if now() - start >= grace and not starting:
            return
        if now() >= limit:
            raise ApplyError("container %s is not healthy after %d s; last log lines: %s"
                             % (starting[0], limit - start, last_logs(starting[0])))
        sleep(1)


def signal(host, success, reason, boot):
    """Reports to CloudFormation; returns whether every report went through."""
    status = "0" if success else "1"
    reason = reason[:REASON_LIMIT]
    calls = []
    if boot:
        calls.append(["cfn-signal", "--exit-code", status, "--reason", reason, "--stack", host["stackName"],
                      "--resource", host["resource"], "--region", host["region"]])
    if host.get("waitHandle"):
        calls.append(["cfn-signal", "--exit-code", status, "--reason", reason, "--id", host["applyId"], host["waitHandle"]])
    reported = True
    for call in calls:
        result = run(call, check=False)
        if result.returncode != 0:
            reported = False
            sys.stderr.write("cfn-signal could not report: %s\n" % tail(result.stderr.decode("utf-8", "replace"), 2))
    return reported


def pending_change(host):
    """The host file of the metadata cfn-init could not apply, read with
    cfn-get-metadata, so its wait condition can be told; None when it cannot
    be read or its wait condition is the one this host file already has."""
    result = run(["cfn-get-metadata", "--stack", host["stackName"], "--resource", host["resource"],
                  "--region", host["region"], "--key", "AWS::CloudFormation::Init"], check=False)
    if result.returncode != 0:
        return None
    try:
        pending = json.loads(result.stdout.decode("utf-8"))["config"]["files"][METADATA_HOST_FILE]["content"]
        wait = {"waitHandle": pending["waitHandle"], "applyId": pending["applyId"]}
    except (ValueError, KeyError, TypeError):
        return None
    return None if wait["applyId"] == host.get("applyId") else dict(host, **wait)


def read_host(path):
    with open(path, "rb") as handle:
        host = json.loads(handle.read().decode("utf-8"))
    if not isinstance(host, dict):
        raise ValueError("the host file is not a JSON object")
    return host


def unexpected(error):
    """A reason for an exception the program did not expect: its type and
    where it was raised, not its text, which could hold a value."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    sys.stderr.write("docker-host-apply: unexpected %s in %s, line %d\n" % (type(error).__name__, frame.name, frame.lineno))
    return ("docker-host-apply stopped on an unexpected %s in %s; its log is /var/log/cfn-hup.log, or at boot /var/log/cloud-init-output.log"
            % (type(error).__name__, frame.name))


def lock():
    """Waits for, then holds until the program ends, the one lock of every run of the program, so
    that cfn-hup's run and any other never overlap; returns the open lock file."""
    path = os.environ.get("DOCKER_HOST_APPLY_LOCK", LOCK_FILE)
    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.stderr.write("docker-host-apply: another run holds %s; waiting for it to end\n" % path)
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def main(argv):
    os.umask(0o077)
    try:
        held = lock()
    except OSError as error:
        sys.stderr.write("docker-host-apply: cannot lock %s (%s), so nothing is reported\n" % (error.filename, type(error).__name__))
        return 1
    with held:
        return run_mode(argv)


def run_mode(argv):
    """Runs the mode of `argv` (boot, --update, or an apply) under the lock; returns the exit status."""
    boot = "--boot" in argv
    path = os.environ.get("DOCKER_HOST_FILE", METADATA_HOST_FILE)
    try:
        host = read_host(path)
    except (OSError, ValueError) as error:
        sys.stderr.write("docker-host-apply: cannot read the host file %s (%s), so nothing is reported\n" % (path, type(error).__name__))
        return 1
    if "--refresh" in argv:
        return refresh(host)
    try:
        if "--update" in argv:
            status = update(host)
            if status is not None:
                return status
            host = read_host(path)
        return apply(host, boot)
    except Exception as error:
        return REPORTED_FAILURE if signal(host, False, unexpected(error), boot) else 1


def update(host):
    """Runs cfn-init for an update; when it fails, reports FAILURE to the new
    wait condition and returns the exit status, else returns None."""
    result = run(["cfn-init", "-v", "--stack", host["stackName"], "--resource", host["resource"],
                  "--region", host["region"]], check=False)
    if result.returncode == 0:
        return None
    reason = "cfn-init could not apply the new metadata: %s" % tail(result.stderr.decode("utf-8", "replace"), 5)
    sys.stderr.write("docker-host-apply: %s\n" % reason)
    pending = pending_change(host)
    return REPORTED_FAILURE if pending and signal(pending, False, reason, False) else 1


def apply(host, boot):
    """Converges, waits and reports; returns the exit status."""
    try:
        recreated, failures = converge(host)
        print("docker-host-apply: recreated %s" % (", ".join(recreated) or "nothing"))
        wait_healthy(host, recreated)
        if failures:
            raise ApplyError("; ".join(failures))
    except (ApplyError, EnvFileError) as error:
        reason = str(error)
        sys.stderr.write("docker-host-apply: %s\n" % reason)
        return REPORTED_FAILURE if signal(host, False, reason, boot) else 1
    if not signal(host, True, "every container runs", boot):
        return 1
    print("docker-host-apply: every container has run for %d s" % host["startupGracePeriodSeconds"])
    return 0


def refresh(host):
    """Applies rotated secrets and moved image tags to the running containers,
    waits for those it recreated, and logs the result; reports nothing to
    CloudFormation. Returns the exit status."""
    try:
        recreated, failures = converge(host, refresh=True)
        print("docker-host-apply --refresh: recreated %s" % (", ".join(recreated) or "nothing"))
        for failure in failures:
            sys.stderr.write("docker-host-apply --refresh: %s\n" % failure)
        if recreated:
            wait_healthy(dict(host, containers=[container for container in host["containers"] if container["name"] in recreated]), recreated)
    except (ApplyError, EnvFileError) as error:
        sys.stderr.write("docker-host-apply --refresh: %s\n" % error)
        return REFRESH_FAILED
    except Exception as error:
        unexpected(error)
        return REFRESH_FAILED
    if failures:
        return REFRESH_FAILED
    if recreated:
        print("docker-host-apply --refresh: %s ha%s run for %d s" % (", ".join(recreated), "s" if len(recreated) == 1 else "ve", host["startupGracePeriodSeconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
