package sysroot

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

var integritySpec = Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion("2.17"), CC: []string{"gcc"}, Headers: gccHeaders()}

// gccHeaders is the glibc release of gcc's headers, which EnsureIn finds
// for the specs above.
func gccHeaders() abidb.Version {
	info, _ := libcompat.ProbeHeaders(context.Background(), []string{"gcc"})
	return abidb.Version{Major: info.Release.Major, Minor: info.Release.Minor}
}

// sysrootEntries lists root's entries but the compiler headers' records
// (headers.go).
func sysrootEntries(root string) []os.DirEntry {
	entries, _ := os.ReadDir(root)
	var out []os.DirEntry
	for _, e := range entries {
		if e.Name() != headersDirName {
			out = append(out, e)
		}
	}
	return out
}

// pristine is one 2.17 sysroot with its lazily built parts (the polyfill
// archive, gcrt1.o) built too, shared by the tests below, which copy it.
var pristine = sync.OnceValues(func() (string, error) {
	root, err := os.MkdirTemp("", "compatbuild-integrity-")
	if err != nil {
		return "", err
	}
	s, err := EnsureIn(context.Background(), root, integritySpec)
	if err != nil {
		return "", err
	}
	if err := s.BuildPolyfills(context.Background()); err != nil {
		return "", err
	}
	if err := s.BuildProfilingStart(context.Background()); err != nil {
		return "", err
	}
	return s.Dir, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := pristine(); err == nil {
		os.RemoveAll(filepath.Dir(dir))
	}
	os.Exit(code)
}

// copySysroot copies the pristine sysroot into root under its own name,
// as a relocated cache would be if its scripts named the new place
// (relocate) or not.
func copySysroot(t *testing.T, root string, relocate bool) string {
	t.Helper()
	src, err := pristine()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(root, filepath.Base(src))
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if relocate {
			data = bytes.ReplaceAll(data, []byte(src), []byte(dst))
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// files lists the sysroot's files, relative, the stamp included.
func files(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if len(out) < 30 {
		t.Fatalf("only %d files in the sysroot: %v", len(out), out)
	}
	return out
}

type fault struct {
	name  string
	apply func(path string) error
}

// faults are the kinds of damage a cache meets: a file deleted, cut
// short (a full disk, an interrupted copy), or with flipped bits.
var faults = []fault{
	{"deleted", os.Remove},
	{"truncated", func(p string) error {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		return os.Truncate(p, st.Size()/2)
	}},
	{"flipped", func(p string) error {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(data) == 0 {
			data = []byte{0}
		}
		data[len(data)/2] ^= 0xff
		return os.WriteFile(p, data, 0o644)
	}},
}

// Every file of a sysroot, deleted, truncated or with a flipped byte, is
// caught by the check and named; damage to the stamp only costs a full
// check, and a deleted gcrt1.o is one not built yet.
func TestEveryDamageIsDetected(t *testing.T) {
	for _, name := range files(t, mustPristine(t)) {
		for _, f := range faults {
			t.Run(name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				dir := copySysroot(t, t.TempDir(), true)
				if _, err := load(dir, integritySpec); err != nil {
					t.Fatalf("the undamaged copy fails its check: %v", err)
				}
				if err := f.apply(filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
				s, err := load(dir, integritySpec)
				if name == libcompat.Gcrt1Name && f.name == "deleted" {
					// Not built: the next -pg link builds it first.
					if err != nil || s.ProfilingStartBuilt() {
						t.Errorf("a deleted gcrt1.o: %v, built %v; want it seen as not built", err, s != nil && s.ProfilingStartBuilt())
					}
					return
				}
				if strings.HasPrefix(name, stampDir+"/") {
					if err != nil {
						t.Errorf("a damaged stamp is no damaged sysroot: %v", err)
					}
					return
				}
				var d *Damage
				if !errors.As(err, &d) {
					t.Fatalf("load = %v, want damage to %s reported", err, name)
				}
				want := []string{name}
				for _, lazy := range lazyFiles {
					if name == sidecarPrefix+lazy {
						want = append(want, lazy) // the built file no longer has a record
					}
				}
				found := false
				for _, w := range want {
					found = found || d.File == w
				}
				if !found {
					t.Errorf("damage reported as %q, want it to name %s", d, name)
				}
			})
		}
	}
}

func mustPristine(t *testing.T) string {
	t.Helper()
	dir, err := pristine()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// A damaged sysroot is rebuilt by EnsureIn with a note naming the damage;
// so are one without a manifest and one whose scripts name another path
// (a CI cache restored under another $HOME). A file added to the sysroot
// (a stray libfoo.so would take every -lfoo) counts as damage too.
func TestDamagedSysrootIsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		relocate bool
		damage   func(dir string) error
		note     string
	}{
		{"deleted start file", true, func(dir string) error { return os.Remove(filepath.Join(dir, libcompat.Scrt1Name)) }, "Scrt1.o: missing"},
		{"no manifest", true, func(dir string) error { return os.Remove(filepath.Join(dir, manifestName)) }, manifestName + ": missing"},
		{"restored elsewhere", false, func(string) error { return nil }, "names another location of this sysroot"},
		{"stray library", true, func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "libfoo.so"), []byte("INPUT(/tmp/evil.o)\n"), 0o644)
		}, "libfoo.so: not part of this sysroot"},
		{"writable by others", true, func(dir string) error { return os.Chmod(filepath.Join(dir, "libc.so"), 0o666) }, "libc.so: writable by others"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := copySysroot(t, root, tc.relocate)
			if err := tc.damage(dir); err != nil {
				t.Fatal(err)
			}
			s, err := EnsureIn(context.Background(), root, integritySpec)
			if err != nil {
				t.Fatal(err)
			}
			if s.Dir != dir || !strings.Contains(s.Note, tc.note) || !strings.Contains(s.Note, "rebuilt it") {
				t.Errorf("dir %s, note %q; want %s rebuilt with a note saying %q", s.Dir, s.Note, dir, tc.note)
			}
			if _, err := verifyDir(s.Dir, integritySpec); err != nil {
				t.Errorf("the rebuilt sysroot fails its check: %v", err)
			}
			// The intact lazily built parts came along, uncompiled.
			if !s.PolyfillsBuilt() || !s.ProfilingStartBuilt() {
				t.Errorf("after the rebuild: polyfills built %v, gcrt1.o built %v; want both kept", s.PolyfillsBuilt(), s.ProfilingStartBuilt())
			}
			entries := sysrootEntries(root)
			if len(entries) != 1 {
				t.Errorf("the cache root holds %d entries, want only the sysroot", len(entries))
			}
			again, err := EnsureIn(context.Background(), root, integritySpec)
			if err != nil || again.Note != "" {
				t.Errorf("second use: note %q, err %v", again.Note, err)
			}
		})
	}
}

