package driver

// Behaviour tests of the catalogue's polyfills and aliases against glibc's
// own functions. Each program in testdata/catalogue prints facts about the
// functions it checks; built at a target where glibc has them all (native)
// and run under Debian 13's real glibc 2.41, its output is the
// expectation. The same program built for 2.17, 2.28 and 2.31, where some
// or all of them come from the catalogue, must print exactly that under
// real glibc 2.31 (Debian 11) and 2.41. Functions newer than every runtime
// the tests have are checked against fixed expectations instead.
//
// CI needs gcc and apt access for the Debian 11 and 13 runtimes.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/runtimes"
)

// nativeCheck is one program of testdata/catalogue.
type nativeCheck struct {
	name   string   // testdata/catalogue/<name>.c
	syms   []string // the catalogue symbols whose behaviour it checks
	native string   // a target whose glibc has them all; "" for fixed want
	want   string   // the exact output, when there is no native build
	dirArg bool     // takes a scratch directory as argv[1]
	// adjust turns the native output into what glibc itself prints under
	// an older runtime release, where that differs.
	adjust func(out string, rt abidb.Version) string
}

// polyfilledTargets: 2.17 takes everything from the catalogue; 2.28 and
// 2.31 mix the catalogue with glibc's own.
var polyfilledTargets = []string{"2.17", "2.28", "2.31"}

var nativeChecks = []nativeCheck{
	{name: "c11threads", native: "2.41", syms: prefixed("thrd_create thrd_current thrd_detach thrd_equal thrd_exit thrd_join thrd_sleep thrd_yield "+
		"mtx_destroy mtx_init mtx_lock mtx_timedlock mtx_trylock mtx_unlock cnd_broadcast cnd_destroy cnd_init cnd_signal "+
		"cnd_timedwait cnd_wait tss_create tss_delete tss_get tss_set call_once", "")},
	{name: "clockwait", native: "2.41", syms: prefixed("pthread_cond_clockwait pthread_mutex_clocklock pthread_rwlock_clockrdlock "+
		"pthread_rwlock_clockwrlock sem_clockwait pthread_clockjoin_np", "")},
	{name: "syscalls", native: "2.41", dirArg: true, syms: prefixed("preadv2 preadv64v2 pwritev2 pwritev64v2 mlock2 pkey_alloc pkey_free "+
		"pkey_mprotect pkey_get pkey_set renameat2 getcpu getdents64 tgkill execveat epoll_pwait2 fsconfig fsmount fsopen fspick "+
		"mount_setattr move_mount open_tree pidfd_getfd pidfd_open pidfd_send_signal process_madvise process_mrelease pidfd_getpid "+
		"sched_getattr sched_setattr", "")},
	{name: "misc", native: "2.41", dirArg: true, syms: append(prefixed("strerrorname_np strerrordesc_np sigabbrev_np sigdescr_np "+
		"strfromd strfromf strfroml strfromf32 strfromf32x strfromf64 strfromf64x strtof32 strtof32_l strtof32x strtof32x_l "+
		"strtof64 strtof64_l strtof64x strtof64x_l wcstof32 wcstof32_l wcstof32x wcstof32x_l wcstof64 wcstof64_l wcstof64x "+
		"wcstof64x_l mbrtoc8 c8rtomb __memcmpeq mallinfo2 timespec_getres twalk_r pthread_getattr_default_np "+
		"pthread_attr_getsigmask_np _Fork closefrom __rseq_offset __rseq_size __rseq_flags "+
		"fts64_open fts64_read fts64_children fts64_set fts64_close", ""), stdbitSymbols()...),
		adjust: func(out string, rt abidb.Version) string {
			// glibc registers the thread's rseq area from 2.35 on.
			if rt.Less(abidb.MustParseVersion("2.35")) {
				return strings.Replace(out, "rseq registered by glibc: yes", "rseq registered by glibc: no", 1)
			}
			return out
		}},
	{name: "cpu_features", native: "2.41", syms: []string{"__x86_get_cpuid_feature_leaf"}},
	// posix_spawn with every file action (the newer ones mixed with
	// glibc's own), attribute flag and exec failure, the cgroup attribute
	// (into a new cgroup where the system allows one), pidfd_spawn with
	// waitid(P_PIDFD), and the same on kernels without clone3 or
	// waitid(P_PIDFD) (seccomp): the program spawns itself, which reports
	// what it sees. Below 2.39 the program also carries compatbuild's
	// posix_spawn (catalogue/overrides.tsv).
	{name: "spawn", native: "2.41", dirArg: true, syms: prefixed("posix_spawn_file_actions_addchdir_np "+
		"posix_spawn_file_actions_addfchdir_np posix_spawn_file_actions_addclosefrom_np "+
		"posix_spawn_file_actions_addtcsetpgrp_np posix_spawnattr_setcgroup_np posix_spawnattr_getcgroup_np "+
		"pidfd_spawn pidfd_spawnp", "")},
	// The signal mask of threads created with an attribute that carries
	// one, read in each thread; below 2.32 with compatbuild's
	// pthread_create, pthread_attr_init and pthread_attr_destroy.
	{name: "sigmask", native: "2.41", syms: prefixed("pthread_attr_setsigmask_np pthread_attr_getsigmask_np", "")},
	{name: "f128", native: "2.41", syms: prefixed("strtof128 strtof128_l wcstof128 wcstof128_l __strtof128_internal "+
		"__wcstof128_internal strfromf128", "")},
	{name: "newest", syms: prefixed("uabs ulabs ullabs uimaxabs umaxabs cfgetibaud cfgetobaud cfsetibaud cfsetobaud cfsetbaud "+
		"pthread_gettid_np memalignment free_sized free_aligned_sized mseal openat2", ""),
		want: `uabs: 5 7 2147483648
ulabs: 5 9223372036854775808
ullabs: 9223372036854775808
uimaxabs: 9223372036854775808, umaxabs: 1 42
cfsetobaud 115200: 0, cfgetobaud 115200
cfsetibaud 9600: 0, cfgetibaud 9600
cfsetbaud 4000000: 0, in 4000000 out 4000000
cfsetibaud 0 (as output): 0, cfgetibaud 0
cfsetobaud 12345: -1 EINVAL, unchanged 4000000
cfgetospeed is B4000000: 1
pthread_gettid_np running thread: its tid
pthread_gettid_np self: own tid
memalignment NULL 0, 64-aligned 1, +1 1, +2 2
free_sized, free_aligned_sized: done
mseal bad flags: refused
openat2 bad size: refused
openat2 /: fd (or ENOSYS)
`},
}

