#!/usr/bin/env python3
"""Stands in for the docker CLI in tests of the apply program: keeps its
containers and networks in the JSON file $FAKE_DOCKER_STATE and appends each
call, as a JSON list, to $FAKE_DOCKER_CALLS.

`docker inspect` answers in Docker's shape (State.Status, Running, Restarting,
ExitCode, StartedAt, Health.Status where the container has a health check,
RestartCount, Config.Labels, Env and Healthcheck), and the commands fail as
Docker's do, with its error text and exit status: a name already in use, an
object or container that does not exist, an exec in a stopped container.

What each container does after it starts is told by the test in the JSON file
$FAKE_DOCKER_SCENARIO, by container name:

    {"app": {"states": [{"at": 0, "health": "starting"},
                        {"at": 0.5, "status": "restarting", "exitCode": 1},
                        {"at": 0.6, "status": "running", "health": "healthy"}],
             "logs": ["line", ...],
             "exec": {"exitCode": 1, "stderr": "nginx: [emerg] ..."}}}

`states` are reached `at` seconds after `docker run` started the container;
each keeps what the one before it said unless it says otherwise. `status` is running, restarting or exited; as with Docker, entering
restarting counts a restart (RestartCount), a restarting container is still
Running, and a running one has exit code 0. `health` is starting, healthy or
unhealthy, for a container with a health check only. Without states a
container runs, healthy where it has a health check. `logs` are what
`docker logs` prints; `exec` is how `docker exec` in the container ends
(else it succeeds). `docker stop` stops a container and `docker kill` kills it (exit code 137),
as its user would: as with Docker, the restart policy does not start it again.

`docker run` reads its --env-file files as Docker does (later files win) into
the container's Config.Env. A container named in $FAKE_DOCKER_CRASH exits 1
right after it starts and logs, as an app that dumps its settings when it
fails: "starting", "fatal: <name> cannot start; environment: <KEY=value ...>"
on stderr, then "starting" again. A `docker run` whose --log-driver is named
in $FAKE_DOCKER_FAILING_LOG_DRIVER fails as Docker's does when the driver
cannot start: the container is created but not started, and docker prints the
daemon's error, a blank line and its help hint, exiting 125.

Images: the engine keeps the id each image reference had when it was pulled
(`docker pull`, or `docker run` of an image it does not have), and a
container records the id of the image it was created from (inspect's
`Image`). The registry is the JSON file $FAKE_DOCKER_REGISTRY, which the test
may change between runs: an image reference names the id its tag points to
now ("sha256:..."), or {"error": "<daemon's message>"} for a pull that fails
(exit 1, as docker pull's); a reference it does not name has an id made from
the reference.

`docker run --network` needs the network to exist, and shows it in inspect's
NetworkSettings with the container's --network-alias names. `docker rename`
gives a container another name; it keeps what its scenario says, the one of
the name it was started with. `docker stop` takes --time, as Docker does,
and fails for a container that does not exist. `docker rm` keeps, in the
state file's "removed" list, each removed container's name, image, and when
it started and stopped (null if it was removed running), for the tests to read.

The swarm the engine belongs to, for `docker node inspect self`, `node ls`,
`node ps` and `service ls`, is the JSON file $FAKE_DOCKER_SWARM, when set:

    {"self": "m1", "leader": "m1",
     "nodes": [{"id": "m1", "role": "manager", "status": "Ready"},
               {"id": "w1", "role": "worker", "status": "Down"}],
     "services": [{"name": "app_web", "namespace": "app", "mode": "replicated", "replicas": 2},
                  {"name": "app_agent", "namespace": "app", "mode": "global"}],
     "tasks": [{"service": "app_web", "slot": 1, "node": "w1", "desired": "Running", "state": "Running"}]}

A node's status is Ready, Down, Unknown or Disconnected; a task's desired
and current state are Docker's (Running, Shutdown; Pending, Running,
Failed...); a global service's task has no slot. As with Docker, only a
manager answers these commands (on a worker, or an engine in no swarm,
they fail with Docker's error); `service ls` counts as running every task
whose current state is Running, also on a node that is down, and as
desired the replicas, or for a global service its tasks desired Running;
`node ps` names a task <service>.<slot>, or <service>.<node id> for a
global service, and, as Docker's client does, lists the tasks of the first
nodes asked again with each later node's (its node filter grows with each). `--format` takes Go template fields, {{.Name}}, as Docker
does; an unknown field fails as Docker's template does."""
import datetime
import hashlib
import json
import os
import re
import sys
import time

