#!/bin/sh
# Parquet write benchmark: arxivflow's writer vs DuckDB (single thread each),
# same data, SNAPPY. Prints a markdown table. "CPU" columns divide by the
# process's CPU time, which stays meaningful on a loaded machine.
# Usage: bench/parquet/run.sh [BUILD_DIR]   (run from the source directory)
set -eu
BUILD=${1:-build}
BIN="$BUILD/bench/parquet/parquet_write_bench"
[ -x "$BIN" ] || { echo "error: $BIN not built (configure with -DARXIVFLOW_BENCH=ON, ninja parquet_write_bench)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$BIN" "$OUT" > "$OUT/ours.txt"
node bench/parquet/duckdb_write.mjs "$OUT" > "$OUT/duckdb.txt"
awk '
  FNR == NR { if ($1 == "peak_rss_kb") ours_rss = $2; else { ours[$1] = $5; ocpu[$1] = $8; osize[$1] = $6; order[++n] = $1; rows[$1] = $2; mb[$1] = $3 / 1e6 } next }
  { if ($1 == "peak_rss_kb") duck_rss = $2; else { duck[$1] = $5; dcpu[$1] = $8; dsize[$1] = $6 } }
  END {
    print "| case | rows | input MB | arxivflow MB/s (wall) | DuckDB MB/s (wall) | ratio (wall) | arxivflow MB/s (CPU) | DuckDB MB/s (CPU) | ratio (CPU) | arxivflow file MB | DuckDB file MB |"
    print "|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) { c = order[i]
      printf "| %s | %d | %.0f | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx | %.1f | %.1f |\n", c, rows[c], mb[c], ours[c], duck[c], ours[c] / duck[c], ocpu[c], dcpu[c], ocpu[c] / dcpu[c], osize[c] / 1e6, dsize[c] / 1e6 }
    printf "\nPeak RSS: arxivflow %.0f MB, DuckDB (node process) %.0f MB\n", ours_rss / 1024, duck_rss / 1024
  }' "$OUT/ours.txt" "$OUT/duckdb.txt"
