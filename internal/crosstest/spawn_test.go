package crosstest

import (
	"path/filepath"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/target"
)

// The programs of internal/driver's catalogue tests for the polyfills that
// replace functions of the target's glibc (libcompat's
// catalogue/overrides.tsv): posix_spawn with the newer file actions,
// pidfd_spawn and the cgroup attribute (spawn.c, whose own clone and
// clone3 calls are per-ABI assembly), and the threads' signal mask
// (sigmask.c).
const (
	spawnC   = "../driver/testdata/catalogue/spawn.c"
	sigmaskC = "../driver/testdata/catalogue/sigmask.c"
)

// spawnABIs are the ABIs the spawn and signal-mask polyfills are run on:
// i386 natively, the full check: clone3, every file action and attribute
// seen by the spawned child, exec errors, pidfds, and the program's
// seccomp filter standing in for kernels without clone3, close_range or
// waitid(P_PIDFD). The others under qemu-user, which has no clone3, turns
// CLONE_VM|CLONE_VFORK into a fork (for glibc's posix_spawn and ours
// alike, so the child's exec error is lost), refuses seccomp filters, and
// here cannot exec the spawned foreign program (no binfmt_misc): there
// the check covers the add functions, the attributes, the cgroup and
// pidfd answers, and the clone child path of each ABI's assembly up to
// its exec (exit status 127, not a crash); sigmask.c fully. expect is the ABI whose
// Debian 13 glibc (2.41) runs the program built for 2.41 to give the
// expectation: the ABI's own, except where Debian's mirror serves no
// trixie libc6 of the architecture (powerpc64le and s390x: 404 from the
// pool on this machine), whose expectation is aarch64's under qemu-user
// (the programs print nothing that differs between ABIs).
var spawnABIs = []struct{ triple, expect string }{
	{"i686-linux-gnu", "i686-linux-gnu"},
	{"aarch64-linux-gnu", "aarch64-linux-gnu"},
	{"arm-linux-gnueabihf", "arm-linux-gnueabihf"},
	{"powerpc64le-linux-gnu", "aarch64-linux-gnu"},
	{"s390x-linux-gnu", "aarch64-linux-gnu"},
	{"riscv64-linux-gnu", "riscv64-linux-gnu"},
}

// TestCrossSpawnAndSigmask: each program built for glibc 2.41 (glibc's own
// functions) runs under Debian 13's glibc of the ABI; what it prints is
// the expectation for the same program built for the ABI's oldest release
// (compatbuild's polyfills, and its posix_spawn, posix_spawnp,
// pthread_create, ... in place of the target's) under the old runtime of
// crossRuntimes.
func TestCrossSpawnAndSigmask(t *testing.T) {
	v241 := abidb.MustParseVersion("2.41")
	for _, abi := range spawnABIs {
		tg, err := target.Parse(abi.triple)
		if err != nil {
			t.Fatal(err)
		}
		expectTg, err := target.Parse(abi.expect)
		if err != nil {
			t.Fatal(err)
		}
		oldName := ""
		for _, cr := range crossRuntimes {
			if cr.triple == abi.triple {
				oldName = cr.old
			}
		}
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			cur, old := archRuntime(t, "debian:13", expectTg), archRuntime(t, oldName, tg)
			for _, src := range []string{spawnC, sigmaskC} {
				name := filepath.Base(src)
				dir := t.TempDir()
				native, polyfilled := filepath.Join(dir, "native"), filepath.Join(dir, "polyfilled")
				crossLink(t, expectTg, false, v241, "-O2", "-pthread", src, "-o", native)
				crossLink(t, tg, false, tg.First, "-O2", "-pthread", src, "-o", polyfilled)
				if floor := floorByReadelf(t, polyfilled); tg.First.Less(floor) {
					t.Errorf("%s built for %s: readelf floor %s", name, tg.First, floor)
				}
				var args []string
				if src == spawnC {
					args = []string{t.TempDir()}
				}
				want, err := run(t, cur, native, args...)
				if err != nil {
					t.Fatalf("%s built for 2.41 under %s's glibc %s: %v\n%s", name, expectTg.Debian, cur.Glibc, err, want)
				}
				if src == spawnC {
					args = []string{t.TempDir()}
				}
				got, err := run(t, old, polyfilled, args...)
				if err != nil || got != want {
					t.Errorf("%s built for %s under %s's glibc %s: %v\n%s\nwant (%s's own):\n%s", name, tg.First, tg.Debian, old.Glibc, err, got, expectTg.Debian+" glibc "+cur.Glibc, want)
				}
			}
		})
	}
}
