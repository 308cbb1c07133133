"""Helpers to drive the pages in Chromium: waiting for text, signing a counter in."""

from __future__ import annotations

import time
from typing import Any

from selenium.webdriver.common.by import By

from tests.support.demo import DEMO_TOKENS


def wait(driver: Any, css: str, text: str | None = None, timeout: float = 10, visible: bool = True) -> Any:
    """The first element matching ``css`` (holding ``text``, when given)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for element in driver.find_elements(By.CSS_SELECTOR, css):
            try:
                last = element.text
                if (not visible or element.is_displayed()) and (text is None or text in element.text):
                    return element
            except Exception:  # stale: the page re-rendered
                continue
        time.sleep(0.05)
    raise AssertionError(f"no {css!r} with {text!r} after {timeout} s (last text {last!r}); page: {driver.find_element(By.TAG_NAME, 'body').text[:800]!r}")


def wait_gone(driver: Any, css: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not [e for e in driver.find_elements(By.CSS_SELECTOR, css) if _shown(e)]:
            return
        time.sleep(0.05)
    raise AssertionError(f"{css!r} still shown after {timeout} s")


def _shown(element: Any) -> bool:
    try:
        return element.is_displayed()
    except Exception:
        return False


def enter_token(driver: Any, device: str) -> None:
    type_into(driver, "#device-token", DEMO_TOKENS[device])
    click(driver, "#token-save")


def sign_in(driver: Any, user: str, pin: str) -> None:
    type_into(driver, "#user", user, clear=True)
    type_into(driver, "#pin", pin, clear=True)
    click(driver, "#sign-in")


def press(driver: Any, key: str) -> None:
    """A keyboard shortcut, typed with nothing focused (as an officer would after a click)."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("document.activeElement && document.activeElement.blur()")
    ActionChains(driver).send_keys(key).perform()


def click(driver: Any, css: str, text: str | None = None, timeout: float = 10) -> None:
    """Click ``css``, again if the page re-rendered it in between (events refresh the pages)."""
    from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            element = wait(driver, css, text, timeout=max(0.1, deadline - time.monotonic()))
            if element.is_enabled():
                element.click()
                return
        except (StaleElementReferenceException, ElementNotInteractableException):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"could not click {css!r}")
        time.sleep(0.05)


def enabled(driver: Any, css: str) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    for _ in range(50):
        try:
            return wait(driver, css).is_enabled()
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise AssertionError(f"{css!r} keeps changing")


def type_into(driver: Any, css: str, text: str, clear: bool = False, timeout: float = 10) -> None:
    """Type ``text`` into ``css``, again if the page re-rendered it in between."""
    from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            element = wait(driver, css, timeout=max(0.1, deadline - time.monotonic()))
            if clear:
                element.clear()
            element.send_keys(text)
            return
        except (StaleElementReferenceException, ElementNotInteractableException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def text_of(driver: Any, css: str, text: str | None = None, timeout: float = 10) -> str:
    """The text of ``css`` (once it holds ``text``), read again if the page re-rendered it."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            return wait(driver, css, text, timeout=max(0.1, deadline - time.monotonic())).text
        except StaleElementReferenceException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def waiting_labels(driver: Any) -> list[str]:
    """The numbers in the console's waiting list, top to bottom (read in one go: no stale rows)."""
    return driver.execute_script(
        'return [...document.querySelectorAll("#waiting tbody tr td:first-child")].map((td) => td.textContent.trim())'
    )


def wait_value(read: Any, expected: Any, timeout: float = 10) -> None:
    """Wait until ``read()`` returns ``expected`` (the page catches up with an event)."""
    deadline = time.monotonic() + timeout
    while (value := read()) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected!r} after {timeout} s, last {value!r}")
        time.sleep(0.05)
