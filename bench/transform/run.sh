#!/usr/bin/env bash
# Transform benchmark: `arxivflow transform` against DuckDB and Polars
# computing the same six tables with the same cleaning rules
# (docs/transform.md) from the same snapshot, side by side in one run, with
# the same thread count, all writing snappy Parquet.
#
#   bench/transform/run.sh                                # 300 k generated records, 2 threads
#   RECORDS=2900000 bench/transform/run.sh                # full scale (~5.2 GB)
#   SNAPSHOT=/work/data/snapshot-2.9M-prose.jsonl bench/transform/run.sh   # an existing snapshot
#
# Env: ARXIVFLOW_BIN (default build/arxivflow), RECORDS, THREADS (default 2),
# SEED, SNAPSHOT, WORK (scratch folder; a generated snapshot is kept there and
# reused), PEERS (default "duckdb polars"), PEER_TIMEOUT (seconds, default
# 7200; a peer past it is stopped and reported as such), BENCH_SCALE=full
# (from scripts/run-benchmarks) = RECORDS=2900000.
#
# Before any time counts, every peer's output is compared with ours, all six
# tables, every column, row by row as multisets (bench/transform/compare.mjs),
# on the benchmark data and on bench/transform/rules.jsonl (every whitespace
# case of the rules); the run fails loudly on any difference. Reported per
# tool: wall seconds, CPU seconds (user + sys), peak RSS (/usr/bin/time %M),
# MB of input per wall second and per CPU-second. On a shared machine the
# CPU-time ratio is the steadier figure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
BIN=${ARXIVFLOW_BIN:-build/arxivflow}
[[ "${BENCH_SCALE:-}" == full ]] && RECORDS=${RECORDS:-2900000}
RECORDS=${RECORDS:-300000}
THREADS=${THREADS:-2}
SEED=${SEED:-42}
WORK=${WORK:-/tmp/arxivflow-bench-transform}
PEERS=${PEERS:-duckdb polars}
PEER_TIMEOUT=${PEER_TIMEOUT:-7200}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: /usr/bin/time is required for peak RSS" >&2; exit 1; }
mkdir -p "$WORK"

if [[ -n "${SNAPSHOT:-}" ]]; then
  SNAP=$SNAPSHOT
else
  SNAP="$WORK/snapshot-$RECORDS-$SEED.jsonl"
  if [ ! -s "$SNAP" ]; then
    echo "generating $RECORDS records -> $SNAP" >&2
    "$BIN" gen --records "$RECORDS" --seed "$SEED" --output "$SNAP.tmp" >/dev/null 2>&1
    mv "$SNAP.tmp" "$SNAP"
  fi
fi
BYTES=$(stat -c %s "$SNAP")

# The command line of each tool: TOOL SNAPSHOT OUT.
tool_cmd() {
  case $1 in
    arxivflow) echo "$BIN transform --input $2 --output $3 --threads $THREADS --compression snappy --progress never" ;;
    duckdb) echo "node $here/duckdb_transform.mjs $2 $3 $THREADS $3.duckdb" ;;
    polars) echo "env POLARS_MAX_THREADS=$THREADS node $here/polars_transform.mjs $2 $3" ;;
  esac
}

# 1. The peers implement the rules: every whitespace case, compared with ours.
rules="$here/rules.jsonl"
rm -rf "$WORK/rules-"*
$(tool_cmd arxivflow "$rules" "$WORK/rules-arxivflow") >/dev/null 2>&1
for peer in $PEERS; do
  $(tool_cmd "$peer" "$rules" "$WORK/rules-$peer") >/dev/null
  if ! node "$here/compare.mjs" "$WORK/rules-arxivflow" "$WORK/rules-$peer" >"$WORK/rules-$peer.compare"; then
    cat "$WORK/rules-$peer.compare" >&2
    echo "FAILED: $peer does not apply the cleaning rules as arxivflow does (bench/transform/rules.jsonl)" >&2
    exit 1
  fi
done