// prefixed splits a space-separated list, prefixing each name.
func prefixed(list, prefix string) []string {
	var out []string
	for _, f := range strings.Fields(list) {
		out = append(out, prefix+f)
	}
	return out
}

func stdbitSymbols() []string {
	var out []string
	for _, op := range strings.Fields("leading_zeros leading_ones trailing_zeros trailing_ones first_leading_zero first_leading_one " +
		"first_trailing_zero first_trailing_one count_zeros count_ones has_single_bit bit_width bit_floor bit_ceil") {
		for _, t := range strings.Fields("uc us ui ul ull") {
			out = append(out, "stdc_"+op+"_"+t)
		}
	}
	return out
}

// checkCatalogueUse asserts that path takes each of syms from the glibc
// library the ABI database names at target, at its version there, when the
// target has it, and otherwise defines it itself, hidden.
func checkCatalogueUse(t *testing.T, path string, target abidb.Version, syms []string) {
	t.Helper()
	db := abidb.MustLoad("x86_64")
	u := readSymbolUse(t, path)
	for _, sym := range syms {
		lib, sv, has := db.LibraryOf(sym, target)
		if has {
			if want := db.Soname(lib) + " " + sv.Node; u.imports[sym] != want || u.locals[sym] {
				t.Errorf("%s for %s: %s: imports %q, defines it locally %v; want an import of %s only",
					filepath.Base(path), target, sym, u.imports[sym], u.locals[sym], want)
			}
			continue
		}
		if imp, ok := u.imports[sym]; ok || u.exports[sym] || !u.locals[sym] {
			t.Errorf("%s for %s: %s: imported %v (%s), exported %v, defined locally %v; want a hidden local definition",
				filepath.Base(path), target, sym, ok, imp, u.exports[sym], u.locals[sym])
		}
	}
}

