#!/usr/bin/env python3
"""Writes the env-files of a Docker swarm's services on a manager, which
`docker stack deploy` reads, from the JSON file cfn-init wrote from the stack
metadata: each service's environmentFile text, then a KEY=value line per
variable of its environment, by name. Everything is checked before any file
is written, as synth checks the stack: service and variable names, the
environmentFile's KEY=value lines, and each value, which must be text of one
line (a line break or NUL would add variables to the service). A refusal
names the service and the variable, never a value, and the deploy that runs
after it does not happen.

Usage: docker-swarm-env SOURCE DIRECTORY
"""
import json
import os
import re
import sys

# The rules of lib/containers/validation.ts, the same patterns and those of the
# Docker host's apply program: the metadata is read at deploy time, so a
# changed file is checked again. Each anchored one is matched with fullmatch:
# Python's $ also matches before a final line break, JavaScript's does not.
SERVICE_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_FILE_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# What JavaScript's trim() removes, so a line is blank here exactly when it is at synth.
BLANK = re.compile("^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$")


class EnvError(Exception):
    """A name or value that cannot go into an env-file."""


def is_text(value):
    """Whether a string is text UTF-8 can write: no lone UTF-16 surrogate."""
    return not any(0xD800 <= ord(character) <= 0xDFFF for character in value)


def env_file(service, settings):
    at = "service %s" % json.dumps(service)
    if not SERVICE_NAME.fullmatch(service):
        raise EnvError('service name %s must be a letter or digit, then letters, digits, "_", "." or "-"' % json.dumps(service))
    if not isinstance(settings, dict):
        raise EnvError("%s: its settings are not an object; deploy the stack again so the metadata holds what the stack writes" % at)
    file = settings.get("environmentFile")
    variables = settings.get("environment") or {}
    if file is not None and not (isinstance(file, str) and is_text(file)):
        raise EnvError("%s: environmentFile is not text; check the parameter, import or lookup it comes from" % at)
    if not isinstance(variables, dict):
        raise EnvError("%s: environment is not an object of variables; deploy the stack again so the metadata holds what the stack writes" % at)
    lines = []
    if file is not None:
        for number, line in enumerate(file.split("\n"), 1):
            if not BLANK.fullmatch(line) and not ENV_FILE_LINE.match(line):
                raise EnvError('%s: environmentFile line %d must be KEY=value, the KEY of letters, digits and "_", not starting with a digit' % (at, number))
        lines.append(file)
    for key, value in sorted(variables.items()):
        if not ENV_NAME.fullmatch(key):
            raise EnvError('%s: environment name %s must be letters, digits and "_", not starting with a digit' % (at, json.dumps(key)))
        if not (isinstance(value, str) and is_text(value)):
            raise EnvError("%s: environment variable %s is not text; check the parameter, import or lookup it comes from" % (at, key))
        if any(character in value for character in "\n\r\0"):
            raise EnvError("service %s: environment variable %s holds a line break or NUL, which would add variables to its env-file; "
                           "give it a value of one line (check the parameter, import or lookup it comes from)" % (service, key))
        lines.append("%s=%s" % (key, value))
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv):
    source, directory = argv
    with open(source, "rb") as handle:
        services = json.loads(handle.read().decode("utf-8"))
    try:
        files = {service: env_file(service, settings) for service, settings in services.items()}
    except EnvError as error:
        sys.stderr.write("docker-swarm-env: %s\n" % error)
        return 1
    os.umask(0o077)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for service, data in files.items():
        path = os.path.join(directory, service + ".env")
        with open(path + ".tmp", "wb") as handle:
            handle.write(data)
        os.replace(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