state_path = os.environ["FAKE_DOCKER_STATE"]
state = json.load(open(state_path)) if os.path.exists(state_path) else {"containers": {}, "networks": []}
images = state.setdefault("images", {})
registry_path = os.environ.get("FAKE_DOCKER_REGISTRY", "")
registry = json.load(open(registry_path)) if registry_path and os.path.exists(registry_path) else {}
scenario = json.load(open(os.environ["FAKE_DOCKER_SCENARIO"]))
crashing = [name for name in os.environ.get("FAKE_DOCKER_CRASH", "").split(",") if name]
containers = state["containers"]
args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_CALLS"], "a") as calls:
    calls.write(json.dumps(["docker"] + args) + "\n")

NEVER = "0001-01-01T00:00:00Z"


def save():
    with open(state_path, "w") as handle:
        json.dump(state, handle)


def fail(message, status):
    sys.stderr.write(message + "\n")
    sys.exit(status)


def timestamp(seconds):
    """A time as Docker writes it: UTC, nanoseconds, Z."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%09dZ" % (moment.microsecond * 1000)


def nanoseconds(duration):
    """A docker run duration of whole seconds ("5s") in nanoseconds, as inspect gives it."""
    return int(duration.rstrip("s")) * 1_000_000_000


def read_env_file(path, env):
    """The variables of a Docker env-file: blank lines and # comments skipped, KEY=value split at the first =."""
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            line = line.lstrip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = value


def pull(image):
    """Fetches the id the registry gives the image now; returns the daemon's error when it refuses."""
    answer = registry.get(image, "sha256:" + hashlib.sha256(image.encode()).hexdigest())
    if isinstance(answer, dict):
        return answer["error"]
    images[image] = answer
    save()
    return None
def scenario_name(name):
    """The name the container was started with, which its scenario and crash go by."""
    return containers[name].get("scenarioName", name) if name in containers else name


def states_of(name):
    if scenario_name(name) in crashing:
        return [{"at": 0, "status": "exited", "exitCode": 1}]
    return scenario.get(scenario_name(name), {}).get("states", [])


def now_state(name):
    """What the container is now: its status, exit code, restart count, health, and when it last started and stopped."""
    container = containers[name]
    has_health = "Healthcheck" in container["inspect"]["Config"]
    if container["startedAt"] is None:
        return {"status": "created", "exitCode": 128, "restarts": 0, "health": None, "startedAt": None, "finishedAt": None}
    current = {"status": "running", "exitCode": 0, "restarts": 0, "health": "healthy" if has_health else None,
               "startedAt": container["startedAt"], "finishedAt": None}
    for step in states_of(name):
        at = container["startedAt"] + step.get("at", 0)
        if at > time.time():
            break
        if "health" in step and not has_health:
            fail("fake docker: the scenario gives %s a health state, but it has no health check" % name, 2)
        status = step.get("status", current["status"])
        if status != current["status"]:
            if status == "restarting":
                current["restarts"] += 1
            current["startedAt" if status == "running" else "finishedAt"] = at
        current.update(status=status, exitCode=0 if status == "running" else step.get("exitCode", current["exitCode"]), health=step.get("health", current["health"]))
    if container["stoppedAt"] is not None:
        current.update(status="exited", exitCode=137 if container.get("killed") else 0, finishedAt=container["stoppedAt"])
    return current


