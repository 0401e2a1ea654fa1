#!/bin/sh
# Parquet write benchmark: arxivflow's writer vs DuckDB (single thread each),
# same data, SNAPPY. Prints a markdown table. "CPU" columns divide by the
# process's CPU time, which stays meaningful on a loaded machine. Then reads
# our files back with page checksum verification on and off (the cost of the
# check on the read path).
# Usage: bench/parquet/run.sh [BUILD_DIR]   (run from the source directory)
set -eu
BUILD=${1:-build}
BIN="$BUILD/bench/parquet/parquet_write_bench"
READ_BIN="$BUILD/bench/parquet/parquet_read_bench"
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
if [ -x "$READ_BIN" ]; then
  echo
  echo "| file (arxivflow reader, all columns) | MB | CPU s, checksums verified | CPU s, not verified | cost of the check |"
  echo "|---|---|---|---|---|"
  "$READ_BIN" 3 "$OUT/ours_short.parquet" "$OUT/ours_long.parquet" |
    awk '{ printf "| %s | %.1f | %.3f | %.3f | %+.1f%% |\n", $1, $2 / 1e6, $3, $4, ($3 / $4 - 1) * 100 }' | sed "s|$OUT/||"
fi
