#!/usr/bin/env bash
# Load benchmark: a Parquet area into PostgreSQL with `arxivflow warehouse
# load` and with `psql \copy` of the same rows as CSV, into the same server,
# side by side in one run; then into SQLite; then `warehouse check` on both and
# the Data page's reads (search and counts) on the SQLite warehouse.
#
#   bench/load/run.sh [RECORDS]        (default 200000 arXiv records)
#   AREA=/work/data/lake-2.9M RUNS=1 bench/load/run.sh     (full scale)
#
# PostgreSQL loaders (each into its own schema of one throw-away server, so
# that the three results can be compared row by row afterwards):
#   arxivflow      `warehouse load`: staged tables, 3 at once, binary COPY with
#                  FREEZE from the decoded Parquet row groups, keys and indexes
#                  built after the rows, one publish;
#   psql serial    `psql \copy` of each table's CSV in turn, each as
#                  BEGIN; TRUNCATE; \copy ... WITH (FORMAT csv, FREEZE); COMMIT
#                  into the tables `warehouse create` made (keys in place);
#   psql parallel  what an expert would script around `psql \copy`: 3 psql
#                  sessions at once, each table created without keys, copied
#                  with FREEZE, then given the same keys and indexes as ours
#                  with the same maintenance_work_mem (256 MB), and ANALYZEd,
#                  in one transaction.
# The CSV files come from DuckDB (bench/load/export_csv.mjs). Before any time
# counts, each peer's tables must equal ours row by row (EXCEPT ALL both
# ways; then the peer's copy is emptied, to spare the disk). Times: wall, our process's CPU (psql's for the peers), and the
# server's CPU (postmaster and every backend, bench/load/pg_cpu.py); best of
# RUNS (default 3) each.
#
# Environment: ARXIVFLOW_BIN (default build/arxivflow), KEEP=1 keeps the work
# folder, AREA=<dir> loads an existing area instead of generating one, RUNS,
# SQLITE=0 skips SQLite, SEARCH_QUERIES (default 1000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
records=${1:-200000}
bin=${ARXIVFLOW_BIN:-$root/build/arxivflow}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
search_latency=$(dirname "$bin")/bench/load/search_latency

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
uri=$ARXIVFLOW_TEST_PG_URI
in_schema() { echo "$uri?options=-csearch_path%3D$1"; }
pg() { "$psql_bin" -X -q -At -v ON_ERROR_STOP=1 "$uri" "$@"; }
now() { date +%s.%N; }
server_cpu() { python3 "$here/pg_cpu.py" "${ARXIVFLOW_TEST_PG_ADMIN_URI:-$uri}"; }
export psql_bin uri work

area="$work/area"
if [[ -n "${AREA:-}" ]]; then
  area=$(cd "$AREA" && pwd)
  echo "== using the Parquet area $area"
else
  echo "== generating $records records and transforming them"
  "$bin" gen --records "$records" --output "$work/snapshot.jsonl" >/dev/null
  "$bin" transform --input "$work/snapshot.jsonl" --output "$work/area" --progress never >/dev/null 2>&1
