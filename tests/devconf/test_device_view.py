"""Each kiosk, board and pad is sent its own view of the site (queue_server/config/device_view.py):
readable by the site file's own reader, and holding no other device's token, no officer, no
gateway, webhook, payment, dossier-source or central secret or URL."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.config.device_view import device_view
from queue_server.config.settings import Role
from queue_server.config.site import parse_config
from tests.support.demo import demo_site

ROOT = Path(__file__).resolve().parents[2]
NOTIFICATIONS = re.search(r"```toml\n(.*?)```", (ROOT / "docs" / "notifications.md").read_text("utf-8"), re.S)
# every secret a site file can hold, in the demo centre (whose own file has only the payment account)
SECRETS = (NOTIFICATIONS.group(1) if NOTIFICATIONS else "") + '''
[dossier_lookup]
url_template = "https://motcua.tayninh.gov.vn/api/hoso/{code}"
fields = { status = "data.trangThai" }
headers = { "X-Api-Key" = "one-stop-system-api-key-0042" }

[dossier_pull]
url_template = "https://motcua.tayninh.gov.vn/api/changed?since={since}&page={page}"
items = "data.items"
fields = { code = "maHoSo", status = "trangThai", version = "phienBan" }
headers = { Authorization = "Bearer pull-secret-0043" }

[central]
dsn = "postgresql://site_tay_ninh:central-password-0044@central.tayninh.gov.vn:5432/motcua"
'''
SITE = demo_site() + SECRETS
CONFIG = parse_config(SITE, "site.toml")
VIEWED = [d for d in CONFIG.devices if d.role in (Role.KIOSK, Role.DISPLAY, Role.PAD)]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def secrets_beside(device_id: str) -> set[str]:
    """Every text of the file a device must not see: others' tokens, the officers, the tables of
    secrets and integrations (short words like 'POST' left out: they say nothing)."""
    raw = tomllib.loads(SITE)
    found = {d["token"] for d in raw["device"] if d["id"] != device_id}
    found |= set(strings(raw["officer"]))
    for name in ("payment", "notifications", "webhook", "dossier_lookup", "dossier_pull", "central"):
        found |= {s for s in strings(raw[name]) if len(s) >= 8}
    found.add(str(raw["payment"]["account"]))
    return found


def test_the_site_holds_the_secrets_the_views_must_leave_out() -> None:
    assert CONFIG.outreach.webhooks and CONFIG.outreach.notifications and CONFIG.central and CONFIG.payment
    assert len(VIEWED) >= 6 and {d.role for d in VIEWED} == {Role.KIOSK, Role.DISPLAY, Role.PAD}


@pytest.mark.parametrize("device", VIEWED, ids=lambda d: d.id)
def test_a_view_holds_no_secret_of_the_site(device) -> None:
    text = device_view(CONFIG, device)
    leaked = sorted(s for s in secrets_beside(device.id) if s in text)
    assert leaked == []
    assert device.token not in text  # not even its own: it has it already
    for word in ("officer", "pin_hash", "token", "webhook", "notifications", "payment", "dossier_lookup", "central"):
        assert word not in text.replace("admin_pin_hash", "")


@pytest.mark.parametrize("device", VIEWED, ids=lambda d: d.id)
def test_a_view_reads_as_the_site_file_for_that_device(device) -> None:
    view = parse_config(device_view(CONFIG, device), f"{device.id}.toml")
    [own] = view.devices
    assert own == type(own)(**{**CONFIG.device(device.id).__dict__, "token": ""})
    assert view.site == CONFIG.site and view.settings.server_url == CONFIG.settings.server_url
    assert view.dossiers == CONFIG.dossiers
    assert view.officers == () and view.payment is None and view.central is None and view.dossier_pull is None
    assert view.outreach.webhooks == () and view.outreach.notifications is None
    assert view.dossier_lookup.url_template is None and not view.dossier_lookup.headers


def test_secrets_kept_in_files_or_the_environment_reach_no_view_not_even_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server reads each secret from its file or variable (queue_server/config/secrets.py);
    a device's view carries neither the value nor the path nor the variable's name."""
    values = {
        "sms": "Bearer sms-from-file-0101",
        "zalo": "zalo-from-env-0102",
        "hook": "hook-secret-from-file-0103",
        "lookup": "lookup-key-from-env-0104",
        "pull": "Bearer pull-from-file-0105",
        "account": "0011000099999",
        "dsn": "postgresql://site:central-pw-0106@central.example.vn/motcua",
    }
    paths = {}
    for name in ("sms", "hook", "pull", "account"):
        paths[name] = tmp_path / f"motcua-secret-{name}"
        paths[name].write_text(values[name] + "\n")
        paths[name].chmod(0o600)
    for name in ("zalo", "lookup", "dsn"):
        monkeypatch.setenv(f"MOTCUA_VIEW_{name.upper()}", values[name])
    demo = demo_site()
    demo = demo[: demo.index("[payment]")] + demo[demo.index("[phone_queue]") :]  # its own payment table, replaced
    site = demo + f'''
[payment]
bank_bin = "970436"
account_file = "{paths["account"]}"

[notifications]
channel = "sms"
[notifications.sms]
url = "https://sms.example.vn/send"
headers = {{ Authorization_file = "{paths["sms"]}" }}
[notifications.zalo]
access_token_env = "MOTCUA_VIEW_ZALO"
template_near = "1"
template_called = "2"

[[webhook]]
name = "portal"
url = "https://portal.example.vn/hook"
secret_file = "{paths["hook"]}"

[dossier_lookup]
url_template = "https://motcua.example.vn/hoso/{{code}}"
fields = {{ status = "s" }}
headers = {{ X-Api-Key_env = "MOTCUA_VIEW_LOOKUP" }}

[dossier_pull]
url_template = "https://motcua.example.vn/c?s={{since}}&p={{page}}"
items = "data"
fields = {{ code = "c", status = "s", version = "v" }}
headers = {{ Authorization_file = "{paths["pull"]}" }}

[central]
dsn_env = "MOTCUA_VIEW_DSN"
'''
    config = parse_config(site, "site.toml")
    assert config.outreach.webhooks[0].secret == values["hook"] and config.central.dsn == values["dsn"]  # read
    forbidden = {*values.values(), *(str(p) for p in paths.values()), "MOTCUA_VIEW", "_file", "_env", "motcua-secret"}
    viewed = [d for d in config.devices if d.role in (Role.KIOSK, Role.DISPLAY, Role.PAD)]
    assert len(viewed) == len(VIEWED)
    for device in viewed:
        text = device_view(config, device)
        assert sorted(s for s in forbidden if s in text) == []
        assert parse_config(text, f"{device.id}.toml").payment is None  # and it reads on a machine with none of them


