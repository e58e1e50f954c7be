#!/usr/bin/env bash
# Install headless Chromium and its WebDriver from Debian for tests/test_browser.py.
# Called by .ci/run; safe to run again (apt-get skips what is installed).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "install-browser: chromium $(chromium --version 2>/dev/null | awk '{print $2}') and chromedriver already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; tests/test_browser.py will be skipped" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core fonts-liberation >/dev/null
echo "install-browser: $(chromium --version 2>/dev/null) / $(chromedriver --version 2>/dev/null | head -1)"