// The full check runs once per state of the directory: later links only
// compare the stamp, until anything changes.
func TestStampSkipsRehashing(t *testing.T) {
	dir := copySysroot(t, t.TempDir(), true)
	before := fullChecks.Load()
	for range 3 {
		if _, err := load(dir, integritySpec); err != nil {
			t.Fatal(err)
		}
	}
	if n := fullChecks.Load() - before; n != 1 {
		t.Errorf("%d full checks for three loads of an unchanged sysroot, want 1", n)
	}
	// Same bytes, but the file was touched (its change time moved): the
	// stamp no longer vouches for it.
	p := filepath.Join(dir, "libc.so.6")
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	before = fullChecks.Load()
	if _, err := load(dir, integritySpec); err != nil {
		t.Fatal(err)
	}
	if n := fullChecks.Load() - before; n != 1 {
		t.Errorf("%d full checks after a file changed, want 1", n)
	}
}

// A cache path that linker scripts cannot carry is refused with the fix;
// spaces, commas, quotes, parentheses and '*' are quoted.
func TestCachePathsInScripts(t *testing.T) {
	_, err := EnsureIn(context.Background(), filepath.Join(t.TempDir(), `say "hi"`), integritySpec)
	if err == nil || !strings.Contains(err.Error(), "set XDG_CACHE_HOME") {
		t.Errorf("a double quote in the cache path: %v", err)
	}
	root := filepath.Join(t.TempDir(), "Jane Doe, O'Brien (x*)")
	s, err := EnsureIn(context.Background(), root, integritySpec)
	if err != nil {
		t.Fatal(err)
	}
	script, _ := os.ReadFile(filepath.Join(s.Dir, "libm.so"))
	if !strings.Contains(string(script), `GROUP ( "`+filepath.Join(s.Dir, "libm.so.6")+`"`) {
		t.Errorf("libm.so does not quote the path:\n%s", script)
	}
}

// CC=./mygcc names a compiler relative to the directory of the link; the
// start files are compiled elsewhere, so it is resolved first.
func TestRelativeCompiler(t *testing.T) {
	dir := t.TempDir()
	gcc, err := filepathLookGCC()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mygcc"), []byte("#!/bin/sh\nexec "+gcc+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	spec := integritySpec
	spec.CC = []string{"./mygcc"}
	s, err := EnsureIn(context.Background(), t.TempDir(), spec)
	if err != nil {
		t.Fatalf("CC=./mygcc: %v", err)
	}
	if s.CC[0] != filepath.Join(dir, "mygcc") {
		t.Errorf("the sysroot's compiler is %q, want the absolute path", s.CC[0])
	}
}

func filepathLookGCC() (string, error) {
	s, err := resolveCompiler([]string{"gcc"})
	if err != nil {
		return "", err
	}
	return s[0], nil
}

// A part built later under a name the check does not know yet is judged
// by its record: kept when it matches, damage when it does not.
func TestLaterPartsAreKnownByTheirRecord(t *testing.T) {
	dir := copySysroot(t, t.TempDir(), true)
	part := filepath.Join(t.TempDir(), "rcrt1.o")
	os.WriteFile(part, []byte("a start file built later\n"), 0o644)
	if err := writeSidecar(dir, "rcrt1.o", part); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(part, filepath.Join(dir, "rcrt1.o")); err != nil {
		t.Fatal(err)
	}
	if _, err := load(dir, integritySpec); err != nil {
		t.Fatalf("a recorded part is refused: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "rcrt1.o"), []byte("a start file built later, changed\n"), 0o644)
	var d *Damage
	if _, err := load(dir, integritySpec); !errors.As(err, &d) || d.File != "rcrt1.o" {
		t.Errorf("a changed recorded part: %v", err)
	}
}
