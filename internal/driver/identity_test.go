package driver

// glibc's data objects with several names (environ, _environ, __environ;
// tzname, __tzname; __progname, program_invocation_short_name; signgam,
// __signgam...) must stay one object in a program linked through the stub
// sysroot: the program reads them through a copy relocation, and only
// when the linker sees that the names share an address does it define
// them all at the copy, so that glibc writes where the program reads.
// testdata/identity.c reads each of them through each name after glibc
// wrote it; built for old targets (C and C++, PIE and not) and run under
// real glibc 2.31, it must print exactly what the plain build prints on
// this machine.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
)

// identityTargets are the targets the identity program is built for: the
// oldest, one with __signgam, and the runtime's own release.
var identityTargets = []string{"2.17", "2.23", "2.31"}

// identityEnv is the whole environment every build runs with. A program
// started under a runtime gets the runtime's LD_LIBRARY_PATH in place of
// the empty one here, so the plain build on the host sees as many
// entries.
var identityEnv = []string{"A=1", "B=2", "LD_LIBRARY_PATH="}

// identityVariant is one way to build the program.
type identityVariant struct {
	target string
	cxx    bool
	pie    bool
	linker string // -fuse-ld
}

func (v identityVariant) String() string {
	s := v.target + "-c"
	if v.cxx {
		s += "++"
	}
	if v.pie {
		s += "-pie"
	} else {
		s += "-no-pie"
	}
	return s + "-" + v.linker
}

// identityVariants: C and C++, PIE and not, for every target with GNU ld;
// C for 2.31 with gold, lld and mold too. GNU ld and gold keep two STB_GLOBAL
// names of one object apart in a program (sys_errlist and _sys_errlist get
// a copy each), lld and mold join them: a stub must do what the real
// library does with each.
func identityVariants() []identityVariant {
	var out []identityVariant
	for _, target := range identityTargets {
		for _, cxx := range []bool{false, true} {
			for _, pie := range []bool{true, false} {
				out = append(out, identityVariant{target, cxx, pie, "bfd"})
			}
		}
	}
	for _, ld := range []string{"gold", "lld", "mold"} {
		for _, pie := range []bool{true, false} {
			out = append(out, identityVariant{"2.31", false, pie, ld})
		}
	}
	return out
}

// compileFlags are the flags the object is compiled with; errlist adds
// the sys_errlist section, which only builds for glibc up to 2.31 link.
func (v identityVariant) compileFlags(errlist bool) []string {
	flags := []string{"-O2", "-Wall", "-Werror", "-Wno-deprecated-declarations"}
	if v.cxx {
		flags = append(flags, "-x", "c++")
	}
	if v.pie {
		flags = append(flags, "-fPIE")
	} else {
		flags = append(flags, "-fno-PIE")
	}
	if !abidb.MustParseVersion(v.target).Less(abidb.MustParseVersion("2.23")) {
		flags = append(flags, "-DSIGNGAM_ALIAS")
	}
	if errlist {
		flags = append(flags, "-DERRLIST")
	}
	return flags
}

func (v identityVariant) linkFlags() []string {
	flags := []string{"-fuse-ld=" + v.linker, "-no-pie"}
	if v.pie {
		flags[1] = "-pie"
	}
	return flags
}

// debian11Dev is Debian 11's runtime with libc6-dev: its crt files,
// libc.so and libm.so scripts and libc_nonshared.a let a program be
// linked against the real glibc 2.31, the reference a stub link must
// match.
var debian11Dev = sync.OnceValues(func() (*runtimes.Runtime, error) {
	return runtimes.GetWithOptions(context.Background(), "debian:11", runtimes.Options{
		CacheDir: os.Getenv("COMPATBUILD_TEST_RUNTIMES"),
		Packages: append(runtimes.DefaultPackages(), "libc6-dev"),
	})
})

// linkAgainstReal links objects against the real glibc of rt (a runtime
// with libc6-dev), as a build on that system would: its start files,
// libc.so and libm.so first, the sysroot for the scripts' absolute paths.
// The host's libstdc++ needs a newer glibc; like compatbuild, the link
// lets shared libraries keep undefined symbols.
func linkAgainstReal(t *testing.T, rt *runtimes.Runtime, cc string, args ...string) {
	t.Helper()
	lib := filepath.Join(rt.Root, "usr", "lib", "x86_64-linux-gnu")
	full := append([]string{"--sysroot=" + rt.Root, "-B" + lib + "/", "-L" + lib, "-L" + filepath.Join(rt.Root, "lib", "x86_64-linux-gnu"), "-Wl,--allow-shlib-undefined"}, args...)
	if out, err := exec.Command(cc, full...).CombinedOutput(); err != nil {
		t.Fatalf("linking against %s's glibc: %s %v: %v\n%s", rt.Name, cc, full, err, out)
	}
}

