#!/usr/bin/env bash
# Benchmark: building libcompat_m.a (the libm and libmvec polyfills) on a
# link's first need, against the same link once the archive exists. The
# archive holds the whole catalogue the target lacks (for 2.17: 306 libm
# polyfills, 584 aliases, 216 libmvec wrappers, libquadmath's members); the
# issue's budget is 2 s of wall time on a 2-CPU machine.
#
# Usage: bench/mathpoly.sh [RUNS]          (default 5)
#   GLIBC=2.17      target glibc
#
# Each run uses a fresh XDG_CACHE_HOME: first a link that needs no polyfill
# builds the sysroot (not timed here; bench/link.sh times it), then
#   first  a link calling math polyfills and libmvec variants, which builds
#          libcompat_m.a and links against it,
#   again  the same link with the archive built,
# and "archive build" is first - again. Medians (and minima) over the runs;
# the machine's load average is printed, since other work on a shared
# machine scatters the times.
set -euo pipefail
runs=${1:-5}
glibc=${GLIBC:-2.17}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
die() { echo "bench/mathpoly.sh: $*" >&2; exit 1; }
case $runs in *[!0-9]*|"") die "runs must be a number: bench/mathpoly.sh [RUNS]" ;; esac
[ "$runs" -ge 1 ] || die "runs must be at least 1"
command -v gcc > /dev/null || die "gcc not found: install gcc"
command -v go > /dev/null || die "go not found: install Go >= 1.26"
export CC=gcc CXX=g++
unset COMPATBUILD_CC COMPATBUILD_CXX COMPATBUILD_GLIBC

load_start=$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')
(cd "$root" && go build -o "$work/compatbuild" ./cmd/compatbuild)
cb=$work/compatbuild

cat > "$work/plain.c" << 'EOF2'
int main(void) { return 0; }
EOF2
# roundeven, exp2m1, sinpi, fadd (libm 2.25-2.41), sinf128 (libquadmath),
# and an -O3 -ffast-math loop (libmvec).
cat > "$work/math.c" << 'EOF2'
#include <math.h>
double roundeven(double); float exp2m1f(float); double sinpi(double); float fadd(double, double);
__float128 sinf128(__float128);
double v[256];
int main(int argc, char **argv) {
  (void)argv;
  for (int i = 0; i < 256; i++) v[i] = sin(v[i] + argc) + tan(v[i]);
  return (int)(roundeven(v[0]) + exp2m1f(1) + sinpi(0.5) + fadd(1, 2) + (double)sinf128(argc));
}
EOF2
gcc -O2 -c "$work/plain.c" -o "$work/plain.o"
gcc -O3 -ffast-math -c "$work/math.c" -o "$work/math.o"

now() { date +%s.%N; }
# CPU seconds (user + system) of this shell's finished children, from
# `times` run in this shell (a subshell would count its own).
cpu() { tail -1 "$1" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { sort -n | head -1; }

: > "$work/first"; : > "$work/again"; : > "$work/build"; : > "$work/cpu"
for i in $(seq 1 "$runs"); do
  export XDG_CACHE_HOME=$work/cache$i
  "$cb" cc --glibc "$glibc" "$work/plain.o" -o "$work/p$i" > /dev/null
  times > "$work/c0"; t0=$(now)
  "$cb" cc --glibc "$glibc" "$work/math.o" -o "$work/m$i" -lm > /dev/null
  t1=$(now); times > "$work/c1"
  "$cb" cc --glibc "$glibc" "$work/math.o" -o "$work/n$i" -lm > /dev/null
  t2=$(now); times > "$work/c2"
  c0=$(cpu "$work/c0"); c1=$(cpu "$work/c1"); c2=$(cpu "$work/c2")
  "$cb" check --glibc "$glibc" "$work/m$i" > /dev/null || die "m$i is above glibc $glibc"
  echo "$t1 - $t0" | bc >> "$work/first"
  echo "$t2 - $t1" | bc >> "$work/again"
  echo "($t1 - $t0) - ($t2 - $t1)" | bc >> "$work/build"
  echo "($c1 - $c0) - ($c2 - $c1)" | bc >> "$work/cpu"
  rm -rf "$work/cache$i"
done
load_end=$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')

ms() { awk '{printf "%.0f ms", $1 * 1000}'; }
printf 'libcompat_m.a for glibc %s, %d runs, %d CPUs, load %s -> %s\n' "$glibc" "$runs" "$(nproc)" "$load_start" "$load_end"
printf '%-28s median %s  min %s\n' "link, archive built first" "$(median < "$work/first" | ms)" "$(minimum < "$work/first" | ms)"
printf '%-28s median %s  min %s\n' "link, archive there" "$(median < "$work/again" | ms)" "$(minimum < "$work/again" | ms)"
b=$(median < "$work/build")
printf '%-28s median %s  min %s  (budget 2000 ms: %.2fx of it)\n' "archive build" "$(echo "$b" | ms)" "$(minimum < "$work/build" | ms)" "$(echo "$b / 2" | bc -l)"
printf '%-28s median %s  min %s  (CPU time of all its processes: on %d idle CPUs\n' "archive build, CPU" "$(median < "$work/cpu" | ms)" "$(minimum < "$work/cpu" | ms)" "$(nproc)"
printf '%-28s the wall time is at least CPU / %d)\n' "" "$(nproc)"
