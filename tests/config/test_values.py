"""What a valid file turns into."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from queue_server.config.settings import Role, ServerSettings
from queue_server.config.site import ConfigError, load_config, parse_config
from queue_server.core.site import DEFAULT_PAUSE_REASONS, DEFAULT_PRIORITIES, DEFAULT_RATING_SCALE, Policy, TimeRange
from tests.config.helpers import BASE, MINIMAL, PIN_HASH, parse, swap


def test_a_minimal_file_gets_the_defaults() -> None:
    config = parse_config(MINIMAL)
    site = config.site
    assert site.tz.key == "Asia/Ho_Chi_Minh"  # type: ignore[attr-defined]
    assert site.priorities == DEFAULT_PRIORITIES
    assert site.policy == Policy()
    assert site.policy.rating_scale == DEFAULT_RATING_SCALE
    assert site.policy.pause_reasons == DEFAULT_PAUSE_REASONS
    assert site.services[0].unit is None and site.unit_of(site.services[0]) == site.name
    assert config.settings == ServerSettings()
    assert config.devices == () and config.officers == ()
    service = site.services[0]
    assert (service.daily_cap, service.max_wait_minutes, service.number_width) == (None, 45, 3)
    assert (service.number_start, service.slot_minutes, service.slot_capacity) == (1, 15, 0)
    assert service.target_wait_minutes == 20 and site.policy.service_level_percent == 80
    assert service.hours.weekdays == frozenset(range(5))
    assert service.hours.ranges == (
        TimeRange(dt.time(7, 30), dt.time(11, 30)),
        TimeRange(dt.time(13, 30), dt.time(17, 0)),
    )
    assert site.counters[0].name == "Quầy 1"
    assert dict(site.counters[0].services) == {"HT": 1.0}


def test_nfd_text_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Đất đai – Nguyễn Thị Lan")
    assert nfd != unicodedata.normalize("NFC", nfd)
    text = swap(BASE, 'name_vi = "Đất đai"', f'name_vi = "{nfd}"')
    text = swap(text, 'name = "Nguyễn Thị Lan"', f'name = "  {nfd}  "')
    config = parse(text)
    assert config.site.service("DD").name_vi == "Đất đai – Nguyễn Thị Lan"  # type: ignore[union-attr]
    assert config.officers[0].name == "Đất đai – Nguyễn Thị Lan"


def test_every_section_is_read() -> None:
    text = BASE.replace(
        "[policy]\n",
        "[policy]\nno_show_returns = 2\ncheckin_early_minutes = 20\nrating_window_minutes = 5\n"
        "default_service_minutes = 7\ntransfer_keeps_arrival = false\n",
    ).replace(
        '[site]\n',
        '[site]\ntimezone = "Asia/Bangkok"\nlanguage = "EN"\nretention_days = 30\n'
        'synchronous = "normal"\n',
    )
    config = parse(text)
    policy = config.site.policy
    assert policy.no_show_returns == 2
    assert policy.checkin_early == dt.timedelta(minutes=20)
    assert policy.rating_window == dt.timedelta(minutes=5)
    assert policy.default_service_minutes == 7.0
    assert policy.transfer_keeps_arrival is False
    assert config.site.tz.key == "Asia/Bangkok"  # type: ignore[attr-defined]
    assert config.settings.language == "en"
    assert config.settings.synchronous == "NORMAL"
    assert config.settings.retention_days == 30
    counter = config.site.counter(1)
    assert counter is not None and dict(counter.services) == {"HT": 1.0, "TP": 2.0}
    pad = config.device("pad-1")
    assert pad is not None
    assert (pad.role, pad.counter, pad.pad, pad.pad_address) == (Role.PAD, 1, "sim://pads", 1)
    assert config.device_by_token("test-kiosk-1-token") == config.device("kiosk-1")
    officer = config.officer("lan")
    assert officer is not None
    assert (officer.pin_hash, officer.counters, officer.manager) == (PIN_HASH, (1,), False)


def test_custom_priorities_and_rating_scale_replace_the_defaults() -> None:
    text = BASE + (
        '\n[[priority]]\ncode = "elderly"\nname_vi = "Người cao tuổi"\nname_en = "Elderly"\n'
        '\n[[rating]]\nscore = 2\nname_vi = "Hài lòng"\nname_en = "Satisfied"\n'
        '\n[[rating]]\nscore = 1\nname_vi = "Không hài lòng"\nname_en = "Dissatisfied"\n'
    )
    config = parse(text)
    assert [p.code for p in config.site.priorities] == ["elderly"]
    assert [r.score for r in config.site.policy.rating_scale] == [2, 1]


def test_pause_reasons_replace_the_defaults_in_their_order() -> None:
    text = BASE + (
        '\n[[pause_reason]]\ncode = "training"\nname_vi = "Tập huấn"\nname_en = "Training"\n'
        '\n[[pause_reason]]\ncode = "lunch"\nname_vi = "Nghỉ trưa"\nname_en = "Lunch break"\n'
    )
    reasons = parse(text).site.policy.pause_reasons
    assert [(r.code, r.name_vi, r.name_en) for r in reasons] == [
        ("training", "Tập huấn", "Training"), ("lunch", "Nghỉ trưa", "Lunch break"),
    ]


def test_a_field_names_its_unit() -> None:
    text = BASE.replace('prefix = "A"', 'prefix = "A"\nunit = "Sở Tư pháp"', 1)
    site = parse(text).site
    assert site.services[0].unit == "Sở Tư pháp" and site.unit_of(site.services[0]) == "Sở Tư pháp"
    assert site.services[1].unit is None


def test_no_priority_categories_at_all() -> None:
    assert parse("priority = []\n" + BASE).site.priorities == ()


@pytest.mark.parametrize(
    ("days", "weekdays"),
    [
        ('"mon-fri"', {0, 1, 2, 3, 4}),
        ('"mon,wed,fri"', {0, 2, 4}),
        ('["mon", "tue", "wed", "thu", "fri", "sat"]', {0, 1, 2, 3, 4, 5}),
        ('"t2-t7"', {0, 1, 2, 3, 4, 5}),
        ('"Sat-Sun"', {5, 6}),
        ('["cn"]', {6}),
        ('"monday-tuesday"', {0, 1}),
    ],
)
def test_days(days: str, weekdays: set[int]) -> None:
    text = swap(BASE, 'days = "mon-fri"', f"days = {days}")
    assert parse(text).site.services[0].hours.weekdays == frozenset(weekdays)


def test_saturday_morning_with_by_day() -> None:
    text = swap(BASE, "[hours]\n", '[hours]\nby_day = { sat = ["07:30-11:30"] }\n')
    hours = parse(text).site.services[0].hours
    assert hours.weekdays == frozenset(range(6))
    saturday, friday = dt.datetime(2025, 3, 8, 14, 0), dt.datetime(2025, 3, 7, 14, 0)
    assert hours.is_open(friday) and not hours.is_open(saturday)
    assert hours.is_open(saturday.replace(hour=8))
    assert hours.ranges_on(5) == (TimeRange(dt.time(7, 30), dt.time(11, 30)),)


def test_a_service_inherits_what_its_hours_do_not_give() -> None:
    text = swap(BASE, "[hours]\n", '[hours]\nby_day = { sat = ["07:30-11:30"] }\n')
    text = swap(text, 'name_en = "Land"\n', 'name_en = "Land"\nhours = { times = ["07:30-11:30"] }\n')
    text = swap(text, 'name_en = "Justice"\n', 'name_en = "Justice"\nhours = { by_day = {} }\n')
    site = parse(text).site
    land, justice = site.service("DD"), site.service("TP")
    assert land is not None and justice is not None
    assert land.hours.weekdays == frozenset(range(6))
    assert land.hours.ranges == (TimeRange(dt.time(7, 30), dt.time(11, 30)),)
    assert justice.hours.weekdays == frozenset(range(5))
    assert len(justice.hours.ranges) == 2


def test_a_day_closed_with_an_empty_list_and_a_range_to_midnight() -> None:
    text = swap(BASE, 'days = "mon-fri"', 'days = "mon-sun"\nby_day = { sun = [] }')
    text = swap(text, '"13:30-17:00"', '"13:30-24:00"')
    hours = parse(text).site.services[0].hours
    assert 6 not in hours.weekdays
    assert hours.ranges[-1].end == dt.time.max


def test_times_are_sorted() -> None:
    text = swap(BASE, '["07:30-11:30", "13:30-17:00"]', '["13:30-17:00", "07:30-11:30"]')
    assert parse(text).site.services[0].hours.ranges[0].start == dt.time(7, 30)


def test_load_config_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    config = load_config(path)
    assert config.path == path
    assert config.site.name == "Trung tâm thử nghiệm"


def test_load_config_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read the file"):
        load_config(tmp_path / "nope.toml")


def test_load_config_of_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(BASE.encode().replace("Trung tâm".encode(), "Trung tâm".encode("cp1258")))
    with pytest.raises(ConfigError, match=r"site\.toml:3: not UTF-8 text"):
        load_config(path)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_a_byte_order_mark_does_not_shift_the_lines() -> None:
    with pytest.raises(ConfigError, match=r"<config>:2: site.id: must be lower-case"):
        parse_config("\ufeff" + BASE.replace('id = "test-site"', 'id = "Bad"'))


def test_a_device_may_carry_options_for_its_app() -> None:
    config = parse(
        BASE
        + '\n[[device]]\nid = "board-1"\nrole = "display"\ntoken = "board-1-token-0000"\n'
        + '[device.options]\nlayout = "portrait"\nvoice_repeat = 2\nenglish_voice = true\nvoice_pack = "Tầng 1"\n'
    )
    assert config.device("board-1").options == {"layout": "portrait", "voice_repeat": 2, "english_voice": True, "voice_pack": "Tầng 1"}


def test_device_options_hold_plain_values_only() -> None:
    with pytest.raises(ConfigError) as caught:
        parse(BASE + '\n[[device]]\nid = "b"\nrole = "display"\ntoken = "board-1-token-0000"\noptions = { a = [1] }\n')
    assert ".options.a: must be a text, number or true/false" in str(caught.value)


def test_the_apps_connect_to_the_server_url() -> None:
    assert parse(BASE).settings.server_url == "ws://127.0.0.1:8765/"
    text = BASE.replace("[site]\n", '[site]\nserver_url = "wss://lobby.local:9000/"\n', 1)
    assert parse(text).settings.server_url == "wss://lobby.local:9000/"
    with pytest.raises(ConfigError, match="server_url"):
        parse(BASE.replace("[site]\n", '[site]\nserver_url = "http://x/"\n', 1))


def test_an_app_finds_its_own_device_and_nobody_elses() -> None:
    from queue_server.config.settings import DeviceNotFound

    config = parse(BASE)
    kiosk = next(d for d in config.devices if d.role is Role.KIOSK)
    assert config.require_device(kiosk.id, Role.KIOSK) is kiosk
    with pytest.raises(DeviceNotFound, match="no device 'nowhere'"):
        config.require_device("nowhere", Role.KIOSK)
    with pytest.raises(DeviceNotFound, match=f"device '{kiosk.id}' is a kiosk, not a display board"):
        config.require_device(kiosk.id, Role.DISPLAY)


def test_a_field_with_a_short_limit_aims_at_its_limit() -> None:
    text = swap(BASE, "daily_cap = 100", "daily_cap = 100\nmax_wait_minutes = 15")
    text = swap(text, 'name_vi = "Tư pháp"', 'name_vi = "Tư pháp"\ntarget_wait_minutes = 10')
    site = parse(text).site
    assert site.service("DD").target_wait_minutes == 15  # type: ignore[union-attr]
    assert site.service("TP").target_wait_minutes == 10  # type: ignore[union-attr]


def test_a_site_ships_its_log_only_when_it_says_where() -> None:
    assert parse(BASE).central is None
    text = BASE + '\n[central]\ndsn = "postgresql://site_a:s3cret@central:5432/motcua"\nbatch_events = 500\n'
    central = parse(text).central
    assert central is not None and central.dsn.endswith("/motcua")
    assert (central.personal_data, central.batch_events, central.poll_seconds) == (False, 500, 0.25)
    assert "s3cret" not in repr(central)


PAD = '\n[[device]]\nid = "pad-2"\nrole = "pad"\ntoken = "test-pad-2-token-x"\ncounter = 1\npad = "sim://pads"\npad_address = 2\n'


def test_a_pad_may_set_how_long_it_waits_for_a_press() -> None:
    config = parse(BASE + PAD + "options = { timeout_seconds = 45 }\n")
    assert config.device("pad-2").pad_timeout == 45.0
    assert config.device("pad-1").pad_timeout is None  # the agent's --timeout, the tablet's ?timeout=
    assert parse(BASE + PAD + "options = { timeout_seconds = 7.5 }\n").device("pad-2").pad_timeout == 7.5


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ("timeout_seconds = 0", "options.timeout_seconds: must be a number greater than 0, not 0"),
        ("timeout_seconds = -3", "options.timeout_seconds: must be a number greater than 0, not -3"),
        ("timeout_seconds = 601", "options.timeout_seconds: must be at most 600, not 601"),
        ('timeout_seconds = "30"', "options.timeout_seconds: must be a number"),
        ("timeout = 30", "options.timeout: unknown key 'timeout' (expected one of: timeout_seconds)"),
    ],
)
def test_a_pad_option_that_is_wrong_is_named_with_its_line(options: str, problem: str) -> None:
    text = BASE + PAD + f"options = {{ {options} }}\n"
    with pytest.raises(ConfigError) as caught:
        parse(text)
    line = text.count("\n")  # the options line is the last one
    assert f"<config>:{line}: device[" in str(caught.value) and problem in str(caught.value), str(caught.value)


def test_a_device_without_a_token_is_enrolled_and_no_empty_token_names_it() -> None:
    config = parse(BASE + '\n[[device]]\nid = "board-1"\nrole = "display"\n')
    assert config.device("board-1").token == ""  # type: ignore[union-attr]
    assert config.device_by_token("") is None