def inspected(name):
    """The container as `docker inspect` shows it."""
    now = now_state(name)
    status = now["status"]
    shown = dict(containers[name]["inspect"])
    shown["State"] = {
        "Status": status,
        "Running": status in ("running", "restarting"),
        "Paused": False,
        "Restarting": status == "restarting",
        "OOMKilled": False,
        "Dead": False,
        "Pid": 4242 if status == "running" else 0,
        "ExitCode": now["exitCode"],
        "Error": "",
        "StartedAt": NEVER if now["startedAt"] is None else timestamp(now["startedAt"]),
        "FinishedAt": NEVER if now["finishedAt"] is None else timestamp(now["finishedAt"]),
    }
    if now["health"] is not None:
        streak = shown["Config"]["Healthcheck"]["Retries"] if now["health"] == "unhealthy" else 0
        shown["State"]["Health"] = {"Status": now["health"], "FailingStreak": streak, "Log": []}
    shown["RestartCount"] = now["restarts"]
    return shown


def no_such_container(name):
    fail("Error response from daemon: No such container: %s" % name, 1)


def run(options):
    labels = {}
    env = {}
    name = None
    log_driver = "json-file"
    restart = "no"
    health = {}
    network = None
    aliases = []
    i = 0
    while i < len(options) and options[i].startswith("-"):
        if options[i] == "--":
            i += 1
            break
        if options[i] in ("--detach", "--read-only"):
            i += 1
            continue
        option, value = options[i], options[i + 1]
        if option == "--label":
            key, _, label = value.partition("=")
            labels[key] = label
        elif option == "--name":
            name = value
        elif option == "--env-file":
            read_env_file(value, env)
        elif option == "--log-driver":
            log_driver = value
        elif option == "--restart":
            restart = value
        elif option.startswith("--health-"):
            health[option] = value
        elif option == "--network":
            network = value
        elif option == "--network-alias":
            aliases.append(value)
        i += 2
    if name in containers:
        fail('docker: Error response from daemon: Conflict. The container name "/%s" is already in use by container "%s". '
             "You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information"
             % (name, containers[name]["inspect"]["Id"]), 125)
    if options[i] not in images:
        error = pull(options[i])
        if error is not None:
            fail("Unable to find image '%s' locally\ndocker: Error response from daemon: %s\n\nRun 'docker run --help' for more information" % (options[i], error), 125)
    if network is not None and network not in state["networks"]:
        fail("docker: Error response from daemon: network %s not found.\n\nRun 'docker run --help' for more information" % network, 125)
    created = time.time()
    config = {"Image": options[i], "Cmd": options[i + 1:], "Labels": labels, "Env": ["%s=%s" % item for item in env.items()]}
    if health:
        config["Healthcheck"] = {"Test": ["CMD-SHELL", health["--health-cmd"]], "Interval": nanoseconds(health["--health-interval"]),
                                 "Timeout": nanoseconds(health["--health-timeout"]), "StartPeriod": nanoseconds(health["--health-start-period"]),
                                 "Retries": int(health["--health-retries"])}
    containers[name] = {
        "inspect": {
            "Id": hashlib.sha256(("%s %f" % (name, created)).encode()).hexdigest(),
            "Created": timestamp(created),
            "Name": "/" + name,
            "Image": images[options[i]],
            "HostConfig": {"RestartPolicy": {"Name": restart, "MaximumRetryCount": 0}, "LogConfig": {"Type": log_driver}},
            "Config": config,
            "NetworkSettings": {"Networks": {} if network is None else {network: {"Aliases": aliases}}},
        },
        "startedAt": None, "stoppedAt": None, "scenarioName": name,
    }
    if log_driver in os.environ.get("FAKE_DOCKER_FAILING_LOG_DRIVER", "").split(","):
        save()
        fail(
            "docker: Error response from daemon: failed to create task for container: failed to initialize logging driver: "
            "failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, "
            "RequestID: 8f2b6c1e-5d4a-4b7e-9c3f-2a1d0e9b8c7d, ResourceNotFoundException: The specified log group does not exist.\n"
            "\n"
            "Run 'docker run --help' for more information",
            125,
        )
    containers[name]["startedAt"] = time.time()
    save()
    print(containers[name]["inspect"]["Id"])