# 2. The timed runs, from a warm page cache, one after the other.
cat "$SNAP" >/dev/null
declare -A STATUS
for tool in arxivflow $PEERS; do
  out="$WORK/out-$tool"
  rm -rf "$out" "$out.duckdb" "$out.duckdb.wal"
  echo "running $tool" >&2
  set +e
  timeout --signal=KILL "$PEER_TIMEOUT" \
    "$TIME" -f "%e %U %S %M" -o "$WORK/$tool.time" $(tool_cmd "$tool" "$SNAP" "$out") \
    >"$WORK/$tool.log" 2>&1
  rc=$?
  set -e
  rm -f "$out.duckdb" "$out.duckdb.wal"
  if [[ $rc -eq 0 ]]; then
    STATUS[$tool]=ok
  elif [[ $rc -eq 137 ]] && ! grep -q . "$WORK/$tool.time" 2>/dev/null; then
    STATUS[$tool]="stopped at the ${PEER_TIMEOUT} s limit (PEER_TIMEOUT), unfinished"
  else
    # /usr/bin/time still reports a command killed by a signal (say, by the
    # kernel when memory runs out).
    read -r w u s r < <(tail -1 "$WORK/$tool.time")
    STATUS[$tool]="failed ($(grep -m1 -o 'terminated by signal [0-9]*' "$WORK/$tool.time" || echo "exit code $rc")) after $w s wall, $(echo "$u + $s" | bc) s CPU, peak RSS $((r / 1024)) MB: $(grep -v '^Command' "$WORK/$tool.log" | tail -2 | tr '\n' ' ' | cut -c1-300)"
  fi
  [[ $tool == arxivflow && ${STATUS[$tool]} != ok ]] && { cat "$WORK/$tool.log" >&2; exit 1; }
done

# 3. Identical output before any time counts.
for peer in $PEERS; do
  [[ ${STATUS[$peer]} == ok ]] || continue
  if ! node "$here/compare.mjs" "$WORK/out-arxivflow" "$WORK/out-$peer" >"$WORK/$peer.compare"; then
    cat "$WORK/$peer.compare" >&2
    echo "FAILED: the $peer output differs from arxivflow's; no time counts" >&2
    exit 1
  fi
done

# 4. Report.
read -r ow ou os orss < <(tail -1 "$WORK/arxivflow.time")
ocpu=$(echo "$ou + $os" | bc)
records=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$WORK/out-arxivflow/_manifest.json')).records.read)")
echo "input: $SNAP ($((BYTES / 1000000)) MB, $records records), $THREADS threads, $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tool | wall s | CPU s | MB/s (wall) | MB per CPU-s | peak RSS MB | arxivflow is, CPU (wall) | output |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
for tool in arxivflow $PEERS; do
  if [[ ${STATUS[$tool]} != ok ]]; then
    echo "| $tool | — | — | — | — | — | — | ${STATUS[$tool]} |"
    continue
  fi
  read -r w u s r < <(tail -1 "$WORK/$tool.time")
  c=$(echo "$u + $s" | bc)
  if [[ $tool == arxivflow ]]; then
    ratio="—"; check="reference"
  else
    ratio=$(awk -v oc="$ocpu" -v pc="$c" -v ow="$ow" -v pw="$w" 'BEGIN { printf "%.1fx faster (%.1fx)", pc / oc, pw / ow }')
    check="identical: $(grep -c '^same' "$WORK/$tool.compare")/6 tables"
  fi
  awk -v n="$tool" -v w="$w" -v c="$c" -v r="$r" -v b="$BYTES" -v ratio="$ratio" -v check="$check" 'BEGIN {
    printf "| %s | %.1f | %.1f | %.1f | %.1f | %.0f | %s | %s |\n", n, w, c, b / 1e6 / w, b / 1e6 / c, r / 1024, ratio, check }'
done
echo
for t in papers authors abstracts categories versions titles; do
  printf "%s %s rows; " "$t" "$(grep -A1 "\"$t\": {" "$WORK/out-arxivflow/_manifest.json" | grep -o '[0-9]\+' | head -1)"
done
echo
