"""The site file's secrets, written inline or kept out of it: one reader for every one of them.

Each secret key ``NAME`` (``docs/configuration.md``, "Secrets", lists them) may be given as

    secret = "…"                                   # inline, in the site file
    secret_file = "/run/credentials/motcua-server.service/portal"   # a file's content
    secret_env = "MOTCUA_PORTAL_SECRET"            # a variable of the server's environment

exactly one of the three. A file's content is taken as it is but for one trailing newline
(``echo`` and editors add one); its path is absolute. A file or variable that is missing, empty
or unreadable is a problem at the key, like any other: ``check`` says it, the server does not
start, and a reload is refused (the running configuration stays).

HTTP header tables (the SMS gateway's, the one-stop system's) hold secrets too: a header
``Authorization_file = "/path"`` or ``X-Api-Key_env = "VARIABLE"`` is the header
``Authorization`` (``X-Api-Key``) with the file's (variable's) value.

Warnings, not problems: a secret file readable by every user of the machine, and (in
:mod:`.site`) a secret written inline in a site file readable by every user.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from queue_server.config.checks import KeyPath, Table, format_key, kind_of, nfc

__all__ = ["SUFFIXES", "given_key", "read_headers", "read_secret", "secret_keys"]

FILE, ENV = "_file", "_env"
SUFFIXES = (FILE, ENV)
MAX_SECRET_BYTES = 64 * 1024
HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
_SECRET_HEADER = re.compile(r"auth|key|token|secret|pass|cookie|signature", re.I)  # an inline one is warned about
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def secret_keys(*names: str) -> tuple[str, ...]:
    """The keys a table knows for these secrets: each ``NAME``, ``NAME_file`` and ``NAME_env``."""
    return tuple(key for name in names for key in (name, name + FILE, name + ENV))


def given_key(table: Table, name: str) -> str:
    """Which of ``NAME``, ``NAME_file``, ``NAME_env`` the table gives (``NAME`` when none):
    where a problem with the secret's value is reported."""
    return next((key for key in (name, name + FILE, name + ENV) if table.has(key)), name)


def read_secret(table: Table, name: str, *, required: bool = False) -> str | None:
    """The secret ``name`` of ``table``, inline or from its file or variable; None (and a
    problem when ``required``, or when what was given cannot be read)."""
    given = [key for key in (name, name + FILE, name + ENV) if table.has(key)]
    if len(given) > 1:
        table.report(given[1], f"give one of {name}, {name}{FILE} or {name}{ENV}, not {' and '.join(given)}")
        return None
    if not given:
        if required:
            table.report(name, f'missing (required): {name} = "…", {name}{FILE} = "/path" or {name}{ENV} = "VARIABLE"')
        return None
    key = given[0]
    if key == name:
        value = table.text(name)
        if value is not None:
            table.problems.inline(table.at(name))
        return value
    return _resolve(table, table.at(key), table.data[key], key.endswith(FILE))


def read_headers(table: Table, name: str = "headers") -> dict[str, str]:
    """A table of HTTP headers (``{ Authorization = "Bearer …" }``), each value inline or, for
    a header ``H_file`` / ``H_env``, the header ``H`` from a file or a variable."""
    data = table.data.get(name)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        table.report(name, f"must be a table of HTTP headers ([{format_key(table.at(name))}]), not {kind_of(data)}")
        return {}
    headers: dict[str, str] = {}
    where: dict[str, str] = {}  # header → the key it was given by
    for key, raw in data.items():
        at = table.at(name) + (key,)
        header = key
        from_file = key.endswith(FILE)
        if from_file or key.endswith(ENV):
            header = key.removesuffix(FILE).removesuffix(ENV)
        if not HEADER_NAME.fullmatch(header):
            table.problems.add(at, "must be an HTTP header name with a printable value")
            continue
        if header.casefold() in where:
            first = where[header.casefold()]
            if first.removesuffix(FILE).removesuffix(ENV) == header:
                table.problems.add(at, f"give one of {header}, {header}{FILE} or {header}{ENV}, not {first} and {key}")
            else:
                table.problems.add(at, f"the header {header!r} is given twice (also by {first})")
            continue
        where[header.casefold()] = key
        if header == key:
            value = nfc(raw) if isinstance(raw, str) else None
            if _SECRET_HEADER.search(header) and value:
                table.problems.inline(at)
        else:
            value = _resolve(table, at, raw, from_file)
            if value is None:
                continue
        if not value or not value.isprintable():
            table.problems.add(at, "must be an HTTP header name with a printable value")
            continue
        headers[header] = value
    return headers


def _resolve(table: Table, at: KeyPath, where: object, from_file: bool) -> str | None:
    """The secret in the file or variable ``where`` names; None and a problem at ``at`` if it
    cannot be had."""
    problems = table.problems
    if not isinstance(where, str) or not where.strip():
        what = "a file's absolute path" if from_file else "an environment variable's name"
        problems.add(at, f"must be {what}, not {kind_of(where) if not isinstance(where, str) else 'empty'}")
        return None
    return _from_file(table, at, where) if from_file else _from_env(table, at, where.strip())


def _from_file(table: Table, at: KeyPath, name: str) -> str | None:
    path = Path(name)
    problems = table.problems
    if not path.is_absolute():
        problems.add(at, f"must be an absolute path (e.g. /etc/motcua/secrets/…), not {name!r}")
        return None
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):  # a folder, or a pipe that would block the reading
            problems.add(at, f"{name} is not a regular file")
            return None
        with path.open("rb") as file:
            raw = file.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        problems.add(at, f"cannot read {name}: {exc.strerror or exc}")
        return None
    if len(raw) > MAX_SECRET_BYTES:
        problems.add(at, f"{name} is longer than {MAX_SECRET_BYTES // 1024} KiB: not a secret")
        return None
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(at, f"{name} is not UTF-8 text")
        return None
    value = value.removesuffix("\n").removesuffix("\r")
    if not value:
        problems.add(at, f"{name} is empty")
        return None
    if mode & stat.S_IROTH:
        problems.warn(at, f"{name} is readable by every user of this machine (mode {stat.S_IMODE(mode):04o}): chmod o-r")
    return value


def _from_env(table: Table, at: KeyPath, variable: str) -> str | None:
    problems = table.problems
    if not _VARIABLE.fullmatch(variable):
        problems.add(at, f"must be an environment variable's name (letters, digits and '_'), not {variable!r}")
        return None
    value = os.environ.get(variable)
    if value is None:
        problems.add(at, f"the environment variable {variable} is not set (in the server's environment)")
        return None
    if not value:
        problems.add(at, f"the environment variable {variable} is empty")
        return None
    return value
