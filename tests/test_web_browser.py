"""The web page in a real browser (headless Chromium) against the simulated robot: the live
tree renders and its statuses change, a replay scrubs through a logged run, and a teleop
click + width + label produces a logged demonstration. Screenshots go to test-artifacts/."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ivfp_bt.runner import Executive, RunOptions
from ivfp_bt.sidecar.store import RunStore
from ivfp_bt.tree.load import load_tree
from tests.web_session import ROOT, Served, chromium, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_S = 120


@pytest.fixture
def browser():
    session = chromium()
    yield session
    session.quit()


def wait_for(browser, script: str, timeout_s: float = WAIT_S):
    """Poll a JavaScript expression until it is truthy; its value."""
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout_s, poll_frequency=0.1).until(lambda b: b.execute_script("return " + script))


def statuses(browser, svg: str) -> dict[str, str]:
    return browser.execute_script(
        f"return Object.fromEntries([...document.querySelectorAll('#{svg} .node')]"
        ".map(n => [n.dataset.path, n.dataset.status]))")


def test_the_live_tree_renders_and_its_statuses_change(browser, tmp_path):
    served = Served("run", "trees/pick_centroid.yaml", "--serve", "--port", "0", "--picks", "1", "--seed", "1",
                    "--record", str(tmp_path / "run"), "--runs", str(tmp_path))
    try:
        browser.get(served.url)
        wait_for(browser, "document.querySelectorAll('#live-tree .node').length > 10")
        seen: dict[str, set[str]] = {}
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and not {"RUNNING", "SUCCESS"} <= seen.get("pick or give up/pick/Observe",
                                                                                    set()) | seen.get(
                "pick or give up/pick/ExecuteGrasp", set()):
            for path, status in statuses(browser, "live-tree").items():
                seen.setdefault(path, set()).add(status)
            time.sleep(0.1)
        assert "SUCCESS" in seen["pick or give up/pick/Observe"]
        assert "RUNNING" in seen["pick or give up/pick/ExecuteGrasp"]
        wait_for(browser, "document.getElementById('live-head').naturalWidth > 0")
        assert "RGB-D frame" in browser.find_element("id", "blackboard").text
        assert "picks per hour" in browser.find_element("id", "counters").text
        screenshot(browser, "live")
    finally:
        code = served.stop()
    assert code == 130 and "stopped: interrupted" in served.output    # Ctrl-C: stopped safely, summary printed


@pytest.fixture(scope="module")
def logged_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    options = RunOptions(picks=1, seed=1, tick_hz=0, record_dir=str(runs / "centroid"))
    summary = Executive(load_tree(ROOT / "trees/pick_centroid.yaml"), options, write=lambda line: None).run()
    assert summary.picks == 1
    return runs


def test_a_replay_scrubs_through_a_logged_run(browser, logged_run):
    served = Served("serve", "--runs", str(logged_run), "--port", "0")
    try:
        browser.get(served.url)
        wait_for(browser, "document.querySelectorAll('#replay-tree .node').length > 10")
        last = int(browser.find_element("id", "scrub").get_attribute("max"))
        assert last > 10
        at_start = statuses(browser, "replay-tree")
        browser.execute_script("const s = document.getElementById('scrub'); s.value = arguments[0];"
                               "s.dispatchEvent(new Event('input'))", last)
        wait_for(browser, f"document.getElementById('replay-tree').dataset.position == '{last}'")
        at_end = statuses(browser, "replay-tree")
        assert at_start["pick or give up/pick/Observe"] == "SUCCESS"
        assert at_start["pick or give up/pick/ResetArm"] == "INVALID"
        assert at_end["pick or give up/pick/ResetArm"] == "SUCCESS" or at_end["pick or give up"] in ("SUCCESS", "FAILURE")
        assert at_start != at_end
        wait_for(browser, "document.getElementById('replay-head').naturalWidth > 0")
        wait_for(browser, "document.getElementById('attempt-fields').textContent.includes('outcome')")
        assert "tick" in browser.find_element("id", "scrub-where").text
        screenshot(browser, "replay")
    finally:
        served.stop()


def click_pixel(browser, image, u: int, v: int) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    natural = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
    width, height = image.size["width"], image.size["height"]
    ActionChains(browser).move_to_element_with_offset(
        image, u * width / natural[0] - width / 2, v * height / natural[1] - height / 2).click().perform()


def test_a_teleop_click_width_and_label_produce_a_logged_demo(browser, tmp_path):
    run = tmp_path / "teleop"
    served = Served("run", "trees/teleop_demos.yaml", "--teleop", "--port", "0", "--picks", "1", "--seed", "1",
                    "--record", str(run), "--runs", str(tmp_path))
    clicks = []
    try:
        browser.get(served.url)
        wait_for(browser, "document.getElementById('teleop').dataset.request === 'grasp'")
        image = browser.find_element("id", "live-head")
        click_pixel(browser, image, 1, 1)                       # off the target: refused, nothing moves
        browser.find_element("id", "grasp-button").click()
        wait_for(browser, "document.getElementById('teleop-message').classList.contains('refused')")
        assert "not on the target" in browser.find_element("id", "teleop-message").text
        screenshot(browser, "teleop_refused")
        while True:     # a reach can stall: the tree resets the arm and asks for another grasp
            kind = wait_for(browser, "['grasp', 'label'].includes(document.getElementById('teleop').dataset.request)"
                            " && document.getElementById('teleop').dataset.request")
            if kind == "label":
                break
            u, v = map(int, wait_for(browser, "document.getElementById('live-head').dataset.target").split(","))
            click_pixel(browser, image, u, v)
            browser.execute_script("const w = document.getElementById('width'); w.value = 7;"
                                   "w.dispatchEvent(new Event('input'))")
            browser.find_element("id", "grasp-button").click()
            clicks.append((u, v))
            wait_for(browser, "document.getElementById('teleop').dataset.request !== 'grasp'")
        wait_for(browser, "+document.getElementById('live-probe').dataset.frames > 0")
        screenshot(browser, "teleop_label")
        browser.find_element("css selector", "#label-controls button[data-label=success]").click()
        wait_for(browser, "document.getElementById('counters').textContent.includes('1 (1 success)')")
        served.process.wait(WAIT_S)
    finally:
        served.stop()
    with RunStore(run) as store:
        records = [store.record(i) for i in store.ids()]
    assert len(records) == len(clicks)
    demo = records[-1]
    assert demo["label"] == "success" and demo["reward"] == 1.0 and demo["strategy"] == "demonstrator"
    assert (demo["grasp"]["u"], demo["grasp"]["v"]) == clicks[-1] and np.isclose(demo["grasp"]["width"], 0.07)
    assert "probe_duration" in demo and "outcome" in demo    # probed, then extracted as a success is


def test_on_a_robot_a_click_on_the_page_marks_the_item_to_pick(browser, tmp_path, monkeypatch):
    """`run --robot stretch --target click` on the stretch_body double: the page asks, the person
    clicks the item, and the robot picks the item it was shown."""
    pytest.importorskip("pyrealsense2")
    import cv2

    from ivfp_bt.sim import open_sim_robot
    sim = open_sim_robot(0)
    target = sim.head_frame().target_mask      # the double starts in the same pose, in the same bin
    sim.close()
    inside = cv2.distanceTransform(target.astype(np.uint8), cv2.DIST_L2, 5)
    v, u = np.unravel_index(inside.argmax(), target.shape)
    monkeypatch.setenv("IVFP_BT_STRETCH_BODY", "sim")
    served = Served("run", "trees/pick_centroid.yaml", "--robot", "stretch", "--target", "click", "--port", "0",
                    "--picks", "1", "--seed", "0", "--tick-hz", "0", "--runs", str(tmp_path))
    try:
        browser.get(served.url)
        wait_for(browser, "document.getElementById('teleop').dataset.request === 'target'")
        assert browser.find_element("id", "teleop-prompt").text == "Click the item to pick."
        click_pixel(browser, browser.find_element("id", "live-head"), int(u), int(v))
        wait_for(browser, "document.getElementById('teleop-message').textContent.startsWith('target marked')")
        screenshot(browser, "target_click")
        served.process.wait(WAIT_S)
    finally:
        served.stop()
    assert "pick 1/1: the tree succeeded; the simulator says success" in served.output