// TestCatalogueAgainstGlibc runs every program of nativeChecks.
func TestCatalogueAgainstGlibc(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	for _, c := range nativeChecks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			build := func(target string) string {
				prog := filepath.Join(dir, c.name+"-"+target)
				mustLink(t, false, target, "-O2", "-Wall", "-Wno-deprecated-declarations", "-pthread",
					filepath.Join("testdata", "catalogue", c.name+".c"), "-o", prog, "-lm")
				checkFloor(t, prog, abidb.MustParseVersion(target))
				checkCatalogueUse(t, prog, abidb.MustParseVersion(target), c.syms)
				return prog
			}
			args := func() []string {
				if c.dirArg {
					return []string{t.TempDir()}
				}
				return nil
			}
			want := c.want
			if c.native != "" {
				nat := build(c.native)
				out, err := run(t, cur, nat, args()...)
				if err != nil {
					t.Fatalf("glibc's own functions (built for %s) under glibc 2.41: %v\n%s", c.native, err, out)
				}
				want = out
			}
			for _, ts := range polyfilledTargets {
				prog := build(ts)
				for _, rt := range []struct {
					rt      *runtimes.Runtime
					release abidb.Version
				}{{old, v231}, {cur, v241}} {
					exp := want
					if c.adjust != nil {
						exp = c.adjust(want, rt.release)
					}
					runUnder(t, rt.rt, fmt.Sprintf("glibc %s (built for %s)", rt.release, ts), exp, prog, args()...)
				}
			}
		})
	}
}

// TestCatalogueEverySymbolHasABehaviourCheck keeps the programs in step
// with the catalogue: a new polyfill or alias needs a program that checks
// it.
func TestCatalogueEverySymbolHasABehaviourCheck(t *testing.T) {
	covered := map[string]bool{
		"_dl_find_object":          true, // TestPolyfillDlFindObject
		"__cxa_thread_atexit_impl": true, // TestPolyfillThreadDestructors
	}
	for _, p := range polyfillPrograms {
		for _, s := range p.syms {
			covered[s] = true
		}
	}
	for _, c := range nativeChecks {
		for _, s := range c.syms {
			covered[s] = true
		}
	}
	for _, s := range resolverSymbols {
		covered[s] = true
	}
	for _, s := range append(libcompat.PolyfillSymbols(libcompat.PolyfillName), statFamily...) {
		// A form of a name the headers decide (termios speeds, totalorder,
		// fromfp) is run against glibc's own by the abichange tests.
		if _, ok := libcompat.DecidedByHeaders("x86_64", s); ok && strings.HasPrefix(s, "cf") {
			covered[s] = true // TestTermiosSpeedsFollowTheHeaders
		}
		if !covered[s] {
			t.Errorf("%s: no program in testdata/polyfills or testdata/catalogue checks its behaviour; add one", s)
		}
	}
}

// Polyfills that call libpthread (thrd_create calls pthread_create) find
// it below 2.34 whatever the user's link line does with it: nothing,
// --as-needed, or -lpthread before the objects under --as-needed (where ld
// drops a library no earlier object needed), with GNU ld, gold, lld and
// mold; the program then needs libpthread.so.0 and runs under 2.31.
func TestPolyfillsReachTheMergedLibraries(t *testing.T) {
	old := debian11(t)
	dir := t.TempDir()
	obj := filepath.Join(dir, "c11threads.o")
	mustLink(t, false, "2.17", "-O2", "-c", filepath.Join("testdata", "catalogue", "c11threads.c"), "-o", obj)
	var want string
	for i, v := range [][]string{nil, {"-Wl,--as-needed"}, {"-Wl,--as-needed", "-lpthread"}, {"-fuse-ld=gold", "-Wl,--as-needed", "-lpthread"},
		{"-fuse-ld=lld", "-Wl,--as-needed", "-lpthread"}, {"-fuse-ld=mold", "-Wl,--as-needed", "-lpthread"}} {
		prog := filepath.Join(dir, fmt.Sprintf("c11-%d", i))
		mustLink(t, false, "2.17", append(v, obj, "-o", prog)...)
		if needed := readNeeded(t, prog); !slices.Contains(needed, "libpthread.so.0") {
			t.Errorf("%v: needs %v, not libpthread.so.0", v, needed)
		}
		out, err := run(t, old, prog)
		if err != nil {
			t.Errorf("%v: under 2.31: %v\n%s", v, err, out)
		}
		if i == 0 {
			want = out
		} else if out != want {
			t.Errorf("%v: under 2.31 printed\n%s\nwant\n%s", v, out, want)
		}
	}
}
