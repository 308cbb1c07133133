"""The web pages in Debian's chromium through Selenium and Debian's chromedriver (as the web
pages' tests run them: no browser download), and the moment a page shows something.

A page's ``performance.now()`` is not ``time.perf_counter()``: it counts from the page's own
origin. :func:`page_clock` finds the offset between the two from a few round trips
(``perf_counter = performance.now() / 1000 + offset``, to within half the shortest round trip).
:data:`PROBE` watches the page: once armed with a CSS selector, the first time an element
matching it has text it notes ``performance.now()`` (``dom``), and again once the next frame
after that change has been drawn (``painted``: a ``requestAnimationFrame`` callback runs just
before the frame is drawn, a ``setTimeout`` from it just after); and the first key pressed
(the ``keydown`` event's own time stamp).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.apps.processes import AppFailed

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
).split()

PROBE = """
if (!window.__bench) {
  const bench = window.__bench = { css: null, seen: null, key: null };
  const look = () => {
    if (!bench.css || bench.seen) return;
    const node = document.querySelector(bench.css);
    const text = node && node.textContent.trim();
    if (!text) return;
    const seen = bench.seen = { text, dom: performance.now(), painted: null };
    requestAnimationFrame(() => setTimeout(() => { seen.painted = performance.now(); }, 0));
  };
  bench.look = look;
  new MutationObserver(look).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  document.addEventListener("keydown", (event) => {
    if (bench.css && bench.key === null) bench.key = event.timeStamp;
  }, true);
}
"""
ARM = "window.__bench.css = arguments[0]; window.__bench.seen = null; window.__bench.key = null; window.__bench.look();"
SEEN = """
const bench = window.__bench;
return bench && bench.seen && bench.seen.painted !== null ? [bench.seen, bench.key] : null;
"""


def chromium_options(options: Any, width: int, height: int, name: str) -> tuple[Any, Path]:
    """Debian's headless chromium in Vietnamese, at a window size, with a profile folder of
    its own (returned, to be removed after); the web tests start theirs the same way."""
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}-{os.getpid()}-{time.monotonic_ns()}"
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--lang=vi")
    return options, profile


def chromium(width: int = 1600, height: int = 1000) -> Any:
    """A headless chromium; ``quit_browser`` ends it and removes its profile."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise AppFailed("selenium is needed for the web pages (pip install -e '.[test]')") from None
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        raise AppFailed("Debian's chromium and chromium-driver are needed (make setup installs them)")
    options, profile = chromium_options(webdriver.ChromeOptions(), width, height, "motcua-bench-chromium")
    service = Service(CHROMEDRIVER, log_output=subprocess.DEVNULL)  # and chromium's own chatter (D-Bus)
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(0)
    driver.motcua_profile = profile
    return driver


def quit_browser(driver: Any) -> None:
    try:
        driver.quit()
    except Exception:  # already gone: nothing left to end
        pass
    shutil.rmtree(driver.motcua_profile, ignore_errors=True)


def element(driver: Any, css: str, text: str | None = None, timeout: float = 10.0) -> Any:
    """The first shown element matching ``css`` (holding ``text``, when given)."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while True:
        for found in driver.find_elements(By.CSS_SELECTOR, css):
            try:
                if found.is_displayed() and (text is None or text in found.text):
                    return found
            except Exception:  # stale: the page drew itself again
                continue
        if time.monotonic() > deadline:
            raise AppFailed(f"no {css!r}{f' with {text!r}' if text else ''} on {driver.current_url} in {timeout} s")
        time.sleep(0.02)


def click(driver: Any, css: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = element(driver, css, timeout=max(0.1, deadline - time.monotonic()))
            if found.is_enabled():
                found.click()
                return
        except AppFailed:
            raise
        except Exception:  # stale or covered for a moment: the page drew itself again
            pass
        if time.monotonic() > deadline:
            raise AppFailed(f"could not click {css!r} on {driver.current_url}")
        time.sleep(0.02)


def type_into(driver: Any, css: str, text: str) -> None:
    found = element(driver, css)
    found.clear()
    found.send_keys(text)


def press(driver: Any, key: str) -> None:
    """A keyboard shortcut typed with nothing focused (a real key event through chromedriver)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def blur(driver: Any) -> None:
    driver.execute_script("document.activeElement && document.activeElement.blur()")


def watch(driver: Any, css: str) -> None:
    """Note when ``css`` first has text from now on (and the next key pressed)."""
    driver.execute_script(PROBE)
    driver.execute_script(ARM, css)


def seen(driver: Any, offset: float, timeout: float = 10.0) -> dict[str, Any]:
    """What :func:`watch` saw, its times on ``perf_counter``'s clock (``painted_at``, ``dom_at``,
    ``key_at`` or None) and the text."""
    deadline = time.monotonic() + timeout
    while (found := driver.execute_script(SEEN)) is None:
        if time.monotonic() > deadline:
            raise AppFailed(f"{driver.current_url}: nothing shown within {timeout} s")
        time.sleep(0.01)
    record, key = found
    return {
        "text": record["text"],
        "dom_at": record["dom"] / 1000 + offset,
        "painted_at": record["painted"] / 1000 + offset,
        "key_at": None if key is None else key / 1000 + offset,
    }


def page_clock(driver: Any, tries: int = 7) -> tuple[float, float]:
    """(offset, uncertainty) in seconds: ``perf_counter() ≈ performance.now() / 1000 + offset``,
    from the round trip with the shortest time (the page's reading is in its middle)."""
    best: tuple[float, float] | None = None
    for _ in range(tries):
        before = time.perf_counter()
        now = driver.execute_script("return performance.now()") / 1000
        after = time.perf_counter()
        half = (after - before) / 2
        if best is None or half < best[1]:
            best = (before + half - now, half)
    assert best is not None
    return best
