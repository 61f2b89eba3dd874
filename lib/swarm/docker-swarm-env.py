#!/usr/bin/env python3
"""Writes the env-files of a Docker swarm's services on a manager, which
`docker stack deploy` reads, from the JSON file cfn-init wrote from the stack
metadata: each service's environmentFile text, then a KEY=value line per
variable of its environment, by name. Every value is checked before any file
is written: a value holding a line break or NUL, which would add variables to
the service, fails the program with a message naming the service and the
variable, and the deploy that runs after it does not happen.

Usage: docker-swarm-env SOURCE DIRECTORY
"""
import json
import os
import sys


class EnvError(Exception):
    """A value that cannot stay one value in an env-file."""


def env_file(service, settings):
    lines = []
    if settings.get("environmentFile") is not None:
        lines.append(settings["environmentFile"])
    for key, value in sorted((settings.get("environment") or {}).items()):
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
