"""axe-core (Deque's accessibility checker, from the npm registry) run in a page by Selenium.

``make setup`` fetches the pinned release once (``python -m tests.support.axe``): the tarball
from the npm registry, checked against the registry's ``dist.integrity`` (sha512) written here,
its ``axe.min.js`` kept in ``.cache/axe-core/`` (git-ignored). No Node.js is needed: the script
runs in Chromium. :func:`check` injects it into the page open in a driver (``execute_script``
goes through the DevTools protocol, so the pages' strict Content-Security-Policy does not stop
it), runs ``axe.run`` with the WCAG 2.x A/AA rules and raises :class:`AxeViolations` on any
``serious`` or ``critical`` violation, each named by rule, impact, element and what to fix.

A new page is one more line in a test's table of pages (tests/web/test_axe.py and its
province/national neighbours), nothing else.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# the registry's dist.integrity for that version (https://registry.npmjs.org/axe-core/4.14.1)
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE = ROOT / ".cache" / "axe-core"
SCRIPT = CACHE / f"axe-{VERSION}.min.js"

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


class AxeMissing(RuntimeError):
    pass


class IntegrityError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    target: str
    help: str
    summary: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) at {self.target}: {self.help}. {self.summary}"


class AxeViolations(AssertionError):
    def __init__(self, where: str, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"axe-core {VERSION}: {len(violations)} serious/critical on {where}:\n{lines}")


def fetch(quiet: bool = False) -> Path:
    """The pinned axe.min.js, downloaded once and checked against :data:`INTEGRITY`."""
    if SCRIPT.exists():
        return SCRIPT
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    algorithm, _, expected = INTEGRITY.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if got != expected:
        raise IntegrityError(f"{TARBALL}: {algorithm} {got} is not the pinned {expected}; nothing kept")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise IntegrityError(f"{TARBALL} has no package/axe.min.js")
        script = member.read()
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = SCRIPT.with_suffix(".tmp")
    partial.write_bytes(script)
    partial.replace(SCRIPT)
    if not quiet:
        print(f"axe-core {VERSION}: {SCRIPT.relative_to(ROOT)} ({len(script):,} bytes, {algorithm} checked)")
    return SCRIPT


def script() -> str:
    if not SCRIPT.exists():
        raise AxeMissing(f"axe-core {VERSION} is not in {CACHE}: run `make setup` (or python -m tests.support.axe)")
    return SCRIPT.read_text(encoding="utf-8")


_RUN = """
const done = arguments[arguments.length - 1];
// one-character text ("0" in a table cell) is checked for contrast too: axe leaves it
// "incomplete" by default (it cannot tell a digit from an icon), so a grey zero passed unseen
const SHORT_TEXT = { "color-contrast": { options: { ignoreLength: true } } };
axe.run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations"], checks: SHORT_TEXT })
  .then((result) => done(result.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), impact: n.impact, summary: n.failureSummary || "" })),
  }))))
  .catch((error) => done({ error: String(error) }));
"""


def violations(driver: Any) -> list[Violation]:
    """Every serious or critical violation on the page open in ``driver``, one per element."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(script())
    driver.set_script_timeout(60)
    found = driver.execute_async_script(_RUN, TAGS)
    if isinstance(found, dict):
        raise RuntimeError(f"axe.run failed: {found['error']}")
    return [
        Violation(v["rule"], node["impact"] or v["impact"], node["target"], v["help"], " ".join(node["summary"].split()))
        for v in found
        for node in v["nodes"]
        if (node["impact"] or v["impact"]) in BLOCKING
    ]


_UNMARKED_ENGLISH = """
return [...document.querySelectorAll(".en:not([lang='en'])")].map((n) =>
  n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") + " " + JSON.stringify(n.textContent.trim().slice(0, 40)));
"""


def unmarked_english(driver: Any) -> list[Violation]:
    """The English beside the Vietnamese (class ``en``) not marked ``lang="en"`` (the project's
    own rule: axe cannot know which words are English)."""
    return [
        Violation("lang-en", "serious", target, 'English text says it is English: lang="en"', "")
        for target in driver.execute_script(_UNMARKED_ENGLISH)
    ]


def check(driver: Any, where: str) -> None:
    """Raise :class:`AxeViolations` (what to fix, element by element) if the page has any."""
    found = violations(driver) + unmarked_english(driver)
    if found:
        raise AxeViolations(where, found)


OVERFLOWS = """
const width = document.documentElement.clientWidth;
const out = [];
if (document.documentElement.scrollWidth > width + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
for (const node of document.querySelectorAll("body *")) {
  const box = node.getBoundingClientRect();
  if (!box.width || getComputedStyle(node).visibility === "hidden") continue;
  const style = getComputedStyle(node);
  const clips = !["visible", "clip"].includes(style.overflowX) || node.tagName === "INPUT";
  const name = node.tagName.toLowerCase() + (node.id ? "#" + node.id : "") + (node.className && typeof node.className === "string" ? "." + node.className.trim().split(/\\s+/).join(".") : "");
  if (box.right > width + 1 || box.left < -1) out.push(`${name} runs past the window (${Math.round(box.left)}…${Math.round(box.right)} of ${width} px)`);
  else if (!clips && node.scrollWidth > node.clientWidth + 1 && node.clientWidth > 0 && style.display !== "inline") out.push(`${name}'s content is ${node.scrollWidth} px in a ${node.clientWidth} px box`);
}
return out;
"""


def overflows(driver: Any) -> list[str]:
    """Elements of the open page that run out of the window or out of their box sideways."""
    return list(driver.execute_script(OVERFLOWS))


DESKTOP = (1280, 900)


def viewport(driver: Any, width: int, height: int, scale: float = 1, mobile: bool = False) -> None:
    """Lay the page out in ``width`` × ``height`` CSS pixels (``scale`` device pixels each)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
    )


STAFF_MODES = {
    "normal": lambda driver: viewport(driver, *DESKTOP),
    # what a browser zoomed to 200 % lays out: half the CSS pixels, each two device pixels
    "zoom 200%": lambda driver: viewport(driver, DESKTOP[0] // 2, DESKTOP[1] // 2, scale=2),
}


def check_staff_pages(driver: Any, pages: dict[str, Callable[[], None]]) -> None:
    """Each staff page (name → a function that opens it and waits until it is drawn) at a
    desktop's size and at 200 % zoom; one failure listing every page's violations."""
    failed = []
    for name, open_page in pages.items():
        for mode, apply in STAFF_MODES.items():
            apply(driver)
            open_page()
            try:
                check(driver, f"{name} ({mode})")
            except AxeViolations as error:
                failed.append(str(error))
    assert not failed, "\n".join(failed)


if __name__ == "__main__":
    try:
        fetch()
    except (OSError, IntegrityError) as error:
        sys.exit(f"axe-core {VERSION}: {error}")
