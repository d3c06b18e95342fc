package libcompat

import (
	"regexp"
	"slices"
	"testing"

	"compatbuild/internal/abidb"
)

// TestOverrideVersions: the version each src/<arch>/arch.h names for a
// function the overrides look up in the running glibc (libcsym.h) is the
// one a link at the ABI's first release binds, and every later release
// still exports the function at it (2.34 kept pthread_create's old
// version when it moved the function into libc.so.6), so the lookup finds
// glibc's function on every glibc the output can run on.
func TestOverrideVersions(t *testing.T) {
	defRe := regexp.MustCompile(`(?m)^#define\s+COMPAT_VERSION_(\w+)\s+"([^"]+)"`)
	for name, arch := range arches {
		t.Run(name, func(t *testing.T) {
			data, err := sources.ReadFile("src/" + arch.dir + "/arch.h")
			if err != nil {
				t.Fatal(err)
			}
			db, err := abidb.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			defs := defRe.FindAllStringSubmatch(string(data), -1)
			if len(defs) < 4 {
				t.Fatalf("arch.h names %d versions, want those of the overrides' look-ups", len(defs))
			}
			for _, d := range defs {
				sym, node := d[1], d[2]
				first := db.First()
				if _, sv, ok := db.LibraryOf(sym, first); !ok || sv.Node != node {
					t.Errorf("%s: arch.h says %s@%s; a link at %s binds %s (%v)", name, sym, node, first, sv.Node, ok)
				}
				var at []abidb.Version
				for _, a := range db.History(sym) {
					if a.Node == node {
						at = append(at, a.Releases...)
					}
				}
				for _, r := range db.Releases() {
					if !slices.Contains(at, r) {
						t.Errorf("%s: glibc %s exports no %s@%s", name, r, sym, node)
					}
				}
			}
		})
	}
}
