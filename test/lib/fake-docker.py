#!/usr/bin/env python3
"""Stands in for the docker CLI in tests of the apply program: keeps its
containers in the JSON file $FAKE_DOCKER_STATE and appends each call, as a
JSON list, to $FAKE_DOCKER_CALLS.

`docker run` reads its --env-file files as Docker does (later files win) into
the container's Config.Env. A container named in $FAKE_DOCKER_CRASH exits 1
right after it starts and logs, as an app that dumps its settings when it
fails: "starting", "fatal: <name> cannot start; environment: <KEY=value ...>"
on stderr, then "starting" again. A `docker run` whose --log-driver is named
in $FAKE_DOCKER_FAILING_LOG_DRIVER fails as Docker's does when the driver
cannot start: the container is created but not started, and docker prints the
daemon's error, a blank line and its help hint, exiting 125."""
import json
import os
import sys

state_path = os.environ["FAKE_DOCKER_STATE"]
state = json.load(open(state_path)) if os.path.exists(state_path) else {}
args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_CALLS"], "a") as calls:
    calls.write(json.dumps(["docker"] + args) + "\n")


def save():
    with open(state_path, "w") as handle:
        json.dump(state, handle)


def read_env_file(path, env):
    """The variables of a Docker env-file: blank lines and # comments skipped, KEY=value split at the first =."""
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            line = line.lstrip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = value


if args[0] == "ps":
    print("\n".join(name for name, item in state.items() if name != "/networks" and item["Config"]["Labels"].get("docker-host.managed") == "true"))
elif args[0] == "inspect":
    found = [state[name] for name in args[1:] if name in state]
    print(json.dumps(found))
    sys.exit(0 if len(found) == len(args) - 1 else 1)
elif args[0] == "rm":
    state.pop(args[-1], None)
    save()
elif args[0] == "network":
    networks = state.setdefault("/networks", [])
    if args[1] == "create":
        networks.append(args[2])
        save()
    sys.exit(0 if args[1] == "create" or args[2] in networks else 1)
elif args[0] == "exec":
    pass
elif args[0] == "logs":
    if args[-1] in os.environ.get("FAKE_DOCKER_CRASH", "").split(","):
        # A crash loop: output and errors interleaved, as the engine keeps them.
        fatal = "fatal: %s cannot start; environment: %s" % (args[-1], " ".join(state[args[-1]]["Config"]["Env"]))
        for stream, line in ((sys.stdout, "starting"), (sys.stderr, fatal), (sys.stdout, "starting")):
            stream.write(line + "\n")
            stream.flush()
    else:
        print("ready")
elif args[0] == "run":
    options = args[1:]
    labels = {}
    env = {}
    name = None
    log_driver = "json-file"
    i = 0
    while i < len(options) and options[i].startswith("-"):
        if options[i] == "--":
            i += 1
            break
        if options[i] in ("--detach", "--read-only"):
            i += 1
            continue
        if options[i] == "--label":
            key, _, value = options[i + 1].partition("=")
            labels[key] = value
        if options[i] == "--name":
            name = options[i + 1]
        if options[i] == "--env-file":
            read_env_file(options[i + 1], env)
        if options[i] == "--log-driver":
            log_driver = options[i + 1]
        i += 2
    crashed = name in os.environ.get("FAKE_DOCKER_CRASH", "").split(",")
    unstarted = log_driver in os.environ.get("FAKE_DOCKER_FAILING_LOG_DRIVER", "").split(",")
    state[name] = {
        "Name": "/" + name,
        "Config": {"Labels": labels, "Image": options[i], "Env": ["%s=%s" % item for item in env.items()]},
        "State": {"Running": not (crashed or unstarted), "Restarting": False, "ExitCode": 128 if unstarted else 1 if crashed else 0},
        "RestartCount": 0,
    }
    save()
    if unstarted:
        sys.stderr.write(
            "docker: Error response from daemon: failed to create task for container: failed to initialize logging driver: "
            "failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, "
            "RequestID: 8f2b6c1e-5d4a-4b7e-9c3f-2a1d0e9b8c7d, ResourceNotFoundException: The specified log group does not exist.\n"
            "\n"
            "Run 'docker run --help' for more information\n"
        )
        sys.exit(125)
    print("id-" + name)
else:
    sys.stderr.write("fake docker: unknown command %s\n" % args[0])
    sys.exit(2)
