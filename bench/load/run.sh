#!/usr/bin/env bash
# Load benchmark: a Parquet area into PostgreSQL with `arxivflow warehouse
# load` versus `psql \copy` of the same rows as CSV, into the same tables on
# the same throw-away server, in one run; plus SQLite rows/s.
#
#   bench/load/run.sh [RECORDS]        (default 200000 arXiv records)
#   AREA=/path/to/area RUNS=1 SQLITE=0 bench/load/run.sh   (full scale, reusing
#                                      the area of a transform benchmark run)
#
# Environment: ARXIVFLOW_BIN (default build/arxivflow), KEEP=1 keeps the work
# folder, AREA=<dir> loads an existing Parquet area instead of making one,
# AREA_WRITER=<build>/tests/warehouse/warehouse_area_writer writes a synthetic
# area instead, RUNS (default 3) runs per loader, SQLITE=0 skips the SQLite
# load. By default the area comes from `arxivflow gen` + `arxivflow transform`;
# the CSV files are exported from it with DuckDB (bench/load/export_csv.mjs).
# Both loaders replace each table inside one transaction (TRUNCATE + COPY ...
# FREEZE), so they do the same work on the server. Each is run RUNS times; the
# best time counts. Goal: ours <= 1.25 x psql \copy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
records=${1:-200000}
bin=${ARXIVFLOW_BIN:-$root/build/arxivflow}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Re-run under a throw-away PostgreSQL unless one is given.
if [[ -z "${ARXIVFLOW_TEST_PG_URI:-}" ]]; then
  exec python3 "$root/tests/support/pg_harness.py" -- "$0" "$@"
fi

tables=(papers authors abstracts categories versions titles)
work=$(mktemp -d /tmp/af-bench-load-XXXXXX)
cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -rf "$work"; }
trap cleanup EXIT
psql_bin="${ARXIVFLOW_TEST_PG_BIN:-/usr/bin}/psql"
[[ -x "$psql_bin" ]] || psql_bin=psql
pg() { "$psql_bin" -X -q -At -v ON_ERROR_STOP=1 "$ARXIVFLOW_TEST_PG_URI" "$@"; }
now() { date +%s.%N; }

area="$work/area"
if [[ -n "${AREA:-}" ]]; then
  area=$(cd "$AREA" && pwd)
  echo "== using the Parquet area $area"
elif [[ -n "${AREA_WRITER:-}" ]]; then
  # Synthetic area (RECORDS rows per table) from tests/warehouse/area_writer.cc.
  echo "== writing a synthetic area: $records rows per table"
  "$AREA_WRITER" "$work/area" "$records"
else
  echo "== generating $records records and transforming them"
  "$bin" gen --records "$records" --output "$work/snapshot.jsonl" >/dev/null
  "$bin" transform --input "$work/snapshot.jsonl" --output "$work/area" --progress never >/dev/null
fi
echo "== exporting CSV with DuckDB"
(cd "$root" && node "$here/export_csv.mjs" "$area" "$work" "${tables[@]}")
du -sh "$area" "$work"/*.csv | sed 's/^/   /'

"$bin" warehouse create --conn "$ARXIVFLOW_TEST_PG_URI" --drop >/dev/null

best_ours=""; best_psql=""
for run in $(seq 1 "${RUNS:-3}"); do
  t0=$(now)
  "$bin" --log-level warn warehouse load --conn "$ARXIVFLOW_TEST_PG_URI" --from "$area" > "$work/ours.txt"
  t1=$(now)
  script="$work/copy.sql"
  : > "$script"
  for t in "${tables[@]}"; do
    cols=$(pg -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '$t'")
    printf 'BEGIN;\nTRUNCATE %s;\n\\copy %s (%s) FROM %s WITH (FORMAT csv, FREEZE)\nCOMMIT;\n' \
      "$t" "$t" "$cols" "'$work/$t.csv'" >> "$script"
  done
  t2=$(now)
  pg -f "$script"
  t3=$(now)
  ours=$(echo "$t1 - $t0" | bc); copy=$(echo "$t3 - $t2" | bc)
  printf '   run %d: arxivflow %.3fs   psql \\copy %.3fs\n' "$run" "$ours" "$copy"
  if [[ -z "$best_ours" ]] || (( $(echo "$ours < $best_ours" | bc) )); then best_ours=$ours; fi
  if [[ -z "$best_psql" ]] || (( $(echo "$copy < $best_psql" | bc) )); then best_psql=$copy; fi
done

rows=0
for t in "${tables[@]}"; do
  n=$(pg -c "SELECT COUNT(*) FROM $t")
  rows=$((rows + n))
done
echo "== PostgreSQL: $rows rows in six tables"
cat "$work/ours.txt" | sed 's/^/   /'
printf '   best arxivflow load: %.3fs (%.0f rows/s)\n' "$best_ours" "$(echo "$rows / $best_ours" | bc -l)"
printf '   best psql \\copy CSV: %.3fs (%.0f rows/s)\n' "$best_psql" "$(echo "$rows / $best_psql" | bc -l)"
ratio=$(echo "$best_ours / $best_psql" | bc -l)
printf '   ratio arxivflow / psql: %.2f (goal <= 1.25)\n' "$ratio"

[[ "${SQLITE:-1}" == 1 ]] || exit 0
echo "== SQLite"
"$bin" warehouse create --conn "sqlite://$work/w.db" >/dev/null
t0=$(now)
"$bin" --log-level warn warehouse load --conn "sqlite://$work/w.db" --from "$area" > "$work/sqlite.txt"
t1=$(now)
secs=$(echo "$t1 - $t0" | bc)
printf '   %d rows in %.3fs: %.0f rows/s (including the FTS5 index rebuild)\n' "$rows" "$secs" \
  "$(echo "$rows / $secs" | bc -l)"
