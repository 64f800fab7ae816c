#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust: Debian's Chromium, for the test that
# opens report.html in a real headless browser (tests/html_browser.rs). Idempotent;
# needs root (or sudo) and Debian's package registry.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
