#!/usr/bin/env python3
"""Deploys a Docker swarm's stack on the leading manager and reports to
CloudFormation whether it converged, as a Docker host's apply program does.

Reads the deploy file cfn-init wrote from the stack metadata (JSON: the wait
condition handle of the services' digest, its id, how long to wait, where the
env-files are), looks at the stack's services, runs the deploy command it is
given (docker stack deploy), then waits until every service the deploy
changed has converged: a service whose tasks' spec changed once swarm has
completed its update, a new service, or one whose tasks' spec did not change,
once its running tasks are the ones it wants (swarm counts a task with a
health check as running only once it is healthy). It then signals SUCCESS to
the wait handle. It signals FAILURE naming the service and its task's error
(or last state) when swarm rolls the update back or pauses it, when the time
runs out, and with docker's last lines when docker refuses the deploy. Text
taken from docker has every value of the services' env-files replaced by ***,
and the wait handle, a signed URL, is never printed.

With --fail REASON it reads the deploy file alike but runs nothing and
deploys nothing: it signals FAILURE with REASON as it is (cut to 900
characters, env-file values as ***), as the deploy helper does when a swarm
secret cannot be made.

Usage: docker-swarm-gate DEPLOY_FILE STACK COMMAND...
       docker-swarm-gate DEPLOY_FILE STACK --fail REASON

Exit status: 0 once SUCCESS is reported, 3 once FAILURE is reported,
anything else when nothing could be reported (the deploy file could not be
read, or cfn-signal failed).
"""
import json
import os
import re
import subprocess
import sys
import time

REASON_LIMIT = 900
REPORTED_FAILURE = 3
POLL_SECONDS = 0.5
# Update states in which swarm has given up the new version.
GIVEN_UP = {
    "rollback_started": "swarm is rolling the update back",
    "rollback_completed": "swarm rolled the update back",
    "rollback_paused": "swarm paused rolling the update back",
    "paused": "swarm paused the update",
}
# The hint docker prints after its error, which says nothing of the cause.
DOCKER_HELP_HINT = re.compile(r"^(?:See '.*--help'\.|Run '.*--help' for more information)$")
REPLICAS = re.compile(r"^(\d+)/(\d+)")

# Every value of the services' env-files, and the wait handle, longest first.
HIDDEN = []


def hide(values):
    HIDDEN[:] = sorted(set(HIDDEN) | {value for value in values if value}, key=len, reverse=True)


def shown(text):
    for value in HIDDEN:
        text = text.replace(value, "***")
    return text


def tail(text, lines):
    """The last non-blank lines of docker's output without its help hint, joined, with hidden values as ***."""
    kept = [line.strip() for line in shown(text).splitlines() if line.strip() and not DOCKER_HELP_HINT.match(line.strip())]
    return " | ".join(kept[-lines:])


def env_file_values(directory):
    """The values of the env-files the managers wrote, which no reason or log may show."""
    values = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return values
    for name in names:
        try:
            with open(os.path.join(directory, name), "rb") as handle:
                lines = handle.read().decode("utf-8", "replace").splitlines()
        except OSError:
            continue
        values.extend(line.split("=", 1)[1].strip() for line in lines if "=" in line)
    return values


