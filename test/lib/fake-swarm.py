#!/usr/bin/env python3
"""Stands in for the docker CLI on a swarm's leading manager in tests of the
deploy helper: appends each call, as a JSON list, to $FAKE_SWARM_CALLS, and
answers from the JSON file $FAKE_SWARM_SCENARIO as a swarm would over time:

    {"leader": true,
     "deploy": {"exitCode": 1, "stdout": "...", "stderr": "..."},
     "before": {"app_web": SERVICE, ...},
     "after": {"app_web": SERVICE, ...}}

A SERVICE is {"image": "nginx:1.27", "replicas": 2, "states": [STATE, ...]}.
Before `docker stack deploy` the stack's services are "before", each in its
first state; once the deploy succeeded (exit 0, the default) they are
"after", each in the last of its states whose `at` (seconds after the
deploy) has come. A STATE is {"at": 0.5, "running": 1, "update": "updating",
"updateStarted": "2026-12-07T04:00:00Z", "message": "...", "tasks":
[{"name": "app_web.1", "error": "task: non-zero exit (1)", "state": "Failed 1
second ago"}], "image": "nginx:1.26"}; each keeps what the one before it
said unless it says otherwise. `tasks` are what docker service ps lists; a
state's `image` puts another spec in place, as a rollback puts the previous
one back. A service's tasks' spec is its image: docker service inspect
shows it as Spec.TaskTemplate.ContainerSpec.Image, and UpdateStatus only
where a state gives `update`. The deploy time is kept in $FAKE_SWARM_STATE.
The swarm has the secrets "secrets" lists (["db-password-v1"]); `secret
create` reads the value from stdin, refuses an empty one as the daemon does,
and, with "secretCreate": {"exitCode": 1, "stderr": "..."}, refuses any,
creating nothing.

Like docker, it answers only the commands and formats the helper uses, and
exits 1 naming what it does not know: `node inspect self --format
{{.ManagerStatus.Leader}}`, `service ls --quiet` and `service ls --format
"{{.Name}} {{.Replicas}}"` filtered by the stack's label, `service inspect
ID...` (JSON), `service ps --no-trunc --format
"{{.Name}}\\t{{.Error}}\\t{{.CurrentState}}" SERVICE`, `secret inspect NAME`,
`secret create NAME -` and `stack deploy`.
"""
import json
import os
import sys
import time

args = sys.argv[1:]
with open(os.environ["FAKE_SWARM_CALLS"], "a") as calls:
    calls.write(json.dumps(["docker"] + args) + "\n")
with open(os.environ["FAKE_SWARM_SCENARIO"]) as handle:
    scenario = json.load(handle)
state_path = os.environ["FAKE_SWARM_STATE"]
deployed_at = float(open(state_path).read()) if os.path.exists(state_path) else None


def fail(message, status=1):
    sys.stderr.write(message + "\n")
    sys.exit(status)


def current():
    """The stack's services as they are now: name -> merged state with image and replicas."""
    if deployed_at is None:
        services, elapsed = scenario.get("before", {}), 0.0
    else:
        services, elapsed = scenario.get("after", {}), time.time() - deployed_at
    now = {}
    for name, service in services.items():
        states = service.get("states", [])
        reached = states[:1] if deployed_at is None else [state for state in states if state.get("at", 0) <= elapsed]
        merged = {"running": 0, "tasks": []}
        for state in reached:
            merged.update(state)
        now[name] = dict({"image": service["image"]}, **merged, replicas=service.get("replicas", 1))
    return now


def service_id(name):
    return "id-" + name


def inspect(name, service):
    shown = {
        "ID": service_id(name),
        "Version": {"Index": 10},
        "Spec": {
            "Name": name,
            "Labels": {"com.docker.stack.namespace": name.split("_", 1)[0]},
            "TaskTemplate": {"ContainerSpec": {"Image": service["image"]}},
            "Mode": {"Replicated": {"Replicas": service["replicas"]}},
        },
    }
    if "update" in service:
        shown["UpdateStatus"] = {"State": service["update"], "StartedAt": service.get("updateStarted", "2026-12-07T04:00:00Z"), "Message": service.get("message", "")}
    return shown


def in_stack(stack_filter):
    if not stack_filter.startswith("label=com.docker.stack.namespace="):
        fail("fake swarm: unsupported filter %s" % stack_filter)
    stack = stack_filter.split("=", 2)[2]
    return {name: service for name, service in current().items() if name.startswith(stack + "_")}


if args == ["node", "inspect", "self", "--format", "{{.ManagerStatus.Leader}}"]:
    print("true" if scenario.get("leader", True) else "false")
elif args[:2] == ["service", "ls"] and args[2:3] == ["--quiet"] and args[3:4] == ["--filter"] and len(args) == 5:
    for name in in_stack(args[4]):
        print(service_id(name))
elif args[:3] == ["service", "ls", "--filter"] and args[4:] == ["--format", "{{.Name}} {{.Replicas}}"]:
    for name, service in in_stack(args[3]).items():
        print("%s %d/%d" % (name, service["running"], service["replicas"]))
elif args[:2] == ["service", "inspect"] and len(args) > 2:
    services = {service_id(name): (name, service) for name, service in current().items()}
    missing = [wanted for wanted in args[2:] if wanted not in services]
    if missing:
        print("[]")
        fail("Error: no such service: %s" % missing[0])
    print(json.dumps([inspect(*services[wanted]) for wanted in args[2:]], indent=4))
elif args[:5] == ["service", "ps", "--no-trunc", "--format", "{{.Name}}\t{{.Error}}\t{{.CurrentState}}"] and len(args) == 6:
    service = current().get(args[5])
    if service is None:
        fail("no such service: %s" % args[5])
    for task in service["tasks"]:
        # As docker does, the error is written in double quotes.
        print("%s\t%s\t%s" % (task["name"], '"%s"' % task["error"] if task.get("error") else "", task["state"]))
elif args[:2] == ["secret", "inspect"] and len(args) == 3:
    if args[2] not in scenario.get("secrets", []):
        print("[]")
        fail("Error: No such secret: %s" % args[2])
    print(json.dumps([{"ID": "id-" + args[2], "Spec": {"Name": args[2]}}], indent=4))
elif args[:2] == ["secret", "create"] and args[3:] == ["-"]:
    if not sys.stdin.read():
        fail("Error response from daemon: rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes")
    refusal = scenario.get("secretCreate", {})
    if refusal.get("exitCode", 0) != 0:
        sys.stderr.write(refusal.get("stderr", ""))
        sys.exit(refusal["exitCode"])
    print("id-" + args[2])
elif args[:2] == ["stack", "deploy"]:
    deploy = scenario.get("deploy", {})
    sys.stdout.write(deploy.get("stdout", ""))
    sys.stderr.write(deploy.get("stderr", ""))
    if deploy.get("exitCode", 0) == 0:
        with open(state_path, "w") as handle:
            handle.write(repr(time.time()))
    sys.exit(deploy.get("exitCode", 0))
else:
    fail("fake swarm: unsupported command: docker %s" % " ".join(args))
