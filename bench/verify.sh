#!/usr/bin/env bash
# Benchmark: what `compatbuild verify` costs over running the same program
# by hand under the same runtime. Both run a small program (built for
# glibc 2.17) under Debian 11's glibc 2.31 from the cache:
#
#   baseline  ld-2.31.so --library-path <runtime dirs> ./prog   (by hand)
#   verify    compatbuild verify --on debian:11 ./prog          (the whole
#             command: the runtime's manifest check, the start through
#             PT_INTERP in a private mount namespace, the host-library
#             check, the report)
#
# and, for the manifest check alone on a big runtime, verify --host python3
# of an abi3 module against python3.9 importing it by hand.
#
# Usage: bench/verify.sh [RUNS]    (default 20)
# Needs go, gcc, apt access for the first fetch of the runtimes (cached in
# the user's cache afterwards), and Debian's python3-dev for the module.
set -euo pipefail
runs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
die() { echo "bench/verify.sh: $*" >&2; exit 1; }
case $runs in '' | *[!0-9]*) die "RUNS must be a number: bench/verify.sh [RUNS]" ;; esac
command -v gcc > /dev/null || die "gcc not found"
command -v go > /dev/null || die "go not found: install Go >= 1.26"

(cd "$root" && go build -o "$work/compatbuild" ./cmd/compatbuild)
cb=$work/compatbuild
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > "$work/prog.c"
"$cb" cc --glibc 2.17 -O2 -o "$work/prog" "$work/prog.c"
inc=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
"$cb" cc --glibc 2.17 -O2 -shared -fPIC -I"$inc" -o "$work/hello.abi3.so" "$root/cmd/compatbuild/testdata/pyext/hello.c"
# Warm the caches (runtimes, dlopen host) and find the runtime's paths.
"$cb" verify --on debian:11 "$work/prog" > /dev/null
"$cb" verify --on debian:11 --host python3 "$work/hello.abi3.so" > /dev/null
rt=$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/compatbuild/runtimes/debian-11-amd64)
pyrt=$("$cb" verify --on debian:11 --host python3 --json "$work/hello.abi3.so" | sed -n 's/.*"root": "\(.*\)".*/\1/p' | head -1)
ld=$rt/lib/x86_64-linux-gnu/ld-2.31.so
libs=$rt/lib/x86_64-linux-gnu:$rt/usr/lib/x86_64-linux-gnu
pyld=$pyrt/lib/x86_64-linux-gnu/ld-2.31.so
pylibs=$pyrt/lib/x86_64-linux-gnu:$pyrt/usr/lib/x86_64-linux-gnu

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
minimum() { sort -n | head -1; }
time_ms() { local s; s=$(now); "$@" > /dev/null 2>&1; echo $((($(now) - s) / 1000)) | awk '{printf "%.1f\n", $1/1000}'; }

: > "$work/base" ; : > "$work/verify" ; : > "$work/pybase" ; : > "$work/pyverify"
for _ in $(seq "$runs"); do
  time_ms "$ld" --inhibit-cache --library-path "$libs" "$work/prog" >> "$work/base"
  time_ms "$cb" verify --on debian:11 "$work/prog" >> "$work/verify"
  time_ms "$pyld" --inhibit-cache --library-path "$pylibs" "$pyrt/usr/bin/python3.9" -s -c \
    "import importlib.util as u; s = u.spec_from_file_location('hello', '$work/hello.abi3.so'); m = u.module_from_spec(s); s.loader.exec_module(m); m.hello()" >> "$work/pybase"
  time_ms "$cb" verify --on debian:11 --host python3 --call hello "$work/hello.abi3.so" >> "$work/pyverify"
done
row() { printf '%-58s %8s ms (min %s)\n' "$1" "$(median < "$2")" "$(minimum < "$2")"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, alternating"
row "by hand: ld-2.31.so ./prog" "$work/base"
row "compatbuild verify --on debian:11 ./prog" "$work/verify"
row "by hand: python3.9 imports the module" "$work/pybase"
row "compatbuild verify --host python3 (3,350-file runtime)" "$work/pyverify"
awk -v a="$(median < "$work/verify")" -v b="$(median < "$work/base")" 'BEGIN {printf "verify over by hand: +%.1f ms (%.2fx)\n", a-b, a/b}'
awk -v a="$(median < "$work/pyverify")" -v b="$(median < "$work/pybase")" 'BEGIN {printf "verify --host python3 over by hand: +%.1f ms (%.2fx)\n", a-b, a/b}'
