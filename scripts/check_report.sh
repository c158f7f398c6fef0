#!/usr/bin/env bash
# Check county reports in a real browser (headless Chromium; bash + python3
# stdlib only). For each report.html:
#   1. render it and dump the DOM with Chromium's console on stderr; fail on
#      any console message (the report has no script, so any is a fault: an
#      uncaught error, a failed load) or a missing section id
#      (scripts/check_report.py);
#   2. save a PNG screenshot (1400 px wide: the county at a glance and the
#      map) and an A4 PDF as report.png and report.pdf beside the report, or
#      under --out DIR/<county>/.
#
# usage: scripts/check_report.sh [--out DIR] [--no-capture] [REPORT.html ...]
#        (default: every results/*/report.html)
# Exit status: 0 all good, 1 a check failed, 2 no Chromium or bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."

# The ids of the report's sections (src/report/html/mod.rs SECTION_IDS; a test keeps them equal).
SECTIONS="glance map pyramid fan towns projects compliance unmet stability backtest assumptions reproducibility"
SCREEN_HEIGHT=1600

out=""
capture=1
reports=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --no-capture) capture=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) reports+=("$1"); shift ;;
  esac
done
if [ ${#reports[@]} -eq 0 ]; then
  shopt -s nullglob
  reports=(results/*/report.html)
fi
if [ ${#reports[@]} -eq 0 ]; then
  echo "no report.html to check (run: civplan report results/<county>)" >&2
  exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found (Debian: apt-get install chromium fonts-noto-cjk)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Without the background-networking flags Chromium tries to reach its
# services, which a closed network refuses; every run gets a new empty profile.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --hide-scrollbars)
chrome() { timeout 120 "$browser" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" "$@"; }

status=0
for report in "${reports[@]}"; do
  if [ ! -f "$report" ]; then
    echo "$report: no such file"; status=1; continue
  fi
  county=$(basename "$(dirname "$(realpath "$report")")")
  url="file://$(realpath "$report")"
  if ! chrome --enable-logging=stderr --v=0 --dump-dom "$url" >"$work/dom.html" 2>"$work/log.txt"; then
    echo "$report: chromium failed:"; tail -5 "$work/log.txt"; status=1; continue
  fi
  if ! python3 scripts/check_report.py "$report" "$work/dom.html" "$work/log.txt" $SECTIONS; then
    status=1; continue
  fi
  if [ "$capture" = 1 ]; then
    dest="${out:+$out/$county}"
    dest="${dest:-$(dirname "$report")}"
    mkdir -p "$dest"
    chrome --window-size=1400,$SCREEN_HEIGHT --screenshot="$dest/report.png" "$url" >/dev/null 2>"$work/shot.txt" \
      || { echo "$report: screenshot failed"; status=1; }
    chrome --no-pdf-header-footer --print-to-pdf="$dest/report.pdf" "$url" >/dev/null 2>"$work/pdf.txt" \
      || { echo "$report: PDF failed"; status=1; }
    for f in report.png report.pdf; do
      [ -s "$dest/$f" ] || { echo "$report: $dest/$f was not written"; status=1; }
    done
  fi
  [ $status = 0 ] && echo "ok $report"
done
exit $status
