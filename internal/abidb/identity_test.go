package abidb

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// identityOf returns, for lib at target, each named symbol's Alias and
// binding as "alias/weak" (alias "-" when the symbol is an object of its
// own), keyed by name (the default version's entry).
func identityOf(t *testing.T, db *DB, lib string, target Version, names ...string) map[string]string {
	t.Helper()
	exports, err := db.Exports(lib, target)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, sv := range exports {
		if !slices.Contains(names, sv.Name) || !sv.Default {
			continue
		}
		alias := sv.Alias
		if alias == "" {
			alias = "-"
		}
		out[sv.Name] = fmt.Sprintf("%s/%v", strings.Split(alias, "@")[0], sv.Weak)
	}
	return out
}

// TestDataAliasesEveryRelease: the data objects whose names a copy
// relocation must keep together are one object, with glibc's bindings, at
// every release of every ABI (read or not: the nearest release read stands
// in), and signgam gains its strong name __signgam only where glibc has it.
func TestDataAliasesEveryRelease(t *testing.T) {
	want := map[string]string{
		"environ": "__environ/true", "_environ": "__environ/true", "__environ": "__environ/false",
		"tzname": "__tzname/true", "__tzname": "__tzname/false",
		"timezone": "__timezone/true", "__timezone": "__timezone/false",
		"daylight": "__daylight/true", "__daylight": "__daylight/false",
		"program_invocation_name": "__progname_full/true", "__progname_full": "__progname_full/false",
		"program_invocation_short_name": "__progname/true", "__progname": "__progname/false",
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	v223 := MustParseVersion("2.23")
	for _, abi := range ABIs {
		db := MustLoad(abi)
		for _, target := range db.Releases() {
			got := identityOf(t, db, "libc", target, names...)
			for n, w := range want {
				if got[n] != w {
					t.Errorf("%s %s libc %s: alias/weak %q, want %q", abi, target, n, got[n], w)
				}
			}
			m := identityOf(t, db, "libm", target, "signgam", "__signgam")
			wantSigngam, wantStrong := "-/true", ""
			if !target.Less(v223) {
				wantSigngam, wantStrong = "__signgam/true", "__signgam/false"
			}
			if m["signgam"] != wantSigngam || m["__signgam"] != wantStrong {
				t.Errorf("%s %s libm: signgam %q, __signgam %q; want %q, %q", abi, target, m["signgam"], m["__signgam"], wantSigngam, wantStrong)
			}
		}
	}
}

// TestIdentityAcrossVersions: one object can carry several versions of a
// name: from 2.34 libc's pthread_create@GLIBC_2.34 is the old
// libpthread's pthread_create@GLIBC_2.2.5, re-exported by libc.
func TestIdentityAcrossVersions(t *testing.T) {
	db := MustLoad("x86_64")
	exports, err := db.Exports("libc", MustParseVersion("2.36"))
	if err != nil {
		t.Fatal(err)
	}
	var aliases []string
	for _, sv := range exports {
		if sv.Name == "pthread_create" {
			aliases = append(aliases, sv.Node+"="+sv.Alias)
		}
	}
	if len(aliases) != 2 || strings.Split(aliases[0], "=")[1] == "" || strings.Split(aliases[0], "=")[1] != strings.Split(aliases[1], "=")[1] {
		t.Errorf("libc 2.36 pthread_create versions and aliases %v, want GLIBC_2.2.5 and GLIBC_2.34 as one object", aliases)
	}
}
