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


def test_review_in_a_real_browser(server, browser, tmp_path):
    wait = WebDriverWait(browser, 30)
    browser.get(server + "/-/review")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.flag")))
    assert "Review flags" in browser.title
    all_rules = {a.get_attribute("data-rule") for a in browser.find_elements(By.CSS_SELECTOR, "article.flag")}
    assert RULE in all_rules and len(all_rules) > 1

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
    # both passages, side by side, with the figures highlighted
    child = flag.find_element(By.CSS_SELECTOR, ".side.child .passage")
    parent = flag.find_element(By.CSS_SELECTOR, ".side.parent .passage")
    assert child.find_elements(By.CSS_SELECTOR, "mark.quote b.fig")
    assert parent.find_elements(By.CSS_SELECTOR, "mark.quote b.fig")
    assert child.location["x"] < parent.location["x"]  # beside, not below

    # accept it with a comment
    who = flag.find_element(By.CSS_SELECTOR, "form.decide input[name=who]")
    who.clear()
    who.send_keys("Trần Thị B")
    flag.find_element(By.CSS_SELECTOR, "form.decide textarea[name=comment]").send_keys(COMMENT)
    flag.find_element(By.CSS_SELECTOR, "form.decide button.accept").click()
    wait.until(EC.url_contains(f"#flag-{fid}"))
    assert f"rule={RULE}" in browser.current_url  # back on the same filtered view

    # reload: the decision is there
    browser.refresh()
    article = wait.until(EC.presence_of_element_located((By.ID, f"flag-{fid}")))
    assert COMMENT in article.find_element(By.CSS_SELECTOR, ".review-comment").text
    assert "Trần Thị B" in article.find_element(By.CSS_SELECTOR, ".history").text
    assert "Accepted" in article.find_element(By.CSS_SELECTOR, ".review-state").text
    # the reviewer's name is remembered for the next decision
    assert article.find_element(By.CSS_SELECTOR, "input[name=who]").get_attribute("value") == "Trần Thị B"

    shot = save_screenshot(browser, tmp_path, "review.png")
    assert shot.stat().st_size > 10_000

    # and the search page finds nước sạch without diacritics
    browser.get(server + "/-/search?q=nuoc+sach")
    hits = wait.until(EC.presence_of_all_elements_located((By.CSS_SELECTOR, "tr.hit")))
    assert hits and "nước sạch" in hits[0].text.lower()
    save_screenshot(browser, tmp_path, "search.png")