func runWith(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	cmd.Env = identityEnv
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", cmd.Path, err, out)
	}
	return string(out)
}

// TestDataAliasesStayOneObject: one object file per variant is linked
// three ways: plainly on this machine (run here), against the real glibc
// 2.31 (run under it), and by the driver for the target (run under 2.31).
// The compat build must print exactly what the real 2.31 build prints, and
// exactly what the plain build prints (which lacks the sys_errlist line:
// this machine's glibc no longer links it).
func TestDataAliasesStayOneObject(t *testing.T) {
	rt, err := debian11Dev()
	if err != nil {
		t.Fatalf("getting Debian 11 with libc6-dev (needs apt access to a Debian mirror): %v", err)
	}
	dir := t.TempDir()
	for _, v := range identityVariants() {
		t.Run(v.String(), func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, v.String())
			if err := os.MkdirAll(filepath.Join(sub, "plain"), 0o755); err != nil {
				t.Fatal(err)
			}
			cc := "gcc"
			if v.cxx {
				cc = "g++"
			}
			target := abidb.MustParseVersion(v.target)
			errlist := target.Less(v232) // sys_errlist is linkable up to 2.31
			compile := func(obj string, errlist bool) {
				args := append(v.compileFlags(errlist), "-c", "testdata/identity.c", "-o", obj)
				if out, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
					t.Fatalf("%s %v: %v\n%s", cc, args, err, out)
				}
			}
			obj, plainObj := filepath.Join(sub, "identity.o"), filepath.Join(sub, "plain.o")
			compile(obj, errlist)
			compile(plainObj, false)

			plain := filepath.Join(sub, "plain", "identity")
			if out, err := exec.Command(cc, append(v.linkFlags(), plainObj, "-o", plain, "-lm")...).CombinedOutput(); err != nil {
				t.Fatalf("plain link: %v\n%s", err, out)
			}
			hostOut := runWith(t, exec.Command(plain))

			real := filepath.Join(sub, "identity")
			linkAgainstReal(t, rt, cc, append(v.linkFlags(), obj, "-o", real, "-lm")...)
			realOut := runWith(t, rt.Command(context.Background(), real))

			compat := filepath.Join(sub, "compat", "identity")
			if err := os.MkdirAll(filepath.Dir(compat), 0o755); err != nil {
				t.Fatal(err)
			}
			mustLink(t, v.cxx, v.target, append(v.linkFlags(), obj, "-o", compat, "-lm")...)
			checkFloor(t, compat, target)
			compatOut := runWith(t, rt.Command(context.Background(), compat))

			if compatOut != realOut {
				t.Errorf("built for %s and run under glibc %s, the program prints what a link against the real glibc %s does not:\n%s", v.target, rt.Glibc, rt.Glibc, lineDiff(realOut, compatOut))
			}
			if errlist {
				// The last line is the sys_errlist section.
				i := strings.LastIndex(strings.TrimSuffix(compatOut, "\n"), "\n")
				compatOut = compatOut[:i+1]
			}
			if compatOut != hostOut {
				t.Errorf("built for %s and run under glibc %s, the program prints what the plain build does not print here:\n%s", v.target, rt.Glibc, lineDiff(hostOut, compatOut))
			}
		})
	}
}

// TestIdentityProgramCoversEveryDataAlias: every data object that libc or
// libm exports under two or more linkable names at an identity target is
// read by testdata/identity.c through each of those names, so a new alias
// in the tables cannot go unproven.
func TestIdentityProgramCoversEveryDataAlias(t *testing.T) {
	src, err := os.ReadFile("testdata/identity.c")
	if err != nil {
		t.Fatal(err)
	}
	db := abidb.MustLoad("x86_64")
	var missing []string
	for _, tv := range identityTargets {
		target := abidb.MustParseVersion(tv)
		for _, lib := range []string{"libc", "libm"} {
			exports, err := db.Exports(lib, target)
			if err != nil {
				t.Fatal(err)
			}
			objects := map[string][]string{}
			for _, sv := range exports {
				if sv.Kind == abidb.Object && sv.Default && sv.Alias != "" {
					objects[sv.Alias] = append(objects[sv.Alias], sv.Name)
				}
			}
			if lib == "libc" && len(objects) < 5 {
				t.Errorf("%s at %s: only %d data objects with several names; the alias data is missing", lib, tv, len(objects))
			}
			for _, names := range objects {
				if len(names) < 2 {
					continue
				}
				for _, n := range names {
					if !regexp.MustCompile(`\b` + regexp.QuoteMeta(n) + `\b`).Match(src) {
						missing = append(missing, tv+" "+lib+" "+n)
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("testdata/identity.c does not read these names of data objects with several names: %v", missing)
	}
}
