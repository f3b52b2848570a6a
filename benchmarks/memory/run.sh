#!/usr/bin/env bash
# Large files in bounded memory: generates a long-format OHLCV CSV (5,000 series x 5,000 business days, 25 million
# rows, about 1.3 GB), then reads it (parsing throughput), trains on it for one epoch and predicts from it, each in
# its own process under /usr/bin/time -v, and prints each step's peak resident memory and wall time beside the
# targets (train below 1.5 GB, predict below 1 GB). docs/performance.md ("Large files") records the figures.
#
# usage: benchmarks/memory/run.sh [FOLDER]     (default ${TMPDIR:-/tmp}/unroll-memory; the CSV, the model and the
#                                               logs go there, never into the repository; an existing CSV of the
#                                               same size is reused)
# environment:
#   SERIES=5000 DAYS=5000          the file's shape
#   TRAIN_ARGS="..."               train's options besides --data, --epochs 1, --out and --quiet (default below:
#                                  a small LSTM, big batches, the network alone, no seasonal adjustment)
# Needs the .NET SDK, python3 and GNU time (/usr/bin/time). Takes about 10 minutes on 2 idle cores.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
folder=${1:-${TMPDIR:-/tmp}/unroll-memory}
series=${SERIES:-5000}
days=${DAYS:-5000}
train_args=${TRAIN_ARGS:---hidden 8 --batch 256 --combine off --deseasonalize off}
[ -x /usr/bin/time ] || { echo "run.sh: GNU time (/usr/bin/time) is needed" >&2; exit 2; }
case "$(cd "$(dirname "$folder")" 2>/dev/null && pwd)/" in "$root"/*) echo "run.sh: write the data outside the repository, not in $folder" >&2; exit 2 ;; esac
mkdir -p "$folder"
csv=$folder/ohlcv-${series}x${days}.csv

if [ ! -s "$csv" ]; then
  echo "generating $csv ..." >&2
  python3 "$root/benchmarks/memory/generate.py" "$csv.tmp" "$series" "$days"
  mv "$csv.tmp" "$csv"
fi

echo "building (Release) ..." >&2
dotnet publish "$root/src/Unroll.Cli" -c Release -o "$folder/bin" -v quiet -nologo >&2
dotnet build "$root/benchmarks/Unroll.Benchmarks" -c Release -v quiet -nologo >&2
unroll=$folder/bin/unroll
reader=$root/benchmarks/Unroll.Benchmarks/bin/Release/net10.0/Unroll.Benchmarks.dll

# measure NAME COMMAND...: runs it under GNU time; its output in FOLDER/NAME.out, .err and .time
measure() {
  local name=$1; shift
  echo "$name: $*" >&2
  /usr/bin/time -v -o "$folder/$name.time" "$@" >"$folder/$name.out" 2>"$folder/$name.err" || {
    echo "run.sh: $name failed; see $folder/$name.err" >&2; tail -5 "$folder/$name.err" >&2; exit 1; }
}
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$folder/$1.time"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$folder/$1.time"; }
cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.0f", u + s }' "$folder/$1.time"; }

measure read dotnet "$reader" --read-csv "$csv"
# shellcheck disable=SC2086
measure train "$unroll" train --data "$csv" --epochs 1 $train_args --out "$folder/model.safetensors" --quiet
measure predict "$unroll" predict --model "$folder/model.safetensors" --data "$csv" --csv

rows=$(awk '/rows_per_second/ { print $2 }' "$folder/read.out")
echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $csv, $(du -m "$csv" | cut -f1) MB, $series series x $days days"
echo "train options: --epochs 1 $train_args"
printf '%-8s %12s %12s %10s %8s\n' step peak_rss_mb target_mb wall cpu_s
printf '%-8s %12s %12s %10s %8s\n' read "$(peak_mb read)" - "$(wall read)" "$(cpu read)"
printf '%-8s %12s %12s %10s %8s\n' train "$(peak_mb train)" 1536 "$(wall train)" "$(cpu train)"
printf '%-8s %12s %12s %10s %8s\n' predict "$(peak_mb predict)" 1024 "$(wall predict)" "$(cpu predict)"
echo "parsing: $rows rows per second (wall clock, $(awk '/^read/ { print $0 }' "$folder/read.out"))"
status=0
[ "$(peak_mb train)" -lt 1536 ] || { echo "FAIL: train peaked at $(peak_mb train) MB, above 1.5 GB"; status=1; }
[ "$(peak_mb predict)" -lt 1024 ] || { echo "FAIL: predict peaked at $(peak_mb predict) MB, above 1 GB"; status=1; }
[ $status -eq 0 ] && echo "both within their targets"
exit $status
