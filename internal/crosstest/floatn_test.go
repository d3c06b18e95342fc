package crosstest

import (
	"path/filepath"
	"testing"

	"compatbuild/internal/target"
)

// TestCrossFloatNAliases: a program calling the _FloatN names of functions
// glibc 2.17 has (sinf32, acosf64, cbrtf32x), and where long double is
// IEEE binary128 the _Float128 ones (acosf128, expf128, acosf64x,
// strtof128: glibc 2.27 there), built for 2.17 runs under the ABI's real
// glibc with the same results as the float, double and long double
// functions: libcompat_m.a's and libcompat_polyfill.a's alias thunks, per
// catalogue/abi.tsv. (The libm polyfills proper are x86_64's; their
// refusal elsewhere is tested in internal/libcompat.)
func TestCrossFloatNAliases(t *testing.T) {
	for _, c := range []struct{ triple, runtime, want string }{
		{"aarch64-linux-gnu", "debian:11", "binary128 long double: ok\n"},
		{"s390x-linux-gnu", "debian:12", "binary128 long double: ok\n"},
		{"i686-linux-gnu", "debian:11", "floatn: ok\n"},
		{"arm-linux-gnueabihf", "debian:11", "floatn: ok\n"},
	} {
		tg, err := target.Parse(c.triple)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			prog := filepath.Join(t.TempDir(), "floatn")
			crossLink(t, tg, false, tg.First, "-O2", "testdata/floatn.c", "-lm", "-o", prog)
			if floor := floorByReadelf(t, prog); tg.First.Less(floor) {
				t.Errorf("floor %s above %s", floor, tg.First)
			}
			rt := archRuntime(t, c.runtime, tg)
			if out, err := run(t, rt, prog); err != nil || out != c.want {
				t.Errorf("under %s's glibc %s: %v\n%s\nwant:\n%s", c.runtime, rt.Glibc, err, out, c.want)
			}
		})
	}
}

// TestCrossFloat128Text: on i386 and powerpc64le, where _Float128 is a
// type of its own, strtof128 and strfromf128 in a program built for a
// release before 2.26 are compatbuild's exact conversions (f128.c), which
// read the rounding direction fesetround set: the x87 control word on
// i386, the FPSCR on powerpc64le.
func TestCrossFloat128Text(t *testing.T) {
	for _, c := range []struct{ triple, runtime string }{
		{"i686-linux-gnu", "debian:11"},
		{"powerpc64le-linux-gnu", "debian:12"},
	} {
		tg, err := target.Parse(c.triple)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tg.ABI, func(t *testing.T) {
			t.Parallel()
			prog := filepath.Join(t.TempDir(), "strtof128")
			crossLink(t, tg, false, tg.First, "-O2", "testdata/strtof128.c", "-lm", "-o", prog)
			if floor := floorByReadelf(t, prog); tg.First.Less(floor) {
				t.Errorf("floor %s above %s", floor, tg.First)
			}
			rt := archRuntime(t, c.runtime, tg)
			if out, err := run(t, rt, prog); err != nil || out != "strtof128: ok\n" {
				t.Errorf("under %s's glibc %s: %v\n%s", c.runtime, rt.Glibc, err, out)
			}
		})
	}
}
