#!/usr/bin/env bash
# Makes the README's pictures with the project's own command: audits sample-data/,
# screenshots report.html in headless Chromium and copies one chart.
#   scripts/readme-images.sh        → docs/report-html.png, docs/chart-centers-kpis.png
# Chromium renders the page's text with the font shipped in assets/fonts (through a
# private fontconfig file), so the screenshot looks the same on a machine with no CJK
# font installed. Needs Chromium (scripts/install-test-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh >/dev/null
cargo build --release --quiet
out=target/readme-report
./target/release/shouwen audit sample-data --out "$out" --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>$PWD/assets/fonts</dir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>$tmp/cache</cachedir>
</fontconfig>
CONF
mkdir -p docs
FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$tmp/profile" --window-size=1280,1500 \
    --screenshot="$PWD/docs/report-html.png" "file://$PWD/$out/report.html" 2>/dev/null
cp "$out/charts/centers_kpis.png" docs/chart-centers-kpis.png
echo "wrote docs/report-html.png and docs/chart-centers-kpis.png"
