#!/usr/bin/env bash
# Benchmark: what the output check of `compatbuild exec` costs (the walk
# over the working directory after the command, judging every ELF
# executable and shared library the command wrote), against the same exec
# with --no-scan, in the same run.
#
# The tree: a make project of PROGRAMS small C programs (each linked
# through compatbuild) next to NOISE_COPIES copies of /usr/include (about
# 8,000 headers each, which the check skips by name) and as many files
# without an extension (whose status it must read), so the walk has a
# big source tree's worth of files to look at. Two measurements:
#   - a no-op command (`true`): the whole cost of the walk, the worst case;
#   - a real build (`make clean && make -j2` of the programs): the cost as
#     a build sees it.
# Target: the real build <= 1.05x with the check than without it; the
# script also prints the walk's cost per file in the tree, which says what
# a bigger tree costs (and when --no-scan or --scan-skip pays).
#
# Usage: bench/scan.sh [RUNS]           (default 10)
#   PROGRAMS=40 NOISE_COPIES=2 GLIBC=2.17
#
# Needs go, gcc and make. Timings are medians (minimum shown too); the two
# variants alternate run by run, so load from other processes hits both.
set -euo pipefail
runs=${1:-10}
programs=${PROGRAMS:-40}
copies=${NOISE_COPIES:-2}
glibc=${GLIBC:-2.17}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "bench/scan.sh: $*" >&2; exit 1; }
for n in "$runs" "$programs" "$copies"; do
  case $n in '' | *[!0-9]*) die "RUNS, PROGRAMS and NOISE_COPIES must be numbers" ;; esac
done
[ "$runs" -ge 1 ] || die "RUNS must be at least 1"
for tool in go gcc make; do command -v $tool > /dev/null || die "$tool not found: install it"; done

unset COMPATBUILD_CC COMPATBUILD_CXX COMPATBUILD_GLIBC MAKEFLAGS
export CC=gcc CXX=g++
export XDG_CACHE_HOME=$work/cache
(cd "$root" && go build -o "$work/compatbuild" ./cmd/compatbuild)
cb=$work/compatbuild

tree=$work/tree
mkdir -p "$tree/src"
for i in $(seq 1 "$copies"); do
  cp -r /usr/include "$tree/noise$i"
  (cd "$tree/noise$i" && find . -name '*.h' | awk '{sub(/\.h$/, ""); print}' | while read -r f; do echo x > "$f-data"; done)
done
for i in $(seq 1 "$programs"); do
  printf '#include <pthread.h>\n#include <stdio.h>\n#include <sys/stat.h>\nstatic void *w(void *a) { struct stat st; return (void *)(long)stat((const char *)a, &st); }\nint main(void) { pthread_t t; void *r; pthread_create(&t, 0, w, (void *)"/"); pthread_join(t, &r); printf("%d %%ld\\n", (long)r); return 0; }\n' "$i" > "$tree/src/p$i.c"
done
{
  echo 'PROGS := $(patsubst src/%.c,bin/%,$(wildcard src/*.c))'
  echo 'all: $(PROGS)'
  echo 'bin/%: src/%.c'
  printf '\t@mkdir -p bin\n\t@$(CC) -O2 $< -o $@\n'
  echo 'clean: ; @rm -rf bin'
} > "$tree/Makefile"
files=$(find "$tree" -type f | wc -l)

cd "$tree"
# Warm up the sysroot and check the build is right.
"$cb" exec --glibc "$glibc" -- make -s -j2 > /dev/null
"$cb" check --glibc "$glibc" bin > /dev/null || die "the programs are above glibc $glibc"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
minimum() { sort -n | head -1; }
ms() { # file command...
  local out=$1 t0 t1
  shift
  t0=$(now)
  "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; die "$* failed"; }
  t1=$(now)
  echo $(((t1 - t0) / 1000)) | awk '{printf "%.1f\n", $1/1000}' >> "$out"
}
: > noop.scan; : > noop.off; : > build.scan; : > build.off; : > build.plain
for i in $(seq 1 "$runs"); do
  ms noop.scan "$cb" exec --glibc "$glibc" -- true
  ms noop.off "$cb" exec --glibc "$glibc" --no-scan -- true
  make -s clean
  ms build.scan "$cb" exec --glibc "$glibc" -- make -s -j2
  make -s clean
  ms build.off "$cb" exec --glibc "$glibc" --no-scan -- make -s -j2
  make -s clean
  ms build.plain make -s -j2
done
# A bypass must still be caught on this tree (the check did its work).
printf 'int main(void){return 0;}\n' > by.c
gcc by.c -o bypass.tmp
if "$cb" exec --glibc "$glibc" -- cp bypass.tmp bypass > /dev/null 2>&1; then die "the check missed a bypassing output"; fi
rm -f bypass bypass.tmp by.c

row() { # label file baseline-file
  awk -v l="$1" -v m="$(median < "$2")" -v n="$(minimum < "$2")" -v b="$(median < "$3")" 'BEGIN {
    printf "  %-40s %8.1f ms (min %.1f)   %6.3fx\n", l, m, n, m/b }'
}
echo "compatbuild exec output check: $files files in the tree, $programs programs, $runs runs each (medians; ratio against the first row of each group)"
echo "no-op command (the walk alone):"
row "exec --no-scan -- true" noop.off noop.off
row "exec -- true" noop.scan noop.off
awk -v a="$(median < noop.scan)" -v b="$(median < noop.off)" -v f="$files" 'BEGIN {
  printf "  the walk costs %.1f us per file in the tree\n", (a-b)*1000/f }'
echo "real build (make clean && make -j2):"
row "exec --no-scan -- make" build.off build.off
row "exec -- make (target <= 1.05x)" build.scan build.off
row "plain make (for scale)" build.plain build.off
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