def docker(args):
    return subprocess.run(["docker"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def services(stack):
    """The stack's services by name, as docker service inspect shows them."""
    listed = docker(["service", "ls", "--quiet", "--filter", "label=com.docker.stack.namespace=" + stack])
    ids = listed.stdout.decode("utf-8").split()
    if listed.returncode != 0 or not ids:
        return {}
    inspected = docker(["service", "inspect"] + ids)
    if inspected.returncode != 0:
        return {}
    return {service["Spec"]["Name"]: service for service in json.loads(inspected.stdout.decode("utf-8"))}


def replicas(stack):
    """Running and desired tasks of each service of the stack, as docker service ls counts them."""
    listed = docker(["service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack, "--format", "{{.Name}} {{.Replicas}}"])
    counts = {}
    for line in listed.stdout.decode("utf-8").splitlines():
        name, _, text = line.partition(" ")
        match = REPLICAS.match(text.strip())
        if match:
            counts[name] = (int(match.group(1)), int(match.group(2)))
    return counts


def template(service):
    return json.dumps(service["Spec"].get("TaskTemplate"), sort_keys=True)


def update_started(service):
    return (service.get("UpdateStatus") or {}).get("StartedAt")


def task_error(name):
    """The error of the service's newest task that has one, else the last state of one not running."""
    listed = docker(["service", "ps", "--no-trunc", "--format", "{{.Name}}\t{{.Error}}\t{{.CurrentState}}", name])
    tasks = [line.split("\t") for line in listed.stdout.decode("utf-8").splitlines() if line.count("\t") == 2]
    for task, error, state in tasks:
        # docker service ps writes the error in double quotes.
        error = error.strip()[1:-1] if error.strip()[:1] == '"' == error.strip()[-1:] else error.strip()
        if error:
            return "task %s: %s (%s)" % (task.strip(), error, state.strip())
    for task, _, state in tasks:
        if not state.startswith("Running"):
            return "task %s: %s" % (task.strip(), state.strip())
    return "no task reports an error"


def look(name, service, old, changed, counts):
    """(converged, given up) of one service after the deploy; given up is a reason.
    `changed` says whether the deploy changed its tasks' spec, as first seen after
    the deploy: a rollback puts the old spec back."""
    running, desired = counts.get(name, (0, 0))
    if changed and desired > 0:
        if update_started(service) in (None, update_started(old)):
            return False, None
        state = service["UpdateStatus"].get("State")
        if state in GIVEN_UP:
            return False, "service %s: %s (%s); %s" % (name, GIVEN_UP[state], state, task_error(name))
        return state == "completed", None
    return running == desired, None


def pending(name, service, counts, seconds):
    """What one service that has not converged in time is doing."""
    running, desired = counts.get(name, (0, 0))
    state = (service.get("UpdateStatus") or {}).get("State")
    return "service %s has not converged in %d s (%s%d of %d tasks running); %s" % (
        name, seconds, "update %s, " % state if state else "", running, desired, task_error(name))


def wait(stack, before, seconds):
    """None once every service converged, else the reason it did not."""
    deadline = time.monotonic() + seconds
    changed = {}
    while True:
        after = services(stack)
        counts = replicas(stack)
        waiting = []
        for name in sorted(after):
            old = before.get(name)
            changed.setdefault(name, old is not None and template(old) != template(after[name]))
            converged, given_up = look(name, after[name], old, changed[name], counts)
            if given_up:
                return given_up
            if not converged:
                waiting.append(name)
        if not waiting:
            return None
        if time.monotonic() >= deadline:
            return pending(waiting[0], after[waiting[0]], counts, seconds)
        time.sleep(POLL_SECONDS)


def signal(deploy, success, reason):
    """Reports to the wait handle; returns whether the report went through."""
    reason = shown(reason)[:REASON_LIMIT]
    result = subprocess.run(["cfn-signal", "--exit-code", "0" if success else "1", "--reason", reason, "--id", deploy["deployId"], deploy["waitHandle"]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        sys.stderr.write("docker-swarm-gate: cfn-signal could not report: %s\n" % tail(result.stderr.decode("utf-8", "replace"), 2))
        return False
    return True


def report(deploy, success, reason):
    (sys.stdout if success else sys.stderr).write("docker-swarm-gate: %s\n" % shown(reason))
    if not signal(deploy, success, reason):
        return 1
    return 0 if success else REPORTED_FAILURE


def main(argv):
    path, stack, command = argv[0], argv[1], argv[2:]
    try:
        with open(path, "rb") as handle:
            deploy = json.loads(handle.read().decode("utf-8"))
        hide([deploy["waitHandle"]] + env_file_values(deploy["envDirectory"]))
        seconds = int(deploy["waitSeconds"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.stderr.write("docker-swarm-gate: cannot read the deploy file %s (%s), so nothing is deployed or reported\n" % (path, type(error).__name__))
        return 1
    os.environ["PATH"] = os.environ.get("PATH", "/usr/bin:/bin") + ":/opt/aws/bin"
    if command[:1] == ["--fail"] and len(command) == 2:
        return report(deploy, False, command[1])
    before = services(stack)
    deployed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    sys.stdout.write(shown(deployed.stdout.decode("utf-8", "replace")))
    sys.stderr.write(shown(deployed.stderr.decode("utf-8", "replace")))
    if deployed.returncode != 0:
        output = deployed.stderr.decode("utf-8", "replace") or deployed.stdout.decode("utf-8", "replace")
        return report(deploy, False, "docker stack deploy refused the deploy (exit %d): %s" % (deployed.returncode, tail(output, 3)))
    given_up = wait(stack, before, seconds)
    if given_up:
        return report(deploy, False, given_up)
    return report(deploy, True, "every service of stack %s converged" % stack)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
