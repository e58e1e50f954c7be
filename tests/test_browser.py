"""The review page as a person uses it: `kehoach serve` on 127.0.0.1, a real headless
Chromium (Selenium + chromium-driver from Debian), filter by rule, accept a flag with
a comment, reload, see it; a screenshot is saved.

Skips when chromium / chromedriver / selenium are not installed (`.ci/install-browser.sh`
installs the Debian packages).  Set KEHOACH_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/lib/chromium/chromedriver"
                                                if os.path.exists("/usr/lib/chromium/chromedriver") else None)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (.ci/install-browser.sh)"),
    pytest.mark.skipif(not CHROMEDRIVER, reason="chromium-driver is not installed (.ci/install-browser.sh)"),
]

selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[serve]')")
pytest.importorskip("datasette")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from test_serve import build_sample_db  # noqa: E402

RULE = "target_below_parent"
COMMENT = "Huyện đặt chỉ tiêu thấp hơn tỉnh — cần sửa"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kehoach_command() -> list[str]:
    script = Path(sys.executable).parent / "kehoach"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from extractor.cli import app; app()"]


@pytest.fixture
def server(tmp_path):
    db = build_sample_db(tmp_path)
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen(
        kehoach_command() + ["serve", "--db", str(db), "--port", str(port), "--host", "127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"kehoach serve exited with {proc.returncode}: {log.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("kehoach serve did not start listening within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def browser(tmp_path):
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1400,1600", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def save_screenshot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    # capture the whole page height
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(900, height), 6000))
    driver.save_screenshot(str(path))
    keep = os.environ.get("KEHOACH_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


def _state_badges(article) -> str:
    return " ".join(b.text for b in article.find_elements(By.CSS_SELECTOR, ".badge.state"))


def test_review_in_a_real_browser(server, browser, tmp_path):
    wait = WebDriverWait(browser, 30)
    browser.get(server + "/-/review")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.flag")))
    assert "Review flags" in browser.title
    articles = browser.find_elements(By.CSS_SELECTOR, "article.flag")
    all_rules = {a.get_attribute("data-rule") for a in articles}
    assert RULE in all_rules and len(all_rules) > 1
    # errors first, then warnings, then info
    order = {"error": 0, "warning": 1, "info": 2}
    severities = [order[a.get_attribute("data-severity")] for a in articles]
    assert severities[0] == 0 and severities == sorted(severities)
    # counts per plan and per rule at the top
    assert browser.find_element(By.CSS_SELECTOR, "#counts table.counts-plans tbody tr")
    assert RULE in browser.find_element(By.CSS_SELECTOR, "#counts table.counts-rules").text
    # a chart of the plan beside its parent, drawn as inline SVG
    chart = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "figure.chart svg")))
    assert chart.size["width"] > 100 and chart.size["height"] > 50

    # the <script> inside a quoted sentence is shown as text and never ran
    assert browser.execute_script("return typeof window.kehoachPwned") == "undefined"
    assert "<script>window.kehoachPwned=1</script>" in browser.find_element(By.TAG_NAME, "body").text

    # filter by rule
    Select(browser.find_element(By.ID, "filter-rule")).select_by_value(RULE)
    browser.find_element(By.ID, "filter-submit").click()
    wait.until(EC.url_contains(f"rule={RULE}"))
    flags = browser.find_elements(By.CSS_SELECTOR, "article.flag")
    assert flags and {f.get_attribute("data-rule") for f in flags} == {RULE}
    flag = flags[0]
    fid = flag.get_attribute("data-flag-id")
    assert "Open" in _state_badges(flag)
    # both passages, side by side, with the figures highlighted
    child = flag.find_element(By.CSS_SELECTOR, ".side.child .passage")
    parent = flag.find_element(By.CSS_SELECTOR, ".side.parent .passage")
    assert child.find_elements(By.CSS_SELECTOR, "mark.quote b.fig")
    assert parent.find_elements(By.CSS_SELECTOR, "mark.quote b.fig")
    assert child.location["x"] < parent.location["x"]  # beside, not below

    # the reviewer's name is required: without it nothing is sent
    who = flag.find_element(By.CSS_SELECTOR, "form.decide input[name=who]")
    who.clear()
    browser.execute_script("window.localStorage.removeItem('kehoach_who')")
    flag.find_element(By.CSS_SELECTOR, "form.decide button.accept").click()
    time.sleep(0.5)
    assert "#flag-" not in browser.current_url
    assert browser.execute_script("return arguments[0].validity.valueMissing", who)
    assert not flag.find_elements(By.CSS_SELECTOR, ".history")

    # accept it with a comment
    who.send_keys("Trần Thị B")
    flag.find_element(By.CSS_SELECTOR, "form.decide textarea[name=comment]").send_keys(COMMENT)
    flag.find_element(By.CSS_SELECTOR, "form.decide button.accept").click()
    wait.until(EC.url_contains(f"#flag-{fid}"))
    assert f"rule={RULE}" in browser.current_url  # back on the same filtered view

    # reload: the decision is there, and the finding's state follows it
    browser.refresh()
    article = wait.until(EC.presence_of_element_located((By.ID, f"flag-{fid}")))
    assert COMMENT in article.find_element(By.CSS_SELECTOR, ".review-comment").text
    assert "Trần Thị B" in article.find_element(By.CSS_SELECTOR, ".history").text
    state = _state_badges(article)
    assert "Accepted" in state and "Open" not in state
    assert "state-accept" in article.get_attribute("class")
    # the reviewer's name is remembered for the next decision, not concatenated
    for name in browser.find_elements(By.CSS_SELECTOR, "input[name=who]"):
        assert name.get_attribute("value") == "Trần Thị B"

    # keyboard: j moves to the next finding, d dismisses it
    browser.get(server + "/-/review?status=open")
    first = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.flag")))
    ActionChains(browser).send_keys("j").perform()
    focused = browser.switch_to.active_element
    assert focused.get_attribute("data-flag-id") == first.get_attribute("data-flag-id")
    ActionChains(browser).send_keys("j").perform()
    second_id = browser.switch_to.active_element.get_attribute("data-flag-id")
    assert second_id and second_id != first.get_attribute("data-flag-id")
    ActionChains(browser).send_keys("d").perform()
    wait.until(EC.url_contains(f"#flag-{second_id}"))
    article = wait.until(EC.presence_of_element_located((By.ID, f"flag-{second_id}")))
    assert "Dismissed" in _state_badges(article)

    shot = save_screenshot(browser, tmp_path, "review.png")
    assert shot.stat().st_size > 10_000

    # and the search page finds nước sạch without diacritics, the record's figure in bold
    browser.get(server + "/-/search?q=nuoc+sach")
    hits = wait.until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "tr.hit")))
    assert hits and "nước sạch" in hits[0].text.lower()
    assert hits[0].find_elements(By.CSS_SELECTOR, "b.fig.focus")
    assert hits[0].find_element(By.CSS_SELECTOR, "td.match").text.strip()
    save_screenshot(browser, tmp_path, "search.png")


def test_report_offline_with_a_chart(browser, tmp_path):
    """The report opened from disk: no request leaves the file, and its charts are drawn."""
    from extractor.report import build_report

    db = build_sample_db(tmp_path / "data")
    out = build_report(db, tmp_path / "report.html")
    browser.get(out.resolve().as_uri())
    chart = WebDriverWait(browser, 30).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "figure.chart svg")))
    assert chart.size["width"] > 100 and chart.size["height"] > 50
    assert chart.find_elements(By.CSS_SELECTOR, "path, rect")
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []
    assert "Mẫu Sơn" in browser.find_element(By.TAG_NAME, "body").text
    save_screenshot(browser, tmp_path, "report.png")
