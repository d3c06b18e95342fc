#!/usr/bin/env bash
# Benchmark: `compatbuild check --json` against one `readelf -V -W` over the
# same list of ELF files (every regular ELF file under the library dir), in
# the same run. Prints the best-of-N wall time of each and the ratio.
# Target from issue 2: compatbuild at most 0.5x readelf's time.
#
# Usage: bench/check.sh [DIR] [RUNS]    (defaults: /usr/lib/x86_64-linux-gnu, 5)
set -euo pipefail
dir=${1:-/usr/lib/x86_64-linux-gnu}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/compatbuild" "$root/cmd/compatbuild"
# The file list: regular files that start with the ELF magic.
find "$dir" -type f -print0 | while IFS= read -r -d '' f; do
  [ "$(head -c4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] && printf '%s\0' "$f"
done > "$work/files"
count=$(tr -cd '\0' < "$work/files" | wc -c)

now() { date +%s%N; }
best() { sort -n | head -1; }
time_cmd() {
  local t0 t1
  t0=$(now); "$@" > /dev/null 2>&1 || true; t1=$(now)
  echo $(( (t1 - t0) / 1000 ))
}
: > "$work/cb"; : > "$work/re"
for _ in $(seq "$runs"); do
  time_cmd xargs -0 -a "$work/files" "$work/compatbuild" check --json >> "$work/cb"
  time_cmd xargs -0 -a "$work/files" readelf -V -W >> "$work/re"
done
cb=$(best < "$work/cb"); re=$(best < "$work/re")
# xargs may split a long list into several invocations; count them so the
# comparison is known to be one process each (or equally split).
calls=$(xargs -0 -a "$work/files" sh -c 'echo x' _ | wc -l)
printf 'files: %d ELF files under %s (%d invocation(s) each), best of %d runs\n' "$count" "$dir" "$calls" "$runs"
awk -v re="$re" -v cb="$cb" 'BEGIN {
  printf "readelf -V -W              %8.1f ms\n", re / 1000
  printf "compatbuild check --json   %8.1f ms\n", cb / 1000
  printf "ratio compatbuild/readelf: %.2fx (target <= 0.50x)\n", cb / re
}'