def swarm_manager():
    """The swarm of $FAKE_DOCKER_SWARM as its manager sees it; fails as Docker does on an engine that is not a manager."""
    swarm = json.load(open(os.environ["FAKE_DOCKER_SWARM"])) if os.environ.get("FAKE_DOCKER_SWARM") else None
    own = [node for node in (swarm or {}).get("nodes", []) if node["id"] == (swarm or {}).get("self")]
    if not own:
        fail('Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.', 1)
    if own[0]["role"] != "manager":
        fail("Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. "
             "Please run this command on a manager node or promote the current node to a manager.", 1)
    return swarm


def formatted(options, rows):
    """Prints each row with the --format template's {{.Field}}s filled in, as Docker's templates do."""
    template = options[options.index("--format") + 1]
    for row in rows:
        def field(match):
            if match.group(1) not in row:
                fail('template: :1:%d: executing "" at <.%s>: can\'t evaluate field %s' % (match.start() + 3, match.group(1), match.group(1)), 1)
            return str(row[match.group(1)])
        print(re.sub(r"\{\{\s*\.([A-Za-z]+)\s*\}\}", field, template))


def option_values(options, name):
    return [options[i + 1] for i in range(len(options) - 1) if options[i] == name]


def swarm_command(args):
    swarm = swarm_manager()
    nodes = swarm.get("nodes", [])
    tasks = swarm.get("tasks", [])
    if args[:2] == ["node", "inspect"]:
        if args[2] != "self" or args[3:5] != ["--format", "{{.ManagerStatus.Leader}}"]:
            fail("fake docker: node inspect answers only self with --format {{.ManagerStatus.Leader}}", 2)
        print("true" if swarm.get("leader") == swarm["self"] else "false")
    elif args[:2] == ["node", "ls"]:
        formatted(args, [{"ID": node["id"], "Hostname": node.get("hostname", node["id"]), "Status": node["status"]} for node in nodes])
    elif args[:2] == ["service", "ls"]:
        labels = [value[len("label=com.docker.stack.namespace="):] for value in option_values(args, "--filter") if value.startswith("label=com.docker.stack.namespace=")]
        rows = []
        for service in swarm.get("services", []):
            if labels and service.get("namespace") not in labels:
                continue
            own = [task for task in tasks if task["service"] == service["name"]]
            running = len([task for task in own if task["state"] == "Running"])
            desired = service["replicas"] if service["mode"] == "replicated" else len([task for task in own if task["desired"] == "Running"])
            rows.append({"ID": service["name"], "Name": service["name"], "Mode": service["mode"], "Replicas": "%d/%d" % (running, desired)})
        formatted(args, rows)
    elif args[:2] == ["node", "ps"]:
        options = [i for i, arg in enumerate(args) if arg.startswith("--")]
        asked = args[2:options[0]] if options else args[2:]
        for node in asked:
            if node not in [known["id"] for known in nodes]:
                fail("Error: No such node: %s" % node, 1)
        states = [value.partition("=")[2] for value in option_values(args, "--filter") if value.startswith("desired-state=")]
        # As Docker's client does, the node filter of each node asked adds to the one before it,
        # so the tasks of the first nodes are listed again with each later node's.
        rows = [{"ID": "%s-%s-%s" % (task["service"], task.get("slot", 0), task["node"]), "Name": "%s.%s" % (task["service"], task.get("slot", task["node"])),
                 "CurrentState": task["state"] + " 2 minutes ago", "DesiredState": task["desired"], "Node": task["node"]}
                for i in range(len(asked)) for task in tasks
                if task["node"] in asked[:i + 1] and (not states or task["desired"].lower() in states)]
        formatted(args, rows)
    else:
        fail("fake docker: unknown command %s %s" % (args[0], args[1]), 2)


if args[0] in ("node", "service"):
    swarm_command(args)
elif args[0] == "ps":
    print("\n".join(name for name, item in containers.items() if item["inspect"]["Config"]["Labels"].get("docker-host.managed") == "true"))
