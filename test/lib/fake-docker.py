#!/usr/bin/env python3
"""Stands in for the docker CLI in tests of the apply program: keeps its
containers in the JSON file $FAKE_DOCKER_STATE and appends each call, as a
JSON list, to $FAKE_DOCKER_CALLS. A container named in $FAKE_DOCKER_CRASH
exits 1 right after it starts and logs "starting", "fatal: <name> cannot
start" on stderr, then "starting" again."""
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
        for stream, line in ((sys.stdout, "starting"), (sys.stderr, "fatal: %s cannot start" % args[-1]), (sys.stdout, "starting")):
            stream.write(line + "\n")
            stream.flush()
    else:
        print("ready")
elif args[0] == "run":
    options = args[1:]
    labels = {}
    name = None
    i = 0
    while i < len(options) and options[i].startswith("-"):
        if options[i] in ("--detach", "--read-only"):
            i += 1
            continue
        if options[i] == "--label":
            key, _, value = options[i + 1].partition("=")
            labels[key] = value
        if options[i] == "--name":
            name = options[i + 1]
        i += 2
    crashed = name in os.environ.get("FAKE_DOCKER_CRASH", "").split(",")
    state[name] = {
        "Name": "/" + name,
        "Config": {"Labels": labels, "Image": options[i]},
        "State": {"Running": not crashed, "Restarting": False, "ExitCode": 1 if crashed else 0},
        "RestartCount": 0,
    }
    save()
    print("id-" + name)
else:
    sys.stderr.write("fake docker: unknown command %s\n" % args[0])
    sys.exit(2)
