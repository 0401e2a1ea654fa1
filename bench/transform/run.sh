#!/usr/bin/env bash
# Transform benchmark: `arxivflow transform` vs DuckDB producing the same six
# tables (read_json -> COPY TO parquet, snappy) from the same generated
# snapshot, side by side in one run, same thread count.
#
#   bench/transform/run.sh                      # 300 k records, 2 threads
#   RECORDS=2900000 THREADS=8 bench/transform/run.sh   # full scale (~5 GB)
#
# Env: ARXIVFLOW_BIN (default build/arxivflow), RECORDS, THREADS, SEED,
# WORK (scratch folder; the snapshot is reused when present).
# Reports wall seconds, CPU seconds (user+sys), MB/s of input, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${ARXIVFLOW_BIN:-build/arxivflow}
RECORDS=${RECORDS:-300000}
THREADS=${THREADS:-2}
SEED=${SEED:-42}
WORK=${WORK:-/tmp/arxivflow-bench-transform}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: /usr/bin/time is required for peak RSS" >&2; exit 1; }
mkdir -p "$WORK"
SNAP="$WORK/snapshot-$RECORDS-$SEED.jsonl"
if [ ! -s "$SNAP" ]; then
  echo "generating $RECORDS records -> $SNAP"
  "$BIN" gen --records "$RECORDS" --seed "$SEED" --output "$SNAP" >/dev/null 2>&1
fi
BYTES=$(stat -c %s "$SNAP")
rm -rf "$WORK/ours" "$WORK/duck"
# Warm the page cache so both read from memory.
cat "$SNAP" >/dev/null

$TIME -f "%e %U %S %M" -o "$WORK/ours.time" \
  "$BIN" transform --input "$SNAP" --output "$WORK/ours" --threads "$THREADS" --compression snappy \
  --progress never >/dev/null 2>&1
$TIME -f "%e %U %S %M" -o "$WORK/duck.time" \
  node bench/transform/duckdb_transform.mjs "$SNAP" "$WORK/duck" "$THREADS" >/dev/null 2>&1

report() {  # name timefile
  read -r wall user sys rss < "$2"
  awk -v n="$1" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$BYTES" 'BEGIN {
    printf "%-10s wall %7.2f s  cpu %7.2f s  %8.1f MB/s (wall)  %8.1f MB/s (per cpu-s)  peak RSS %6.0f MB\n",
      n, w, u + s, b / 1e6 / w, b / 1e6 / (u + s), r / 1024 }'
}
echo "input: $SNAP ($((BYTES / 1000000)) MB, $RECORDS records), threads $THREADS"
report arxivflow "$WORK/ours.time"
report duckdb "$WORK/duck.time"
read -r ow ou os orss < "$WORK/ours.time"
read -r dw du ds drss < "$WORK/duck.time"
awk -v ow="$ow" -v dw="$dw" -v oc="$(echo "$ou + $os" | bc)" -v dc="$(echo "$du + $ds" | bc)" 'BEGIN {
  printf "speed-up vs DuckDB: %.1fx (wall), %.1fx (cpu)\n", dw / ow, dc / oc }'
for t in papers authors abstracts categories versions titles; do
  printf "%-11s rows: arxivflow %s\n" "$t" \
    "$(grep -A1 "\"$t\": {" "$WORK/ours/_manifest.json" | grep -o '[0-9]\+' | head -1)"
done