fi
echo "== exporting CSV with DuckDB"
(cd "$root" && node "$here/export_csv.mjs" "$area" "$work" "${tables[@]}")
du -sh "$area" "$work"/*.csv | sed 's/^/   /'

pg -c "CREATE SCHEMA ours; CREATE SCHEMA peer_serial; CREATE SCHEMA peer_parallel"
"$bin" --log-level warn warehouse create --conn "$(in_schema ours)" --drop >/dev/null
"$bin" --log-level warn warehouse create --conn "$(in_schema peer_serial)" --drop >/dev/null
columns() {
  pg -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
         WHERE table_schema = 'ours' AND table_name = '$1'"
}
# The serial peer's script.
: > "$work/serial.sql"
for t in "${tables[@]}"; do
  printf 'BEGIN;\nTRUNCATE %s;\n\\copy %s (%s) FROM %s WITH (FORMAT csv, FREEZE)\nCOMMIT;\n' \
    "$t" "$t" "$(columns "$t")" "'$work/$t.csv'" >> "$work/serial.sql"
done
# The parallel peer's script per table: the same keys and indexes as ours.
for t in "${tables[@]}"; do
  {
    # The same sort memory for the keys as `warehouse load` gives itself.
    printf 'BEGIN;\nSET LOCAL maintenance_work_mem = '"'"'256MB'"'"';\n'
    printf 'DROP TABLE IF EXISTS %s;\nCREATE TABLE %s (LIKE ours.%s);\n' "$t" "$t" "$t"
    printf '\\copy %s (%s) FROM %s WITH (FORMAT csv, FREEZE)\n' "$t" "$(columns "$t")" "'$work/$t.csv'"
    pg -c "SELECT replace(indexdef, ' ON ours.', ' ON ') || ';' FROM pg_indexes
           WHERE schemaname = 'ours' AND tablename = '$t'"
    printf 'ANALYZE %s;\nCOMMIT;\n' "$t"
  } > "$work/parallel_$t.sql"
done
by_size=$(for t in "${tables[@]}"; do echo "$(stat -c %s "$work/$t.csv") $t"; done | sort -rn | cut -d' ' -f2)

# Runs a loader: prints "wall client_cpu server_cpu client_peak_rss_kb".
measure() {
  local s0 s1 t0 t1
  s0=$(server_cpu)
  t0=$(now)
  /usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" ||
    { cat "$work/err.txt" >&2; return 1; }
  t1=$(now)
  s1=$(server_cpu)
  read -r u s m < <(tail -1 "$work/time.txt")
  echo "$(echo "$t1 - $t0" | bc) $(echo "$u + $s" | bc) $(echo "$s1 - $s0" | bc) $m"
}
run_parallel_peer() {
  echo "$by_size" | xargs -P 3 -I{} "$psql_bin" -X -q -v ON_ERROR_STOP=1 \
    "$uri?options=-csearch_path%3Dpeer_parallel" -f "$work/parallel_{}.sql"
}
export -f run_parallel_peer
export by_size

declare -A best
keep_best() {  # name "wall client server rss"
  local name=$1 line=$2
  if [[ -z "${best[$name]:-}" ]] || (( $(echo "${line%% *} < ${best[$name]%% *}" | bc) )); then best[$name]=$line; fi
}
# A peer's tables must equal ours row by row; then they are emptied (disk).
rows=0
verify() {  # schema
  local diff n total=0
  for t in "${tables[@]}"; do
    diff=$(pg -c "SELECT (SELECT COUNT(*) FROM (TABLE ours.$t EXCEPT ALL TABLE $1.$t) a) +
                         (SELECT COUNT(*) FROM (TABLE $1.$t EXCEPT ALL TABLE ours.$t) b)")
    if [[ "$diff" != 0 ]]; then echo "   $1.$t differs from ours.$t in $diff rows: no times count"; exit 1; fi
    n=$(pg -c "SELECT COUNT(*) FROM ours.$t")
    total=$((total + n))
    [[ "$1" == peer_serial ]] && pg -c "TRUNCATE $1.$t" || pg -c "DROP TABLE $1.$t"
  done
  rows=$total
  echo "   $1: $total rows in six tables, identical to ours row by row"
}
for run in $(seq 1 "${RUNS:-3}"); do
  ours=$(measure "$bin" --log-level warn warehouse load --conn "$(in_schema ours)" --from "$area")
  serial=$(measure "$psql_bin" -X -q -v ON_ERROR_STOP=1 "$(in_schema peer_serial)" -f "$work/serial.sql")
  verify peer_serial
  parallel=$(measure bash -c run_parallel_peer)
  verify peer_parallel
  printf '   run %d (wall s, client CPU s, server CPU s, client peak RSS KB): arxivflow %s | psql serial %s | psql parallel %s\n' \
    "$run" "$ours" "$serial" "$parallel"
  keep_best ours "$ours"; keep_best serial "$serial"; keep_best parallel "$parallel"
done

report() {  # name label
  read -r w c s m <<<"${best[$1]}"
  printf '| %s | %.1f s (%.0f k rows/s) | %.1f s | %.1f s | %.1f s | %d MB |\n' "$2" "$w" \
    "$(echo "$rows / $w / 1000" | bc -l)" "$c" "$s" "$(echo "$c + $s" | bc)" "$((m / 1024))"
}
echo "== PostgreSQL: $rows rows in six tables (best of ${RUNS:-3})"
echo "| loader | wall | client CPU | server CPU | total CPU | client peak RSS |"
echo "| --- | --- | --- | --- | --- | --- |"
report ours "arxivflow warehouse load"
report serial "psql \\copy, serial"
report parallel "psql \\copy, 3 parallel, keys after"
read -r ow oc os _ <<<"${best[ours]}"
read -r sw sc ss _ <<<"${best[serial]}"
read -r pw pc ps _ <<<"${best[parallel]}"
printf '   ratio arxivflow / psql serial: %.2f wall, %.2f total CPU (goal <= 0.6)\n' \
  "$(echo "$ow / $sw" | bc -l)" "$(echo "($oc + $os) / ($sc + $ss)" | bc -l)"
printf '   ratio arxivflow / psql parallel: %.2f wall, %.2f total CPU\n' \
  "$(echo "$ow / $pw" | bc -l)" "$(echo "($oc + $os) / ($pc + $ps)" | bc -l)"
t0=$(now)
"$bin" --log-level warn warehouse check --conn "$(in_schema ours)" --from "$area" | tail -1
printf '   warehouse check (26 checks) on PostgreSQL: %.1f s\n' "$(echo "$(now) - $t0" | bc)"

[[ "${SQLITE:-1}" == 1 ]] || exit 0
echo "== SQLite"
db="$work/w.db"
"$bin" --log-level warn warehouse create --conn "sqlite://$db" >/dev/null
read -r w c _ rss < <(measure "$bin" --log-level warn warehouse load --conn "sqlite://$db" --from "$area")
printf '   %d rows in %.1f s wall, %.1f s CPU: %.0f k rows/s (tables, keys, indexes and the search index); ' \
  "$rows" "$w" "$c" "$(echo "$rows / $w / 1000" | bc -l)"
printf 'peak RSS %d MB; database %s\n' "$((rss / 1024))" "$(du -h "$db" | cut -f1)"
t0=$(now)
"$bin" --log-level warn warehouse check --conn "sqlite://$db" --from "$area" | tail -1
printf '   warehouse check (26 checks) on SQLite: %.1f s\n' "$(echo "$(now) - $t0" | bc)"
if [[ -x "$search_latency" ]]; then
  echo "   the Data page's reads, warm (bench/load/search_latency.cc):"
  "$search_latency" "$db" "${SEARCH_QUERIES:-1000}" 1 | sed 's/^/   /'
fi
