package driver

// The functions catalogue/overrides.tsv names (posix_spawn,
// pthread_create, ...) are replaced exactly in the outputs that use a
// polyfill which needs it, with every linker: an output that calls them
// but none of the newer symbols imports glibc's, as without compatbuild;
// one that also calls posix_spawn_file_actions_addchdir_np and
// pthread_attr_setsigmask_np defines them all itself (hidden, for every
// reference in it) and imports none, and its spawns and threads honour
// the newer settings under real glibc 2.31.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

const (
	wantCallsPlain = "child in /tmp\nchild in /tmp\nthread blocks USR1: 0\n"
	wantCallsNewer = "child in /\nchild in /\nthread blocks USR1: 1\n"
)

// replaced lists catalogue/overrides.tsv's functions that target's
// override archive defines.
func replaced(t *testing.T, target string) []string {
	t.Helper()
	v := abidb.MustParseVersion(target)
	syms, err := libcompat.OverrideSymbols(libcompat.Target{Arch: "x86_64", Glibc: libcompat.Version{Major: v.Major, Minor: v.Minor}})
	if err != nil {
		t.Fatal(err)
	}
	return syms
}

// checkOverrides asserts that path defines (hidden) exactly the functions
// in local among all overrides.tsv names, and imports the others from
// glibc.
func checkOverrides(t *testing.T, path string, all, local []string) {
	t.Helper()
	u := readSymbolUse(t, path)
	if len(local) == 0 {
		// Nothing of the override archive came in.
		for name := range u.locals {
			if strings.HasPrefix(name, "__compat_") {
				t.Errorf("%s defines %s", filepath.Base(path), name)
			}
		}
	}
	for _, f := range all {
		switch {
		case u.exports[f]:
			t.Errorf("%s exports %s", filepath.Base(path), f)
		case slices.Contains(local, f) && (!u.locals[f] || u.imports[f] != ""):
			t.Errorf("%s: %s imported %q, defined locally %v; want only compatbuild's hidden definition", filepath.Base(path), f, u.imports[f], u.locals[f])
		case !slices.Contains(local, f) && (u.locals[f] || u.imports[f] == ""):
			t.Errorf("%s: %s imported %q, defined locally %v; want glibc's", filepath.Base(path), f, u.imports[f], u.locals[f])
		}
	}
}

func TestOverridesOnlyWhereUsed(t *testing.T) {
	old := debian11(t)
	src := filepath.Join("testdata", "overrides")
	all := replaced(t, "2.17")
	if len(all) != 7 {
		t.Fatalf("2.17 replaces %v, want the 7 functions of overrides.tsv", all)
	}
	// At 2.29 glibc's addchdir_np copies paths its destroy frees: that
	// one stays glibc's.
	at229 := replaced(t, "2.29")
	if slices.Contains(at229, "posix_spawn_file_actions_destroy") || !slices.Contains(at229, "posix_spawn") {
		t.Errorf("2.29 replaces %v", at229)
	}
	if r := replaced(t, "2.39"); len(r) != 0 {
		t.Errorf("2.39 replaces %v, want nothing", r)
	}
	for _, ld := range []string{"bfd", "gold", "lld", "mold"} {
		t.Run(ld, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, target := range []string{"2.17", "2.29"} {
				newer := replaced(t, target)
				if target == "2.29" {
					// 2.29 has addchdir_np; only the posix_spawn part
					// is replaced there, and only with its newer
					// closefrom: covered by the catalogue tests.
					newer = nil
				}
				for _, variant := range []struct {
					name   string
					flags  []string
					local  []string
					output string
				}{
					{"plain", nil, nil, wantCallsPlain},
					{"newer", []string{"-DNEWER"}, newer, wantCallsNewer},
					{"newer-asneeded", []string{"-DNEWER", "-Wl,--as-needed", "-lpthread"}, newer, wantCallsNewer},
				} {
					if target == "2.29" && variant.name != "plain" {
						continue
					}
					prog := filepath.Join(dir, fmt.Sprintf("%s-%s", variant.name, target))
					args := append([]string{"-fuse-ld=" + ld, "-O2"}, variant.flags...)
					mustLink(t, false, target, append(args, filepath.Join(src, "program.c"), "-o", prog, "-pthread")...)
					checkFloor(t, prog, abidb.MustParseVersion(target))
					checkOverrides(t, prog, all, variant.local)
					runUnder(t, old, "glibc 2.31", variant.output, prog)
				}
			}

			// A plugin: the replacements stay inside it, the host's
			// calls are glibc's.
			host := filepath.Join(dir, "host")
			mustLink(t, false, "2.17", "-fuse-ld="+ld, "-O2", filepath.Join(src, "host.c"), "-o", host, "-ldl")
			for _, variant := range []struct {
				name, output string
				flags, local []string
			}{{"plain", wantCallsPlain, nil, nil}, {"newer", wantCallsNewer, []string{"-DNEWER"}, all}} {
				lib := filepath.Join(dir, "lib"+variant.name+".so")
				args := append([]string{"-fuse-ld=" + ld, "-O2", "-shared", "-fPIC"}, variant.flags...)
				mustLink(t, false, "2.17", append(args, filepath.Join(src, "library.c"), "-o", lib, "-pthread")...)
				checkOverrides(t, lib, all, variant.local)
				runUnder(t, old, "glibc 2.31", variant.output, host, lib)
			}

			// pthread_create as the only threads call: glibc's must
			// still be loaded to be found.
			det := filepath.Join(dir, "detached")
			mustLink(t, false, "2.17", "-fuse-ld="+ld, "-O2", filepath.Join(src, "detached.c"), "-o", det)
			if needed := readNeeded(t, det); !slices.Contains(needed, "libpthread.so.0") {
				t.Errorf("detached: needs %v, not libpthread.so.0", needed)
			}
			runUnder(t, old, "glibc 2.31", "detached thread blocks USR1: y\n", det)
		})
	}
}
