"""Helpers for the web tests: an `ivfp-bt` command serving the page in a child process, and
headless Chromium (Debian's chromium + chromedriver) driven through Selenium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("IVFP_BT_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000")


class Served:
    """``ivfp-bt ARGS`` in a child process; ``url`` is the address it printed."""

    def __init__(self, *args: str, cwd: Path = ROOT, timeout_s: float = 90.0):
        env = {**os.environ, "MUJOCO_GL": "egl", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "ivfp_bt", *args], cwd=cwd, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        found = threading.Event()

        def read() -> None:
            for line in self.process.stdout:
                self.lines.append(line)
                if re.search(r"http://\S+", line):
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        found.wait(timeout_s)
        match = next((re.search(r"http://\S+", line) for line in self.lines if "http://" in line), None)
        if match is None:
            self.stop()
            raise AssertionError("the server printed no address:\n" + "".join(self.lines))
        self.url = match.group(0)

    def stop(self, timeout_s: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    @property
    def output(self) -> str:
        return "".join(self.lines)


def chromium():
    """A headless Chromium session, or skip where the machine has no Chromium (CI installs it)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.skip("needs Debian's chromium and chromium-driver (.ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={ARTIFACTS / 'chromium-profile' / str(os.getpid())}")
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver))


def screenshot(browser, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path
