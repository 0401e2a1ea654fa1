#!/usr/bin/env bash
# Spark benchmark: `arxivflow transform` vs the original system's own engine,
# the Spark job the create_parquet_area_emr DAG runs (spark/arxiv_transform.py,
# spark-submit --master local[2]), on the same held data, side by side in one
# run. The two areas are checked to hold the same rows (every table, as a
# multiset of rows), the same manifest counts and the same rejects before any
# time is reported.
#
#   bench/spark/run.sh                                   # 300 k generated records
#   SNAPSHOT=/work/data/snapshot-2.9M-prose.jsonl NIPS=/work/data/nips-7241.csv bench/spark/run.sh
#
# Env: ARXIVFLOW_BIN (default build/arxivflow), RECORDS (generated when no
# SNAPSHOT, default 300000), SNAPSHOT, NIPS, THREADS (default 2: arxivflow
# threads and Spark's local[N]), DRIVER_MEMORY (default 2g), WORK (scratch).
# Reports wall and CPU seconds (user+sys of the whole process tree), MB/s of
# input, and peak RSS (of the largest process, and of the whole process tree,
# sampled every 0.5 s: Spark runs a JVM and Python workers).
# Each run leaves its output in $WORK/ours and $WORK/spark, and its
# measurements in $WORK/<name>.{time,tree,log}.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${ARXIVFLOW_BIN:-build/arxivflow}
THREADS=${THREADS:-2}
DRIVER_MEMORY=${DRIVER_MEMORY:-2g}
WORK=${WORK:-/tmp/arxivflow-bench-spark}
VENV=${VENV:-.venv}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "error: /usr/bin/time is required" >&2; exit 1; }
[ -x "$VENV/bin/spark-submit" ] || { echo "error: $VENV/bin/spark-submit missing (run scripts/install-deps)" >&2; exit 1; }
mkdir -p "$WORK"
if [ -z "${SNAPSHOT:-}" ]; then
  RECORDS=${RECORDS:-300000}
  SNAPSHOT="$WORK/snapshot-$RECORDS.jsonl"
  NIPS="$WORK/nips-$RECORDS.csv"
  if [ ! -s "$SNAPSHOT" ] || [ ! -s "$NIPS" ]; then
    echo "generating $RECORDS records -> $SNAPSHOT"
    "$BIN" gen --records "$RECORDS" --seed 42 --output "$SNAPSHOT.tmp" --nips-output "$NIPS.tmp" \
      --nips-records 7241 >/dev/null 2>&1
    mv "$SNAPSHOT.tmp" "$SNAPSHOT"
    mv "$NIPS.tmp" "$NIPS"
  fi
fi
NIPS_ARGS=()
[ -n "${NIPS:-}" ] && NIPS_ARGS=(--nips "$NIPS")
BYTES=$(( $(stat -c %s "$SNAPSHOT") + $( [ -n "${NIPS:-}" ] && stat -c %s "$NIPS" || echo 0) ))
rm -rf "$WORK/ours" "$WORK/spark"
cat "$SNAPSHOT" ${NIPS:+"$NIPS"} >/dev/null  # both read from the page cache

# Runs a command under /usr/bin/time while sampling its process tree every
# 0.5 s: the sum of the tree's RSS (peak kept) and each process's CPU time
# (Spark's Python workers may exit without being reaped by the JVM, so
# /usr/bin/time alone can miss their CPU time).
measure() {  # name command...
  local name=$1; shift
  "$TIME" -f "%e %U %S %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  : >"$WORK/$name.samples"
  while kill -0 "$pid" 2>/dev/null; do
    ps -eo pid=,ppid=,rss=,times= | awk -v root="$pid" '
      { parent[$1] = $2; rss[$1] = $3; cpu[$1] = $4 }
      END { for (p in rss) { q = p; while (q != "" && q != root && q != 1 && q != 0) q = parent[q];
                             if (q == root) { total += rss[p]; printf "cpu %s %s\n", p, cpu[p] } }
            printf "rss %d\n", total }' >>"$WORK/$name.samples"
    sleep 0.5
  done
  wait "$pid" || { echo "error: $name failed:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
  awk '$1 == "rss" && $2 > peak { peak = $2 } $1 == "cpu" && $3 > c[$2] { c[$2] = $3 }
       END { for (p in c) sum += c[p]; printf "%d %d\n", peak, sum }' "$WORK/$name.samples" >"$WORK/$name.tree"
}

measure arxivflow "$BIN" transform --input "$SNAPSHOT" "${NIPS_ARGS[@]}" --output "$WORK/ours" \
  --threads "$THREADS" --compression snappy --progress never
measure spark env PYSPARK_PYTHON="$VENV/bin/python" "$VENV/bin/spark-submit" --master "local[$THREADS]" \
  --driver-memory "$DRIVER_MEMORY" --conf spark.ui.enabled=false \
  spark/arxiv_transform.py --input "$SNAPSHOT" "${NIPS_ARGS[@]}" --output "$WORK/spark"

# Same rows, counts and rejects, or no times.
node bench/spark/compare_areas.mjs "$WORK/ours" "$WORK/spark"

report() {  # name
  read -r wall user sys rss < "$WORK/$1.time"
  read -r tree_rss tree_cpu < "$WORK/$1.tree"
  awk -v n="$1" -v w="$wall" -v c="$(echo "$user + $sys" | bc)" -v r="$rss" -v t="$tree_rss" -v tc="$tree_cpu" \
      -v b="$BYTES" 'BEGIN { if (tc > c) c = tc
    printf "%-10s wall %8.1f s  cpu %8.1f s  %7.1f MB/s (wall)  %7.1f MB per cpu-s  peak RSS %5.0f MB (process tree %5.0f MB)\n",
      n, w, c, b / 1e6 / w, b / 1e6 / c, r / 1024, t / 1024 }'
}
cpu_of() {  # name -> CPU seconds (the larger of /usr/bin/time's and the sampled tree's)
  read -r _ user sys _ < "$WORK/$1.time"
  read -r _ tree_cpu < "$WORK/$1.tree"
  echo "$user + $sys" | bc | awk -v t="$tree_cpu" '{ print ($1 > t ? $1 : t) }'
}
echo "input: $SNAPSHOT${NIPS:+ + $NIPS} ($((BYTES / 1000000)) MB), arxivflow --threads $THREADS," \
     "Spark local[$THREADS] driver memory $DRIVER_MEMORY ($("$VENV/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)'))"
report arxivflow
report spark
read -r ow _ < "$WORK/arxivflow.time"
read -r sw _ < "$WORK/spark.time"
awk -v ow="$ow" -v sw="$sw" -v oc="$(cpu_of arxivflow)" -v sc="$(cpu_of spark)" 'BEGIN {
  printf "arxivflow vs Spark: %.1fx (wall), %.1fx (cpu)\n", sw / ow, sc / oc }'
