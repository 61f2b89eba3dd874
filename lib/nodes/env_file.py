"""The env-file rules of the nodes, which the Docker host's apply program and
the swarm managers' env-file writer both import, so a host and a swarm check
and write env-files alike: the rules of lib/containers/validation.ts, the same
patterns, checked again on the node because the metadata and the secrets are
read at deploy time. An env-file is the environmentFile text, then a KEY=value
line per variable, by name; every value is text of one line (a line break or
NUL would add variables). A refusal names the container or service, the prop,
the variable or the line, never a value.

cfn-init writes this module to /usr/local/lib/docker-nodes/ from the metadata.
"""
import json
import re

# Each anchored pattern is matched with fullmatch: Python's $ also matches
# before a final line break, JavaScript's does not.
# A container's, service's or network's name: the env-file is named after it.
NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_FILE_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# What JavaScript's trim() removes, so a line is blank here exactly when it is at synth.
BLANK = re.compile("^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$")


class EnvFileError(Exception):
    """A name or value that cannot go into an env-file; the message names where, never a value."""


def quoted(name):
    """A name as a JSON string: quotes, line breaks and other control characters escaped."""
    return json.dumps(name)


def kind(value):
    """What a JSON value is, for a message that must not show it."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return {dict: "an object", list: "a list", type(None): "null"}.get(type(value), "not text")


def is_text(value):
    """Whether a string is text UTF-8 can write: no lone UTF-16 surrogate."""
    return not any(0xD800 <= ord(character) <= 0xDFFF for character in value)


def check_name(owner, name):
    """Refuses the name of a container or service (`owner`) that synth would refuse."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise EnvFileError('%s name %s must be a letter or digit, then letters, digits, "_", "." or "-"' % (owner, quoted(name)))


def env_file_lines(owner, name, prop, file, variables, source):
    """The lines of the env-file of the container or service `name`: the
    `file` text, then a KEY=value line per variable of `variables`, by name.
    `prop` is the variables' prop (its file is `prop`File), `source` where they
    were read, which a refusal of a value of the wrong kind names."""
    at = "%s %s" % (owner, quoted(name))
    if file is not None and not isinstance(file, str):
        raise EnvFileError("%s: %sFile is %s, not text; deploy the stack again so %s holds what the stack writes" % (at, prop, kind(file), source))
    if not isinstance(variables, (dict, type(None))):
        raise EnvFileError("%s: %s is %s, not an object of variables; deploy the stack again so %s holds what the stack writes"
                           % (at, prop, kind(variables), source))
    lines = [] if file is None else [file]
    for number, line in enumerate([] if file is None else file.split("\n"), 1):
        if not BLANK.fullmatch(line) and not ENV_FILE_LINE.match(line):
            raise EnvFileError('%s: %sFile line %d must be KEY=value, the KEY of letters, digits and "_", not starting with a digit' % (at, prop, number))
    if file is not None and not is_text(file):
        raise EnvFileError("%s: %sFile holds a lone UTF-16 surrogate, which is not text; check the parameter, import or lookup it comes from" % (at, prop))
    for key, value in sorted((variables or {}).items()):
        if not ENV_NAME.fullmatch(key):
            raise EnvFileError('%s: %s name %s must be letters, digits and "_", not starting with a digit' % (at, prop, quoted(key)))
        if not isinstance(value, str):
            raise EnvFileError("%s: %s variable %s is %s, not text; deploy the stack again so %s holds what the stack writes" % (at, prop, key, kind(value), source))
        if any(character in value for character in "\n\r\0"):
            raise EnvFileError("%s %s: %s variable %s holds a line break or NUL, which would add variables to its env-file; "
                               "give it a value of one line (check the parameter, import or lookup it comes from)" % (owner, name, prop, key))
        if not is_text(value):
            raise EnvFileError("%s: %s variable %s holds a lone UTF-16 surrogate, which is not text; "
                               "check the parameter, import or lookup it comes from" % (at, prop, key))
        lines.append("%s=%s" % (key, value))
    return lines


def render(lines):
    """An env-file's bytes: its lines, each ended by a line break."""
    return ("\n".join(lines) + "\n").encode("utf-8")
