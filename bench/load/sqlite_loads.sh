#!/usr/bin/env bash
# The loads of the main job on SQLite, as the DAG runs them but without the
# scheduler: `warehouse create --drop`, then the six `warehouse load --tables T
# --stage-only` and `warehouse index` as seven processes at once, then
# `warehouse publish`. Prints each process's wall and CPU seconds and the
# total. Given several binaries, runs them one after the other, ROUNDS times
# (default 1), so that a change is measured against the code before it on
# the same machine at the same time (wall and CPU times drift by a quarter
# or more over an hour on a shared machine).
#
#   bench/load/sqlite_loads.sh AREA [BIN ...]      (default build/arxivflow)
#   ROUNDS=2 bench/load/sqlite_loads.sh /work/data/lake-2.9M /tmp/before build/arxivflow
#
# The warehouse is written to WORK (default a fresh folder under /tmp) and
# removed after each run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
area=${1:?usage: sqlite_loads.sh AREA [BIN ...]}
shift
bins=("$@")
[[ ${#bins[@]} -gt 0 ]] || bins=("$root/build/arxivflow")
rounds=${ROUNDS:-1}
work=${WORK:-$(mktemp -d /tmp/af-bench-loads-XXXXXX)}
mkdir -p "$work"
trap 'rm -rf "$work"/wh.db* "$work"/*.time' EXIT

run() {
  local bin=$1 db=$work/wh.db
  rm -f "$db"*
  "$bin" warehouse create --conn "sqlite://$db" --from "$area" --drop >/dev/null
  local t0 t1
  t0=$(date +%s.%N)
  local pids=()
  for t in papers authors abstracts categories versions titles; do
    /usr/bin/time -f "$t %e %U %S" -o "$work/$t.time" "$bin" warehouse load --conn "sqlite://$db" --from "$area" \
      --tables "$t" --run-id bench --stage-only --jobs 1 >/dev/null 2>&1 &
    pids+=($!)
  done
  /usr/bin/time -f "search_index %e %U %S" -o "$work/search_index.time" "$bin" warehouse index \
    --conn "sqlite://$db" --from "$area" --run-id bench >/dev/null 2>&1 &
  pids+=($!)
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  "$bin" warehouse publish --conn "sqlite://$db" --run-id bench >/dev/null 2>&1 || failed=1
  t1=$(date +%s.%N)
  if [[ $failed == 1 ]]; then echo "   $bin: a load failed" >&2; exit 1; fi
  cat "$work"/*.time | awk -v bin="$bin" -v wall="$(echo "$t1 - $t0" | bc)" '
    { cpu += $3 + $4; line = line sprintf(" %s %.1f s/%.1f CPU-s,", $1, $2, $3 + $4) }
    END { sub(/,$/, "", line); printf "   %s: %.1f s wall, %.1f CPU-s;%s\n", bin, wall, cpu, line }'
  rm -f "$db"*
}

echo "== SQLite loads of $area; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  for b in "${bins[@]}"; do run "$b"; done
done
