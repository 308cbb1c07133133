"""Every secret of the site file inline, in a file (``NAME_file``) or in the environment
(``NAME_env``): one reader (queue_server/config/secrets.py), exactly one of the three, every
problem at file:line:key, and check's warnings about secrets anyone on the machine can read."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from queue_server.cli import main as server_main
from queue_server.config.settings import SiteConfig
from queue_server.config.site import ConfigError, load_config, parse_config
from tests.config.helpers import MINIMAL

VALUE = "s3cret-value-0123456789abcdef"
ACCOUNT = "0011000012345"
DSN = "postgresql://site:pw-0042@central.example.vn:5432/motcua"

# (the table around the secret, with {key} where the secret goes, the secret's value, where the reader puts it)
KINDS: dict[str, tuple[str, str, Callable[[SiteConfig], Any]]] = {
    "sms gateway token": (
        '[notifications]\nchannel = "sms"\n[notifications.sms]\nurl = "https://sms.example.vn/send"\n'
        "headers = {{ {key} }}\n",
        "Bearer " + VALUE,
        lambda c: c.outreach.notifications.sms.headers["Authorization"],
    ),
    "zalo access token": (
        '[notifications]\nchannel = "zalo"\n[notifications.zalo]\n{key}\ntemplate_near = "1"\ntemplate_called = "2"\n',
        VALUE,
        lambda c: c.outreach.notifications.zalo.access_token,
    ),
    "webhook secret": (
        '[[webhook]]\nname = "portal"\nurl = "https://portal.example.vn/hook"\n{key}\n',
        VALUE,
        lambda c: c.outreach.webhooks[0].secret,
    ),
    "one-stop system api key": (
        '[dossier_lookup]\nurl_template = "https://motcua.example.vn/hoso/{{code}}"\n'
        'fields = {{ status = "s" }}\nheaders = {{ {key} }}\n',
        VALUE,
        lambda c: c.dossier_lookup.headers["X-Api-Key"],
    ),
    "one-stop system pull token": (
        '[dossier_pull]\nurl_template = "https://motcua.example.vn/c?s={{since}}&p={{page}}"\nitems = "data"\n'
        'fields = {{ code = "c", status = "s", version = "v" }}\nheaders = {{ {key} }}\n',
        "Bearer " + VALUE,
        lambda c: c.dossier_pull.headers["Authorization"],
    ),
    "payment account": ('[payment]\nbank_bin = "970436"\n{key}\n', ACCOUNT, lambda c: c.payment.account),
    "central dsn": ("[central]\n{key}\n", DSN, lambda c: c.central.dsn),
    "central site key": ('[central]\ndsn = "postgresql://motcua_shipper@central.example.vn/motcua"\n{key}\n', VALUE * 2, lambda c: c.central.site_key),
}
NAMES = {
    "sms gateway token": "Authorization",
    "zalo access token": "access_token",
    "webhook secret": "secret",
    "one-stop system api key": "X-Api-Key",
    "one-stop system pull token": "Authorization",
    "payment account": "account",
    "central dsn": "dsn",
    "central site key": "site_key",
}


def site_with(kind: str, assignment: str) -> str:
    table, _, _ = KINDS[kind]
    joined = assignment if "headers" not in table else assignment.replace("\n", ", ")
    return MINIMAL + "\n" + table.format(key=joined)


def write_secret(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "secret"
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_each_secret_is_read_inline_from_a_file_or_from_the_environment(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, value, where = KINDS[kind]
    name = NAMES[kind]
    inline = parse_config(site_with(kind, f'{name} = "{value}"'), "site.toml")
    path = write_secret(tmp_path, value)
    from_file = parse_config(site_with(kind, f'{name}_file = "{path}"'), "site.toml")
    monkeypatch.setenv("MOTCUA_SECRET", value)
    from_env = parse_config(site_with(kind, f'{name}_env = "MOTCUA_SECRET"'), "site.toml")
    assert where(inline) == where(from_file) == where(from_env) == value
    assert from_file.warnings == from_env.warnings == ()


def problems_of(text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "site.toml")
    return str(raised.value)


@pytest.mark.parametrize("kind", KINDS)
def test_two_ways_of_giving_one_secret_are_refused_at_the_second(kind: str, tmp_path: Path) -> None:
    name = NAMES[kind]
    path = write_secret(tmp_path, KINDS[kind][1])
    text = site_with(kind, f'{name} = "{KINDS[kind][1]}"\n{name}_file = "{path}"')
    message = problems_of(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if f"{name}_file" in row)
    assert f"site.toml:{line}: " in message and f"{name}_file: give one of {name}, {name}_file or {name}_env" in message


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ('secret_file = "/nonexistent/motcua/hook"', "webhook[1].secret_file: cannot read /nonexistent/motcua/hook: No such file or directory"),
        ('secret_file = "secrets/hook"', "webhook[1].secret_file: must be an absolute path (e.g. /etc/motcua/secrets/…), not 'secrets/hook'"),
        ('secret_file = "/"', "webhook[1].secret_file: / is not a regular file"),
        ('secret_env = "MOTCUA_NOT_SET_ANYWHERE"', "webhook[1].secret_env: the environment variable MOTCUA_NOT_SET_ANYWHERE is not set (in the server's environment)"),
        ('secret_env = "NOT A NAME"', "webhook[1].secret_env: must be an environment variable's name (letters, digits and '_'), not 'NOT A NAME'"),
        ("secret_env = 7", "webhook[1].secret_env: must be an environment variable's name, not a whole number"),
        ("", "webhook[1].secret: missing (required): secret = \"…\", secret_file = \"/path\" or secret_env = \"VARIABLE\""),
    ],
)  # fmt: skip
def test_a_secret_that_cannot_be_had_is_a_problem_at_its_line_and_key(assignment: str, expected: str) -> None:
    text = site_with("webhook secret", assignment)
    line = next((n for n, row in enumerate(text.splitlines(), 1) if assignment and row == assignment), None)
    line = line or next(n for n, row in enumerate(text.splitlines(), 1) if row == "[[webhook]]")
    assert f"site.toml:{line}: {expected}" in problems_of(text)


def test_an_empty_secret_file_and_an_empty_variable_are_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    monkeypatch.setenv("MOTCUA_EMPTY", "")
    assert f"webhook[1].secret_file: {empty} is empty" in problems_of(site_with("webhook secret", f'secret_file = "{empty}"'))
    assert "webhook[1].secret_env: the environment variable MOTCUA_EMPTY is empty" in problems_of(
        site_with("webhook secret", 'secret_env = "MOTCUA_EMPTY"')
    )


def test_a_secret_from_a_file_is_checked_like_one_written_inline(tmp_path: Path) -> None:
    path = write_secret(tmp_path, "short")
    message = problems_of(site_with("webhook secret", f'secret_file = "{path}"'))
    assert "webhook[1].secret_file: must be 16 to 256 ASCII letters" in message
    assert "short" not in message  # the value is never said back


def test_a_header_given_twice_is_refused(tmp_path: Path) -> None:
    path = write_secret(tmp_path, VALUE)
    text = site_with("one-stop system api key", f'X-Api-Key = "x"\nX-Api-Key_file = "{path}"')
    assert "dossier_lookup.headers.X-Api-Key_file: give one of X-Api-Key, X-Api-Key_file or X-Api-Key_env" in problems_of(text)
    text = site_with("one-stop system api key", 'X-Api-Key = "x"\nx-api-key_env = "HOME"')
    assert "dossier_lookup.headers.x-api-key_env: the header 'x-api-key' is given twice (also by X-Api-Key)" in problems_of(text)


def test_check_warns_about_a_secret_file_every_user_may_read_and_still_accepts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = write_secret(tmp_path, VALUE, mode=0o644)
    site = tmp_path / "site.toml"
    text = site_with("webhook secret", f'secret_file = "{secret}"')
    site.write_text(text, encoding="utf-8")
    site.chmod(0o640)
    line = len(text.splitlines())
    assert server_main(["check", "--config", str(site)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {site}:{line}: webhook[1].secret_file: {secret} is readable by every user of this machine (mode 0644): chmod o-r" in err
    secret.chmod(0o640)  # the server's group may read it: no warning
    assert server_main(["check", "--config", str(site)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_check_warns_about_inline_secrets_in_a_site_file_every_user_may_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site.toml"
    text = site_with("webhook secret", f'secret = "{VALUE}"')
    site.write_text(text, encoding="utf-8")
    site.chmod(0o644)
    assert server_main(["check", "--config", str(site)]) == 0
    line = len(text.splitlines())
    assert f"warning: {site}:{line}: webhook[1].secret: a secret written in a site file readable by every user" in capsys.readouterr().err
    site.chmod(0o640)
    assert load_config(site).warnings == ()
    assert os.stat(site).st_mode & 0o777 == 0o640


def test_the_docs_example_reads_each_secret_from_its_file_and_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/configuration.md's example, its files put in a folder of the test's and its variable set."""
    from tests.config.test_docs import SECRETS

    folder = tmp_path / "credentials"
    folder.mkdir()
    values = {"sms-token": "Bearer sms-doc-0001", "account": ACCOUNT, "central-dsn": DSN}
    for name, value in values.items():
        write_secret(folder, value).rename(folder / name)
    monkeypatch.setenv("MOTCUA_WEBHOOK_PORTAL", VALUE)
    text = SECRETS.replace("/run/credentials/motcua-server.service/", f"{folder}/").replace("/etc/motcua/secrets/", f"{folder}/")
    config = parse_config(MINIMAL + "\n" + text, "site.toml")
    assert config.outreach.notifications.sms.headers == {"Authorization": values["sms-token"]}
    assert config.outreach.webhooks[0].secret == VALUE
    assert config.payment.account == ACCOUNT and config.central.dsn == DSN
