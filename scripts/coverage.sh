#!/usr/bin/env bash
# Line coverage of the whole workspace, measured by cargo-tarpaulin while the full test suite
# runs; fails below VOUCH_COVERAGE_MIN percent of lines (default 80). Prints the total and the
# figure of each crate. Test code (tests/ directories, #[cfg(test)] modules) is not counted, as
# tarpaulin does by default; nothing else is excluded.
#
# The LLVM engine instruments with rustc's -C instrument-coverage and tarpaulin reads the
# .profraw files itself, so neither rustup's llvm-tools nor a system LLVM matching rustc is
# needed. Install once with `cargo install cargo-tarpaulin --locked` (from crates.io).
#
# The server tests need PostgreSQL: started here as scripts/test.sh does. The instrumented
# build goes to $CARGO_TARGET_DIR/coverage (default target/coverage), apart from the normal
# build; reports (tarpaulin-report.json, lcov.info) to target/coverage/report.
set -euo pipefail
cd "$(dirname "$0")/.."

min=${VOUCH_COVERAGE_MIN:-80}
target=${CARGO_TARGET_DIR:-target}/coverage
report=$target/report

command -v jq >/dev/null || { echo "coverage.sh: jq is required (apt-get install jq)" >&2; exit 2; }
cargo tarpaulin --version >/dev/null 2>&1 || {
  echo "coverage.sh: cargo-tarpaulin is required: cargo install cargo-tarpaulin --locked" >&2
  exit 2
}

pg_env=$(bash crates/server/scripts/test-postgres.sh)
eval "$pg_env"
export INSTA_UPDATE=${INSTA_UPDATE:-no}

# A failing test fails the gate too (after the report is written): coverage of a broken suite
# means nothing.
set +e
cargo tarpaulin --engine llvm --workspace --target-dir "$target" --skip-clean \
  --timeout 1800 --no-fail-fast --out Json --out Lcov --output-dir "$report"
tests=$?
set -e
[ -f "$report/tarpaulin-report.json" ] || { echo "coverage.sh: tarpaulin wrote no report" >&2; exit 2; }

# Per crate: the path component after `crates/`.
jq -r '
  def pct: if .coverable == 0 then 0 else (.covered * 10000 / .coverable | floor) / 100 end;
  [.files[] | {crate: (.path as $p | ($p | index(["crates"])) as $i
                       | if $i == null then "(other)" else $p[$i + 1] end),
               covered, coverable}]
  | group_by(.crate)
  | map({crate: .[0].crate, covered: (map(.covered) | add), coverable: (map(.coverable) | add)})
  | sort_by(.covered / (if .coverable == 0 then 1 else .coverable end))
  | (["crate", "lines", "covered", "percent"] | @tsv),
    (.[] | [.crate, .coverable, .covered, pct] | @tsv)
' "$report/tarpaulin-report.json" | awk -F'\t' '{ printf "%-12s %8s %8s %8s\n", $1, $2, $3, $4 }'

read -r covered coverable < <(jq -r '[([.files[].covered] | add), ([.files[].coverable] | add)] | @tsv' \
  "$report/tarpaulin-report.json")
total=$(awk -v c="$covered" -v t="$coverable" 'BEGIN { printf "%.2f", t ? 100 * c / t : 0 }')
echo "workspace line coverage: $total% ($covered of $coverable lines; gate $min%)"

if [ "$tests" != 0 ]; then
  echo "coverage.sh: tests failed under coverage (tarpaulin exit $tests)" >&2
  exit 1
fi
if awk -v t="$total" -v m="$min" 'BEGIN { exit !(t < m) }'; then
  echo "coverage.sh: below the $min% gate" >&2
  exit 1
fi