def test_a_kiosk_is_sent_where_to_wait_and_its_voice_options() -> None:
    """The site's and a field's ``wait_line`` and the kiosk's voice options reach the kiosk: it
    prints and says the line, and speaks through the output its options name."""
    text = SITE.replace('id = "tayninh-hcc"\n', 'id = "tayninh-hcc"\nwait_line = "Mời ngồi chờ ở sảnh A"\n', 1)
    text = text.replace('code = "HT"\n', 'code = "HT"\nwait_line = "Mời ngồi chờ tại khu B, tầng 1"\n', 1)
    text = text.replace("idle_seconds = 30, ", 'idle_seconds = 30, voice_output = "headphones", voice_device = "plughw:1,0", ', 1)
    config = parse_config(text, "site.toml")
    kiosk = next(d for d in config.devices if d.role is Role.KIOSK)
    view = parse_config(device_view(config, kiosk), "kiosk.toml")
    assert text.count("wait_line") == 2 and "voice_output" in text
    assert view.site.wait_line == "Mời ngồi chờ ở sảnh A"
    assert view.site.service("HT").wait_line == "Mời ngồi chờ tại khu B, tầng 1"  # type: ignore[union-attr]
    [own] = view.devices
    assert own.options["voice_output"] == "headphones" and own.options["voice_device"] == "plughw:1,0"
