"""Each check names the file, the line and the key path of what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import BASE, error_of, line_of, message_lines, parse, swap


@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[str], str]
    key: str
    fragment: str
    at: str  # the line is the nth line of the edited text containing this
    nth: int = 1


def change(old: str, new: str, nth: int = 1) -> Callable[[str], str]:
    return lambda text: swap(text, old, new, nth)


def drop(line: str, nth: int = 1) -> Callable[[str], str]:
    return change(line + "\n", "", nth)


def add_after(anchor: str, lines: str, nth: int = 1) -> Callable[[str], str]:
    return change(anchor + "\n", anchor + "\n" + lines + "\n", nth)


def append(lines: str) -> Callable[[str], str]:
    return lambda text: text + "\n" + lines + "\n"


CASES = [
    # unknown keys and tables, with a suggestion
    Case("typo-key", change('prefix = "B"', 'prefx = "B"'), "service[2].prefx",
         "unknown key 'prefx' (did you mean 'prefix'?)", "prefx"),
    Case("typo-table", change("[policy]", "[polcy]"), "polcy",
         "did you mean 'policy'?", "[polcy]"),
    Case("unknown-key-no-near-miss", add_after('role = "kiosk"', 'volume = 7'),
         "device[1].volume", "expected one of:", "volume"),
    # types
    Case("string-for-int", change("daily_cap = 100", 'daily_cap = "100"'), "service[2].daily_cap",
         "must be a whole number, not a string", "daily_cap"),
    Case("bool-for-int", change("max_priority_in_row = 3", "max_priority_in_row = true"),
         "policy.max_priority_in_row", "must be a whole number, not true/false", "max_priority"),
    Case("int-for-string", change('name_en = "Land"', "name_en = 5"), "service[2].name_en",
         "must be a string, not a whole number", "name_en = 5"),
    Case("float-for-bool", add_after("[policy]", "transfer_keeps_arrival = 1.0"),
         "policy.transfer_keeps_arrival", "must be true or false", "transfer_keeps"),
    Case("table-for-array", change('services = ["DD"]', 'services = "DD"'), "counter[2].services",
         "must be a table { CODE = weight } or an array", 'services = "DD"'),
    Case("officer-counters-not-ints", change("counters = [1]", 'counters = ["1"]'),
         "officer[1].counters[1]", "must be a whole number, not a string", 'counters = ["1"]'),
    # missing required keys: the line of the table they belong in
    Case("missing-name", drop('name_en = "Land"'), "service[2].name_en", "missing (required)",
         "[[service]]", 2),
    Case("missing-code", drop('code = "TP"'), "service[3].code", "missing (required)",
         "[[service]]", 3),
    Case("missing-counter-number", drop("number = 3"), "counter[3].number", "missing (required)",
         "[[counter]]", 3),
    Case("missing-pin-hash", lambda t: t[: t.index("pin_hash")], "officer[1].pin_hash",
         "missing (required)", "[[officer]]"),
    Case("missing-site-name", drop('name = "Trung tâm thử nghiệm"'), "site.name",
         "missing (required)", "[site]"),
    # duplicates
    Case("duplicate-service-code", change('code = "TP"', 'code = "HT"'), "service[3].code",
         "duplicate service code 'HT' (already used by service[1].code)", 'code = "HT"', 2),
    Case("duplicate-prefix", change('prefix = "C"', 'prefix = "A"'), "service[3].prefix",
         "duplicate prefix 'A'", 'prefix = "A"', 2),
    Case("duplicate-counter", change("number = 3", "number = 2"), "counter[3].number",
         "duplicate counter number 2", "number = 2", 2),
    Case("duplicate-device-id", change('id = "pad-1"', 'id = "counter-1"'), "device[3].id",
         "duplicate device id 'counter-1'", 'id = "counter-1"', 2),
    Case("duplicate-token", change('"test-pad-1-token-x"', '"test-counter-1-token"'),
         "device[3].token", "duplicate token (already used by device[2].token)",
         "test-counter-1-token", 2),
    Case("duplicate-officer", append('[[officer]]\nuser = "LAN"\nname = "Lan B"\n'
                                     'pin_hash = "' + BASE.split('pin_hash = "')[1].split('"')[0] + '"'),
         "officer[2].user", "duplicate officer user 'lan'", 'user = "LAN"'),
    Case("duplicate-pad-address", append('[[device]]\nid = "pad-2"\nrole = "pad"\n'
                                         'token = "test-pad-2-token-x"\ncounter = 2\n'
                                         'pad = "sim://pads"\npad_address = 1'),
         "device[4].pad_address", "duplicate pad address", "pad_address = 1", 2),
    Case("target-wait-past-max", add_after("daily_cap = 100", "max_wait_minutes = 30\ntarget_wait_minutes = 40"),
         "service[2].target_wait_minutes", "from 1 to 30", "target_wait_minutes = 40"),
    Case("service-level-zero", add_after("[policy]", "service_level_percent = 0"),
         "policy.service_level_percent", "from 1 to 100", "service_level_percent"),
    Case("central-without-dsn", append("[central]\npersonal_data = true"), "central.dsn",
         "missing (required)", "[central]"),
    Case("central-bad-dsn", append('[central]\ndsn = "host=x password=s3cret port"'), "central.dsn",
         "must be a PostgreSQL connection string", "dsn ="),
    Case("central-batch-zero", append('[central]\ndsn = "postgresql://a@b/c"\nbatch_events = 0'),
         "central.batch_events", "from 1 to 100000", "batch_events"),
    # counters and their services
    Case("counter-unknown-service", change("TP = 2.0", "XY = 2.0"), "counter[1].services.XY",
         "no service has the code 'XY'", "XY = 2.0"),
    Case("counter-unknown-service-list", change('["DD"]', '["DD", "TX"]'),
         "counter[2].services[2]", "no service has the code 'TX' (expected one of: DD, HT, TP)", '"TX"'),
    Case("counter-service-twice", change('["DD"]', '["DD", "DD"]'), "counter[2].services[2]",
         "listed twice", '["DD", "DD"]'),
    Case("weight-zero", change("DD = 1.5", "DD = 0"), "counter[3].services.DD",
         "weight must be a number greater than 0, not 0", "DD = 0"),
    Case("weight-negative", change("DD = 1.5", "DD = -2.5"), "counter[3].services.DD",
         "greater than 0", "DD = -2.5"),
    Case("weight-nan", change("DD = 1.5", "DD = nan"), "counter[3].services.DD",
         "greater than 0", "DD = nan"),
    Case("weight-string", change("DD = 1.5", 'DD = "1"'), "counter[3].services.DD",
         "must be a number, not a string", 'DD = "1"'),
    Case("weight-huge", change("DD = 1.5", "DD = 1000000000000000000000000000000"),
         "counter[3].services.DD", "must be a number from above 0 to 10⁹", "DD = 1000"),
    Case("counter-no-service", change('services = ["DD"]', "services = []"),
         "counter[2].services", "serves no service", "services = []"),
    Case("service-not-served", append('[[service]]\ncode = "XD"\nprefix = "D"\n'
                                      'name_vi = "Xây dựng"\nname_en = "Construction"'),
         "service[4].code", "no [[counter]] serves 'XD'", 'code = "XD"'),
    # devices
    Case("counter-device-without-counter", drop("counter = 1", 1), "device[2].counter",
         "missing (required): a counter device belongs to a counter", "[[device]]", 2),
    Case("pad-without-counter", drop("counter = 1", 2), "device[3].counter",
         "a pad device belongs to a counter", "[[device]]", 3),
    Case("device-unknown-counter", change("counter = 1", "counter = 9"), "device[2].counter",
         "no [[counter]] has the number 9", "counter = 9"),
    Case("kiosk-with-counter", add_after('role = "kiosk"', "counter = 2"), "device[1].counter",
         "only counter and pad devices belong to a counter", "counter = 2"),
    Case("unknown-role", change('role = "kiosk"', 'role = "kisok"'), "device[1].role",
         "unknown role 'kisok' (did you mean 'kiosk'?)", "kisok"),
    Case("display-unknown-counters", add_after('role = "kiosk"', "counters = [1, 7]"),
         "device[1].counters[2]", "no [[counter]] has the number 7", "counters = [1, 7]"),
    Case("display-unknown-services", add_after('role = "kiosk"', 'services = ["HX"]'),
         "device[1].services[1]", "no service has the code 'HX'", 'services = ["HX"]'),
    Case("bad-device-url", add_after('role = "kiosk"', 'printer = "/dev/usb/lp0"'),
         "device[1].printer", "must be a device URL", "printer"),
    Case("pad-address-without-pad", drop('pad = "sim://pads"'), "device[3].pad_address",
         "needs a pad URL", "pad_address"),
    Case("pad-address-range", change("pad_address = 1", "pad_address = 300"),
         "device[3].pad_address", "must be from 1 to 247, not 300", "pad_address"),
    Case("short-token", change('"test-kiosk-1-token"', '"kiosk-token"'), "device[1].token",
         "must be at least 16 characters long (it has 11)", "kiosk-token"),
    Case("token-with-space", change('"test-kiosk-1-token"', '"test kiosk 1 token"'),
         "device[1].token", "printable ASCII characters with no spaces", "test kiosk"),
    Case("bad-device-id", change('id = "kiosk-1"', 'id = "ki ốt"'), "device[1].id",
         "must be letters, digits", "ki ốt"),
    # opening hours
    Case("hour-25", change('"13:30-17:00"', '"13:30-25:00"'), "hours.times[2]",
         "25:00 is not a time of day", "25:00"),
    Case("minute-61", change('"07:30-11:30"', '"07:61-11:30"'), "hours.times[1]",
         "07:61 is not a time of day", "07:61"),
    Case("end-before-start", change('"07:30-11:30"', '"11:30-07:30"'), "hours.times[1]",
         "ends before it starts", "11:30-07:30"),
    Case("empty-range", change('"07:30-11:30"', '"07:30-07:30"'), "hours.times[1]",
         "ends before it starts", "07:30-07:30"),
    Case("not-a-range", change('"07:30-11:30"', '"7h30-11h30"'), "hours.times[1]",
         "is not a time range like '07:30-11:30'", "7h30"),
    Case("overlap", change('"13:30-17:00"', '"11:00-17:00"'), "hours.times",
         "time ranges '07:30-11:30' and '11:00-17:00' overlap", "11:00-17:00"),
    Case("no-times", change('times = ["07:30-11:30", "13:30-17:00"]', "times = []"),
         "hours.times", "needs at least one time range", "times = []"),
    Case("unknown-day", change('"mon-fri"', '"mon-fry"'), "hours.days",
         "unknown day 'fry' (did you mean 'fri'?)", "mon-fry"),
    Case("backwards-days", change('"mon-fri"', '"fri-mon"'), "hours.days", "runs backwards",
         "fri-mon"),
    Case("day-list-item", change('"mon-fri"', '["mon", 2]'), "hours.days[2]",
         "must be a day such as 'mon'", '["mon", 2]'),
    Case("closed-every-day", change('"mon-fri"', "[]"), "hours.days",
         "open on no day of the week", "days = []"),
    Case("days-number", change('"mon-fri"', "5"), "hours.days",
         "must be a string like 'mon-fri' or an array", "days = 5"),
    Case("by-day-not-a-table", add_after("[hours]", "by_day = 5"), "hours.by_day",
         "must be a table like { sat = ['07:30-11:30'] }", "by_day"),
    Case("by-day-not-a-list", add_after("[hours]", 'by_day = { sat = "07:30-11:30" }'),
         "hours.by_day.sat", "must be an array of time ranges", "by_day"),
    Case("by-day-subtable", add_after('times = ["07:30-11:30", "13:30-17:00"]',
                                      '\n[hours.by_day]\nsat = ["06:00-05:00"]'),
         "hours.by_day.sat[1]", "ends before it starts", "06:00-05:00"),
    Case("by-day-bad-day", add_after("[hours]", 'by_day = { sut = ["07:30-11:30"] }'),
         "hours.by_day.sut", "unknown day 'sut'", "by_day"),
    Case("by-day-bad-time", add_after("[hours]", 'by_day = { sat = ["07:30-31:30"] }'),
         "hours.by_day.sat[1]", "31:30 is not a time of day", "by_day"),
    Case("service-hours", add_after('name_en = "Civil status"',
                                    'hours = { times = ["08:00-07:00"] }'),
         "service[1].hours.times[1]", "ends before it starts", "08:00-07:00"),
    Case("service-hours-subtable", add_after('daily_cap = 100',
                                             '\n[service.hours]\ndays = "sat"\ntimes = ["9:00-8:00"]'),
         "service[2].hours.times[1]", "ends before it starts", "9:00-8:00"),
    # the site
    Case("bad-timezone", add_after('name = "Trung tâm thử nghiệm"', 'timezone = "Mars/Olympus"'),
         "site.timezone", "unknown time zone 'Mars/Olympus'", "Mars/Olympus"),
    Case("timezone-path", add_after('name = "Trung tâm thử nghiệm"', 'timezone = "../../etc"'),
         "site.timezone", "unknown time zone", "timezone"),
    Case("public-url-ftp", change('"http://127.0.0.1:8765"', '"ftp://127.0.0.1"'),
         "site.public_url", "must be an http:// or https:// address", "public_url"),
    Case("public-url-bad-port", change('"http://127.0.0.1:8765"', '"http://127.0.0.1:99999"'),
         "site.public_url", "must be an http:// or https:// address", "public_url"),
    Case("bad-site-id", change('id = "test-site"', 'id = "Test Site"'), "site.id",
         "lower-case letters", "Test Site"),
    Case("bad-language", add_after("[site]", 'language = "fr"'), "site.language",
         "must be one of vi, en, not 'fr'", "language"),
    Case("bad-synchronous", add_after("[site]", 'synchronous = "OFF"'), "site.synchronous",
         "must be one of FULL, NORMAL", "synchronous"),
    Case("retention-zero", add_after("[site]", "retention_days = 0"), "site.retention_days",
         "must be from 1 to 36500, not 0", "retention_days"),
    # services
    Case("prefix-lower", change('prefix = "B"', 'prefix = "b"'), "service[2].prefix",
         "1 or 2 upper-case ASCII letters", 'prefix = "b"'),
    Case("prefix-three", change('prefix = "B"', 'prefix = "ABC"'), "service[2].prefix",
         "1 or 2 upper-case ASCII letters", "ABC"),
    Case("prefix-vietnamese", change('prefix = "B"', 'prefix = "Đ"'), "service[2].prefix",
         "1 or 2 upper-case ASCII letters", "Đ"),
    Case("prefix-digit", change('prefix = "B"', 'prefix = "B1"'), "service[2].prefix",
         "1 or 2 upper-case ASCII letters", "B1"),
    Case("width-0", add_after("daily_cap = 100", "number_width = 0"), "service[2].number_width",
         "must be from 1 to 6, not 0", "number_width"),
    Case("width-7", add_after("daily_cap = 100", "number_width = 7"), "service[2].number_width",
         "must be from 1 to 6, not 7", "number_width"),
    Case("cap-0", change("daily_cap = 100", "daily_cap = 0"), "service[2].daily_cap",
         "must be from 1 to 1000, not 0", "daily_cap"),
    Case("cap-too-wide", add_after("daily_cap = 100", "number_width = 2"), "service[2].daily_cap",
         "100 numbers from 1 do not fit in 2 digits", "daily_cap"),
    Case("service-code-lower", change('code = "DD"', 'code = "dd"'), "service[2].code",
         "upper-case ASCII letters", 'code = "dd"'),
    Case("empty-name", change('name_vi = "Đất đai"', 'name_vi = "  "'), "service[2].name_vi",
         "must not be empty", 'name_vi = "  "'),
    # policy, priorities, ratings
    Case("negative-minutes", add_after("[policy]", "checkin_early_minutes = -5"),
         "policy.checkin_early_minutes", "must be from 0 to 1440, not -5", "checkin_early"),
    Case("huge-minutes", add_after("[policy]", "rating_window_minutes = 99999999999999999"),
         "policy.rating_window_minutes", "must be from 1 to 1440", "rating_window"),
    Case("service-minutes-too-many", add_after("[policy]", "default_service_minutes = 5000"),
         "policy.default_service_minutes", "must be at most 1440, not 5000", "default_service"),
    Case("services-not-tables", lambda t: "service = 5\n" + t.replace("[[service]]", "[[x]]"),
         "service",
         "must be an array of tables ([[service]]), not a whole number", "service = 5"),
    Case("service-not-a-table", lambda t: "service = [1]\n" + t.replace("[[service]]", "[[x]]"),
         "service[1]", "must be a table, not a whole number", "service = [1]"),
    Case("service-minutes-inf", add_after("[policy]", "default_service_minutes = inf"),
         "policy.default_service_minutes", "greater than 0", "default_service_minutes"),
    Case("duplicate-priority", append('[[priority]]\ncode = "elderly"\nname_vi = "A"\nname_en = "A"'
                                      '\n\n[[priority]]\ncode = "elderly"\nname_vi = "B"\n'
                                      'name_en = "B"'),
         "priority[2].code", "duplicate priority code 'elderly'", 'code = "elderly"', 2),
    Case("one-rating-level", append('[[rating]]\nscore = 1\nname_vi = "Tệ"\nname_en = "Bad"'),
         "rating", "at least 2 levels", "[[rating]]"),
    Case("duplicate-rating", append('[[rating]]\nscore = 2\nname_vi = "A"\nname_en = "A"\n\n'
                                    '[[rating]]\nscore = 2\nname_vi = "B"\nname_en = "B"'),
         "rating[2].score", "duplicate rating score 2", "score = 2", 2),
    Case("duplicate-pause-reason", append('[[pause_reason]]\ncode = "lunch"\nname_vi = "Nghỉ trưa"\n'
                                          'name_en = "Lunch"\n\n[[pause_reason]]\ncode = "lunch"\n'
                                          'name_vi = "Ăn trưa"\nname_en = "Lunch"'),
         "pause_reason[2].code", "duplicate pause reason code 'lunch'", 'code = "lunch"', 2),
    Case("bad-pause-reason-code", append('[[pause_reason]]\ncode = "Nghỉ"\nname_vi = "Nghỉ"\nname_en = "Off"'),
         "pause_reason[1].code", "lower-case letters, digits and '_'", 'code = "Nghỉ"'),
    Case("pause-reason-without-name", append('[[pause_reason]]\ncode = "lunch"\nname_en = "Lunch"'),
         "pause_reason[1].name_vi", "missing (required)", "[[pause_reason]]"),
    # officers
    Case("bad-pin-hash", change('pin_hash = "scrypt', 'pin_hash = "1234" # "scrypt'),
         "officer[1].pin_hash", "not a PIN hash", "pin_hash"),
    Case("weak-pin-hash", change("scrypt$16384$", "scrypt$1000$"), "officer[1].pin_hash",
         "power of 2", "pin_hash"),
    Case("officer-counter-zero", change("counters = [1]", "counters = [0]"),
         "officer[1].counters[1]", "must be from 1 to 9999, not 0", "counters = [0]"),
    Case("officer-unknown-counter", change("counters = [1]", "counters = [1, 42]"),
         "officer[1].counters[2]", "no [[counter]] has the number 42", "counters = [1, 42]"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_problem_names_the_line_and_key_path(case: Case) -> None:
    text = case.edit(BASE)
    line = line_of(text, case.at, case.nth)
    expected = f"<config>:{line}: {case.key}: "
    matching = [m for m in message_lines(text) if m.startswith(expected)]
    assert matching, f"no line starts with {expected!r} in:\n{error_of(text)}"
    assert any(case.fragment in m for m in matching), "\n".join(matching)


def test_the_base_file_is_valid() -> None:
    assert parse().site.site_id == "test-site"


def test_a_missing_key_is_also_reported_next_to_a_typo() -> None:
    text = swap(BASE, 'prefix = "B"', 'prefx = "B"')
    service = line_of(text, "[[service]]", 2)
    assert f"<config>:{service}: service[2].prefix: missing (required)" in message_lines(text)


def test_every_problem_is_reported_together_sorted_by_line() -> None:
    text = BASE
    for old, new in [
        ('prefix = "B"', 'prefix = "b"'),
        ("TP = 2.0", "XY = 2.0"),
        ('role = "kiosk"', 'role = "kisok"'),
        ('"13:30-17:00"', '"13:30-25:00"'),
        ('"test-pad-1-token-x"', '"short"'),
    ]:
        text = swap(text, old, new)
    error = error_of(text)
    lines = str(error).split("\n")
    assert lines[0].startswith("<config>: invalid configuration (")
    keys = [p.key for p in error.problems]
    for key in (
        "hours.times[2]",
        "service[2].prefix",
        "counter[1].services.XY",
        "device[1].role",
        "device[3].token",
    ):
        assert key in keys
    numbers = [p.line for p in error.problems if p.line is not None]
    assert numbers == sorted(numbers)
    assert len(lines) == len(error.problems) + 1


def test_a_token_is_never_shown_in_a_message() -> None:
    text = swap(BASE, '"test-pad-1-token-x"', '"test-counter-1-token"')
    assert "test-counter-1-token" not in str(error_of(text))


def test_a_central_password_is_never_shown_in_a_message() -> None:
    assert "s3cret" not in str(error_of(BASE + '[central]\ndsn = "host=x password=s3cret port"\n'))


def test_the_file_name_starts_every_line() -> None:
    text = swap(BASE, 'prefix = "B"', 'prefix = "b"')
    with pytest.raises(ConfigError) as info:
        parse_config(text, "sites/an-binh.toml")
    for line in str(info.value).split("\n"):
        assert line.startswith("sites/an-binh.toml:")


def test_a_missing_site_table_is_reported() -> None:
    text = BASE.replace("[site]", "[sites]")
    lines = message_lines(text)
    assert "<config>: site: missing (required): add a [site] table" in lines
    assert "<config>:1: sites: unknown key 'sites' (did you mean 'site'?)" in lines


def test_a_file_with_no_service_or_counter_is_reported() -> None:
    lines = message_lines('[site]\nid = "x"\nname = "X"\n')
    assert "<config>: service: missing (required): at least one [[service]] table" in lines
    assert "<config>: counter: missing (required): at least one [[counter]] table" in lines


def test_a_single_table_where_an_array_of_tables_belongs() -> None:
    text = BASE.split("[[service]]")[0] + '[service]\ncode = "HT"\n'
    lines = message_lines(text)
    assert any(
        m.startswith(f"<config>:{line_of(text, '[service]')}: service: must be an array of tables")
        for m in lines
    )


def test_a_toml_syntax_error_has_line_and_column() -> None:
    text = swap(BASE, "daily_cap = 100", "daily_cap = ")
    error = error_of(text)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.line == line_of(text, "daily_cap")
    assert problem.column is not None
    assert str(error).endswith(f"<config>:{problem.line}:{problem.column}: TOML syntax error: Invalid value")


def test_a_syntax_error_at_the_end_names_the_last_line() -> None:
    error = error_of('[site]\nname = "unterminated')
    assert error.problems[0].line == 2
    assert "Unterminated string" in str(error)


def test_a_key_given_twice_is_a_syntax_error_with_its_line() -> None:
    text = swap(BASE, "daily_cap = 100", "daily_cap = 100\ndaily_cap = 200")
    assert error_of(text).problems[0].line == line_of(text, "daily_cap = 200")
