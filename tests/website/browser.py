"""Headless Chromium through Selenium, from Debian's packages (no driver or
browser is downloaded): where they are missing the browser tests skip with a
message, except under CI (CI=true), where they fail. So does axe-core, which
`.ci/run` installs from the npm registry into .cache/axe (never committed)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.14.1"  # the version .ci/run installs
AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """Skip on a developer's machine, fail under CI."""
    message = f"{what} (CI installs it: bash .ci/run)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def chromium_paths() -> tuple[str, str]:
    chromium = os.environ.get("SSL_BIB_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    driver = os.environ.get("SSL_BIB_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver:
        missing("chromium and chromedriver are not installed (apt install chromium "
                "chromium-driver)")
    assert chromium and driver
    return chromium, driver


def axe_source() -> str:
    path = Path(os.environ.get("SSL_BIB_AXE_JS") or AXE)
    if not path.is_file():
        missing(f"axe-core is not installed at {path} (npm install --no-save --prefix "
                f".cache/axe axe-core@{AXE_VERSION})")
    return path.read_text(encoding="utf-8")


@contextmanager
def chromium(*, javascript: bool = True, width: int = 1280, height: int = 900,
             downloads: Path | None = None) -> Iterator[Any]:
    """A fresh headless Chromium (own profile folder) that can reach no host:
    every name resolves to nothing (127.0.0.1 aside, for the tests' own server),
    so a request elsewhere fails loudly."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install -e '.[test]')")
    binary, driver_path = chromium_paths()
    profile = tempfile.mkdtemp(prefix="ssl-bib-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-extensions",
                 "--disable-default-apps",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    # "performance" carries the DevTools network events: every request, any scheme.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        if width < 500:
            # A desktop window is at least 500 px wide: emulate a phone's screen.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
        if downloads is not None:
            driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                   {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")]


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (DevTools' network log,
    which sees file:// requests that Resource Timing leaves out)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@contextmanager
def http_server(root: Path) -> Iterator[str]:
    """`root` served on 127.0.0.1 (an ephemeral port) in a thread; its URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass


def wait_for(driver: Any, script: str, timeout: float = 10.0) -> Any:
    """Poll a JavaScript expression until it is truthy; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(
        lambda d: d.execute_script(f"return {script}"))
