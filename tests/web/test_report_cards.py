"""The report's cards say the waits as the table does (12,3 phút), not rounded to whole minutes."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.support.select import Select

from tests.integration.history import demo_plan, make_history
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser
from tests.web.pages import click, enter_token, text_of, wait


def vi(value: float) -> str:
    """As the page writes a figure: one decimal at most, a decimal comma."""
    return f"{round(value, 1):g}".replace(".", ",")


def test_the_report_cards_keep_the_decimals_of_the_waits(tmp_path: Path, listeners: list[Listener], browsers: list) -> None:
    history = make_history(tmp_path / "lobby.db", days=35, seed=5, plan=demo_plan())
    day = next(leg.day for leg in history.legs if leg.day.month == 10)
    server = Server(tmp_path)
    try:
        manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
        listeners.append(manager)
        total = manager.request("report.get", period="month", date=day.isoformat())["report"]["total"]
        figures = [total["average_wait_minutes"], total["p90_wait_minutes"], total["average_service_minutes"]]
        assert round(figures[0], 1) != round(figures[0]), "a wait with decimals, to tell the two apart"
        driver = new_browser()
        browsers.append(driver)
        driver.get(f"{server.url}/dashboard")
        enter_token(driver, "manager")
        click(driver, "#tab-reports")
        Select(wait(driver, "#report-period")).select_by_value("month")
        driver.execute_script("document.querySelector('#report-date').value = arguments[0]", day.isoformat())
        click(driver, "#report-show")
        wait(driver, "#report-issued", str(total["issued"]))
        for css, figure in zip(("#report-wait", "#report-p90", "#report-service"), figures, strict=True):
            assert text_of(driver, css) == f"{vi(figure)} phút", css
    finally:
        server.stop()
