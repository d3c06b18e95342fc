#!/usr/bin/env bash
# Benchmark: an incremental release build of a Rust cdylib (the crate of
# internal/cargo/testdata/hello-cdylib: libc crate, threads, thread-locals,
# println!), `touch src/lib.rs && cargo build --release`, with plain cargo
# and with `compatbuild cargo build --release --glibc 2.17`, both on a warm
# cache (dependencies built, stub sysroot built), in the same run. Target
# from the issue: compatbuild <= 1.05x plain cargo.
#
# Also the per-call cost of the compiler wrapper on its fast paths: a
# compile-only call (`compatbuild-cc-2.17 -c x.c` vs `gcc -c x.c`) and a
# link on a cache hit (`compatbuild-cc-2.17 x.o -o x` vs `gcc x.o -o x`).
#
# Usage: bench/cargo.sh [RUNS]          (default 10)
#   GLIBC=2.17    target glibc
#
# Needs cargo, gcc, and Debian's librust-libc-dev (the libc crate's source
# as an offline cargo source; no network is used). Timings are medians
# (minimum shown too); the two tools alternate run by run, so load from
# other processes hits both alike. Each compatbuild-built library is
# checked against the target, so a fast but wrong build cannot pass.
set -euo pipefail
runs=${1:-10}
glibc=${GLIBC:-2.17}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "bench/cargo.sh: $*" >&2; exit 1; }
case $runs in '' | *[!0-9]*) die "RUNS must be a number: bench/cargo.sh [RUNS]" ;; esac
[ "$runs" -ge 1 ] || die "RUNS must be at least 1"
command -v cargo > /dev/null || die "cargo not found: install Rust (rustup, or apt-get install cargo)"
command -v gcc > /dev/null || die "gcc not found: install gcc"
command -v go > /dev/null || die "go not found: install Go >= 1.26"
registry=/usr/share/cargo/registry
compgen -G "$registry/libc-0.2*" > /dev/null || die "no libc crate in $registry: apt-get install librust-libc-dev"

export CC=gcc CXX=g++
unset COMPATBUILD_CC COMPATBUILD_CXX COMPATBUILD_GLIBC RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_TARGET_DIR
export XDG_CACHE_HOME=$work/cache # the compatbuild cache of this run

(cd "$root" && go build -o "$work/compatbuild" ./cmd/compatbuild)
cb=$work/compatbuild

crate=$work/hello-cdylib
cp -r "$root/internal/cargo/testdata/hello-cdylib" "$crate"
mkdir -p "$crate/.cargo"
cat > "$crate/.cargo/config.toml" << EOF
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"
EOF

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
minimum() { sort -n | head -1; }

cd "$crate"
plain_build() { cargo build --release --offline --quiet; }
compat_build() { "$cb" cargo build --release --offline --quiet --glibc "$glibc" 2> "$work/compat.log" || { cat "$work/compat.log" >&2; die "compatbuild cargo build failed"; }; }

# Warm up: dependencies, build scripts, the stub sysroot, the wrappers.
plain_build
compat_build
lib=target/x86_64-unknown-linux-gnu/release/libhello_cdylib.so
"$cb" check --glibc "$glibc" "$lib" > /dev/null || die "$lib is above glibc $glibc"

: > "$work/plain.t"
: > "$work/compat.t"
# One line per run: wall, user+sys CPU of the whole process tree (ms).
timed() { # file command...
  local out=$1 t
  shift
  TIMEFORMAT='%3R %3U %3S'
  t=$( { time "$@" > /dev/null 2>&1; } 2>&1) || { cat "$work/compat.log" >&2; die "$* failed"; }
  echo "$t" | awk '{printf "%.0f %.0f\n", $1*1000, ($2+$3)*1000}' >> "$out"
}
for i in $(seq 1 "$runs"); do
  touch src/lib.rs
  timed "$work/plain.t" plain_build
  touch src/lib.rs
  timed "$work/compat.t" compat_build
  grep -q "1 within glibc $glibc, 0 above" "$work/compat.log" || { cat "$work/compat.log" >&2; die "run $i: no floor report within $glibc"; }
done
col() { awk -v c="$2" '{print $c}' "$1"; }
plain_med=$(col "$work/plain.t" 1 | median)
compat_med=$(col "$work/compat.t" 1 | median)
plain_cpu=$(col "$work/plain.t" 2 | median)
compat_cpu=$(col "$work/compat.t" 2 | median)

# --- per-call overhead of the wrapper ------------------------------------
calls=$((runs * 3))
cc_wrapper=$("$cb" env --glibc "$glibc" --json | sed -n 's/^ *"CC": "\(.*\)",\{0,1\}$/\1/p')
[ -x "$cc_wrapper" ] || die "no wrapper at $cc_wrapper"
cd "$work"
printf 'int answer(void) { return 42; }\nint main(void) { return answer() - 42; }\n' > x.c
gcc -c x.c -o x.o
: > cc.us; : > wc.us; : > cl.us; : > wl.us
for i in $(seq 1 "$calls"); do
  t0=$(now); gcc -c x.c -o y.o; t1=$(now); echo $(((t1 - t0) / 1000)) >> cc.us
  t0=$(now); "$cc_wrapper" -c x.c -o y.o; t1=$(now); echo $(((t1 - t0) / 1000)) >> wc.us
  t0=$(now); gcc x.o -o xl; t1=$(now); echo $(((t1 - t0) / 1000)) >> cl.us
  t0=$(now); "$cc_wrapper" x.o -o xl; t1=$(now); echo $(((t1 - t0) / 1000)) >> wl.us
done

awk -v p="$plain_med" -v c="$compat_med" -v pm="$(col "$work/plain.t" 1 | minimum)" -v cm="$(col "$work/compat.t" 1 | minimum)" \
  -v pc="$plain_cpu" -v cc="$compat_cpu" -v n="$runs" -v g="$glibc" 'BEGIN {
  printf "touch src/lib.rs && cargo build --release (hello-cdylib, %d runs each, medians):\n", n
  printf "  plain cargo                     wall %7.1f ms (min %.1f)   cpu %7.1f ms\n", p, pm, pc
  printf "  compatbuild cargo --glibc %s  wall %7.1f ms (min %.1f)   cpu %7.1f ms\n", g, c, cm, cc
  printf "  ratio                           wall %7.3fx                  cpu %7.3fx   (target <= 1.05x)\n", c/p, cc/pc
}'
per_call() { # label baseline-file wrapper-file
  awk -v l="$1" -v a="$(median < "$2")" -v b="$(median < "$3")" -v am="$(minimum < "$2")" -v bm="$(minimum < "$3")" 'BEGIN {
    printf "  %-17s gcc %6.2f ms, wrapper %6.2f ms: +%.2f ms   (min: %.2f, %.2f: +%.2f ms)\n", l, a/1000, b/1000, (b-a)/1000, am/1000, bm/1000, (bm-am)/1000
  }'
}
echo "per compiler call ($calls calls each, median):"
per_call "compile only:" cc.us wc.us
per_call "link, cache hit:" cl.us wl.us
