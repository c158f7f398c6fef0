#!/usr/bin/env bash
# Regenerate every bundled county's committed results: the simulation, the
# 2010 → 2020 back-test, and the phased plan with its report (report.html,
# sites.geojson, plan.xlsx), then screenshot each report in Chromium when
# it is installed. A plan that misses a norm exits 3 and is still written.
#
# usage: scripts/regenerate_results.sh [county ...]   (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/civplan
counties=("$@")
[ ${#counties[@]} -eq 0 ] && counties=(tongnan tongliang dianjiang anyue yubei)
for c in "${counties[@]}"; do
  echo "== $c"
  "$bin" simulate "scenarios/$c" --quiet
  "$bin" backtest "scenarios/$c" --quiet
  rc=0
  "$bin" plan "scenarios/$c" --report --quiet || rc=$?
  case $rc in 0|3) ;; *) echo "plan $c: exit $rc" >&2; exit "$rc" ;; esac
done
if command -v chromium >/dev/null 2>&1; then
  reports=()
  for c in "${counties[@]}"; do reports+=("results/$c/report.html"); done
  scripts/check_report.sh "${reports[@]}"
fi
