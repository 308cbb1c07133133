"""``[outbox]``, ``[notifications]``, ``[[webhook]]``: read as documented, wrong values named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from queue_server.config.settings_outreach import Channel
from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL as BASE  # one service, one counter

DOC = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text("utf-8")


def test_the_documented_configuration_reads() -> None:
    [example] = re.findall(r"```toml\n(.*?)```", DOC, re.S)
    outreach = parse_config(BASE + example).outreach
    assert outreach.outbox.max_attempts == 8 and outreach.outbox.workers == 8
    assert outreach.notifications is not None and outreach.notifications.channel is Channel.SMS
    assert outreach.notifications.near_people == 3
    assert outreach.notifications.sms is not None and "{text}" in outreach.notifications.sms.body
    assert outreach.notifications.zalo is not None and outreach.notifications.zalo.template_called == "231002"
    [hook] = outreach.webhooks
    assert hook.name == "portal" and hook.wants("ticket.called") and not hook.wants("ticket.issued")
    assert "REPLACE" not in repr(hook) and "REPLACE" not in repr(outreach.notifications.zalo)  # secrets kept out of logs


def test_none_of_it_is_needed() -> None:
    outreach = parse_config(BASE).outreach
    assert outreach.notifications is None and outreach.webhooks == ()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('[notifications]\nchannel = "sms"', 'notifications.sms: missing: channel = "sms" needs'),
        ('[notifications]\nchannel = "fax"\n[notifications.sms]\nurl = "http://x"', "notifications.channel: must be sms or zalo"),
        ('[notifications]\n[notifications.sms]\nurl = "ftp://x"', "notifications.sms.url: must be an http:// or https:// URL"),
        ('[notifications]\n[notifications.sms]\nurl = "http://x"\nmethod = "DELETE"', "notifications.sms.method: must be POST"),
        ('[notifications]\nnear_people = 0\n[notifications.sms]\nurl = "http://x"', "notifications.near_people: must be from 1 to 50"),
        ('[notifications]\nchannel = "zalo"\n[notifications.zalo]\naccess_token = "t"', "notifications.zalo.template_near: missing"),
        ('[[webhook]]\nname = "p"\nurl = "https://x"\nsecret = "short"', "webhook[1].secret: must be 16 to 256"),
        ('[[webhook]]\nname = "p"\nurl = "https://x"\nsecret = "0123456789abcdef"\nevents = ["ticket.caled"]', "webhook[1].events[1]: no event is called 'ticket.caled'"),
        ('[[webhook]]\nname = "p"\nurl = "https://x"\nsecret = "0123456789abcdef"\n[[webhook]]\nname = "p"\nurl = "https://y"\nsecret = "0123456789abcdef"', "webhook[2].name: another webhook is named 'p'"),
        ("[outbox]\nworkers = 0", "outbox.workers: must be from 1 to 64"),
    ],
)
def test_wrong_values_are_named(extra: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + extra + "\n", "site.toml")
    assert expected in str(info.value)