elif args[0] == "inspect":
    typed = args[1:3] == ["--type", "container"]
    names = args[3 if typed else 1:]
    names = names[1:] if names[:1] == ["--"] else names
    print(json.dumps([inspected(name) for name in names if name in containers], indent=4))
    missing = [name for name in names if name not in containers]
    for name in missing:
        sys.stderr.write("Error: No such %s: %s\n" % ("container" if typed else "object", name))
    sys.exit(1 if missing else 0)
elif args[0] == "rm":
    name = args[-1]
    if name not in containers:
        # With --force, docker reports a missing container but does not fail.
        sys.stderr.write("Error response from daemon: No such container: %s\n" % name)
        sys.exit(0 if "--force" in args else 1)
    removed = containers.pop(name)
    state.setdefault("removed", []).append({"name": name, "image": removed["inspect"]["Config"]["Image"],
                                            "startedAt": removed["startedAt"], "stoppedAt": removed["stoppedAt"]})
    save()
    print(name)
elif args[0] in ("stop", "kill"):
    name = args[-1]
    if name not in containers:
        fail("Error response from daemon: No such container: %s\nError: failed to %s containers: %s" % (name, args[0], name), 1)
    containers[name]["stoppedAt"] = time.time()
    containers[name]["killed"] = args[0] == "kill"
    save()
    print(name)
elif args[0] == "rename":
    old, new = args[1], args[2]
    if old not in containers:
        no_such_container(old)
    if new in containers:
        fail('Error response from daemon: Error when allocating new name: Conflict. The container name "/%s" is already in use by container "%s". '
             "You have to remove (or rename) that container to be able to reuse that name." % (new, containers[new]["inspect"]["Id"]), 1)
    containers[new] = containers.pop(old)
    containers[new]["inspect"]["Name"] = "/" + new
    save()
elif args[0] == "network":
    if args[1] == "create":
        state["networks"].append(args[2])
        save()
        print(hashlib.sha256(args[2].encode()).hexdigest())
    elif args[2] in state["networks"]:
        print(json.dumps([{"Name": args[2], "Driver": "bridge"}], indent=4))
    else:
        print("[]")
        fail("Error response from daemon: network %s not found" % args[2], 1)
elif args[0] == "exec":
    name = args[1]
    if name not in containers:
        no_such_container(name)
    status = inspected(name)["State"]["Status"]
    if status == "restarting":
        fail("Error response from daemon: Container %s is restarting, wait until the container is running" % containers[name]["inspect"]["Id"], 1)
    if status != "running":
        fail("Error response from daemon: container %s is not running" % containers[name]["inspect"]["Id"], 1)
    outcome = scenario.get(scenario_name(name), {}).get("exec", {})
    sys.stderr.write(outcome.get("stderr", ""))
    sys.exit(outcome.get("exitCode", 0))
elif args[0] == "logs":
    name = args[-1]
    if name not in containers:
        no_such_container(name)
    if scenario_name(name) in crashing:
        # A crash loop: output and errors interleaved, as the engine keeps them.
        fatal = "fatal: %s cannot start; environment: %s" % (name, " ".join(containers[name]["inspect"]["Config"]["Env"]))
        for stream, line in ((sys.stdout, "starting"), (sys.stderr, fatal), (sys.stdout, "starting")):
            stream.write(line + "\n")
            stream.flush()
    else:
        lines = scenario.get(scenario_name(name), {}).get("logs", ["ready"])
        print("\n".join(lines[-int(args[args.index("--tail") + 1]):] if "--tail" in args else lines))
elif args[0] == "pull":
    error = pull(args[-1])
    if error is not None:
        fail("Error response from daemon: %s" % error, 1)
    print(args[-1] if "--quiet" in args else "Status: Downloaded newer image for %s" % args[-1])
elif args[0] == "image" and args[1] == "inspect":
    image = args[-1]
    if image not in images:
        fail("Error response from daemon: No such image: %s" % image, 1)
    if "--format" in args and args[args.index("--format") + 1] == "{{.Id}}":
        print(images[image])
    else:
        print(json.dumps([{"Id": images[image], "RepoTags": [image]}], indent=4))
elif args[0] == "run":
    run(args[1:])
else:
    fail("fake docker: unknown command %s" % args[0], 2)
