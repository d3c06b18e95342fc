package sysroot

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/libcompat"
)

// arMembers returns the object files of an ar archive.
func arMembers(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("!<arch>\n")) {
		t.Fatal("not an ar archive")
	}
	out := map[string][]byte{}
	var longNames []byte
	for off := 8; off+60 <= len(data); {
		hdr := data[off : off+60]
		size, err := strconv.Atoi(strings.TrimSpace(string(hdr[48:58])))
		if err != nil {
			t.Fatalf("bad member size %q", hdr[48:58])
		}
		name := strings.TrimSpace(string(hdr[0:16]))
		body := data[off+60 : off+60+size]
		switch {
		case name == "/" || name == "/SYM64/":
		case name == "//":
			longNames = body
		case strings.HasPrefix(name, "/"):
			i, _ := strconv.Atoi(name[1:])
			end := bytes.Index(longNames[i:], []byte("/\n"))
			out[string(longNames[i:i+end])] = body
		default:
			out[strings.TrimSuffix(name, "/")] = body
		}
		off += 60 + size + size%2
	}
	return out
}

func definedNames(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF {
			out[s.Name] = true
		}
	}
	return out
}

// The implicit stubs of the merged libraries sit in front of libc.so.6 in
// libc.so, outside its group, and are processed once, when ld reaches them,
// after the polyfill archive's first scan. That is right only if (1) they
// define nothing libc.so.6 defines, so no binding changes, and (2) every
// reference of the archives resolves in libc.so.6, the loader, the
// libraries offered after the polyfills (the implicit stubs, libresolv for
// the resolver aliases) or another member.
func TestImplicitMergedLibraries(t *testing.T) {
	for _, target := range []string{"2.17", "2.28", "2.33"} {
		t.Run(target, func(t *testing.T) {
			spec := Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion(target), CC: []string{"gcc"}}
			sr, err := EnsureIn(context.Background(), t.TempDir(), spec)
			if err != nil {
				t.Fatal(err)
			}
			if err := sr.BuildPolyfills(context.Background()); err != nil {
				t.Fatal(err)
			}
			libc := definedNames(t, filepath.Join(sr.Dir, "libc.so.6"))
			provided := definedNames(t, filepath.Join(sr.Dir, "ld-linux-x86-64.so.2"))
			for n := range libc {
				provided[n] = true
			}
			implicit, _ := filepath.Glob(filepath.Join(sr.Dir, implicitDirName, "*"))
			if len(implicit) != 5 {
				t.Errorf("implicit stubs %v, want the 5 merged libraries", implicit)
			}
			for _, stub := range implicit {
				n := 0
				for name := range definedNames(t, stub) {
					n++
					if libc[name] {
						t.Errorf("%s defines %s, which libc.so.6 defines too", filepath.Base(stub), name)
					}
				}
				if strings.HasPrefix(filepath.Base(stub), "libpthread") && n < 50 {
					t.Errorf("%s defines only %d symbols", filepath.Base(stub), n)
				}
			}
			offered := map[string]bool{}
			for _, stub := range append(implicit, filepath.Join(sr.Dir, "libresolv.so.2")) {
				for name := range definedNames(t, stub) {
					offered[name] = true
				}
			}
			script, _ := os.ReadFile(filepath.Join(sr.Dir, "libc.so"))
			checkLibcScriptOrder(t, string(script), sr.Dir, true, true)
			linkerDefined := map[string]bool{"_GLOBAL_OFFSET_TABLE_": true, "__dso_handle": true, "_init": true, "_fini": true,
				"__init_array_start": true, "__init_array_end": true, "__preinit_array_start": true, "__preinit_array_end": true,
				"__fini_array_start": true, "__fini_array_end": true, "_DYNAMIC": true}
			// The polyfills and their override parts (read later, in
			// the same group) may reference each other.
			polyfills := map[string][]byte{}
			for _, archive := range []string{libcompat.PolyfillName, libcompat.OverrideName} {
				data, err := os.ReadFile(filepath.Join(sr.Dir, archive))
				if err != nil {
					t.Fatal(err)
				}
				for name, obj := range arMembers(t, data) {
					polyfills[archive+":"+name] = obj
				}
			}
			for _, archive := range []string{"libc_nonshared.a", libcompat.PolyfillName, libcompat.OverrideName} {
				data, err := os.ReadFile(filepath.Join(sr.Dir, archive))
				if err != nil {
					t.Fatal(err)
				}
				members := arMembers(t, data)
				if len(members) == 0 {
					t.Fatalf("%s has no members", archive)
				}
				resolving := members
				if archive != "libc_nonshared.a" {
					resolving = polyfills
				}
				for name, obj := range members {
					f, err := elf.NewFile(bytes.NewReader(obj))
					if err != nil {
						t.Fatalf("%s(%s): %v", archive, name, err)
					}
					syms, _ := f.Symbols()
					for _, s := range syms {
						if s.Section != elf.SHN_UNDEF || s.Name == "" || elf.ST_BIND(s.Info) == elf.STB_WEAK || provided[s.Name] || linkerDefined[s.Name] || inArchive(resolving, s.Name) {
							continue
						}
						// The override parts come after the offered
						// libraries: they must need none of them.
						if archive != libcompat.PolyfillName || !offered[s.Name] {
							t.Errorf("%s(%s) needs %s, which neither libc.so.6, the loader nor (for the polyfills) an offered library defines at %s", archive, name, s.Name, target)
						}
					}
				}
			}
		})
	}
}

// inArchive reports whether any member defines name (polyfills may call
// each other).
func inArchive(members map[string][]byte, name string) bool {
	for _, obj := range members {
		f, err := elf.NewFile(bytes.NewReader(obj))
		if err != nil {
			continue
		}
		syms, _ := f.Symbols()
		for _, s := range syms {
			if s.Name == name && s.Section != elf.SHN_UNDEF {
				return true
			}
		}
	}
	return false
}

// checkLibcScriptOrder checks libc.so's shape: when the target lacks the
// merged libraries (implicit), the polyfill archive, then the implicit
// libraries and libresolv (when aliases call it) as-needed, before the group, so ld looks at them
// once, while its symbol table is small, and after the polyfill members
// that call them; the group, archives before libc.so.6, so libc.so.6 is
// judged with every reference known; then the loader, as-needed and
// outside the group, so ld's second pass over the group does not copy the
// symbol table for it again.
//
// With override set, the override archive (libcompat_override.a) follows
// libc.so.6 in the group: a reference to posix_spawn or pthread_create
// finds glibc's first, so only a polyfill member's own reference takes the
// replacement.
func checkLibcScriptOrder(t *testing.T, script, dir string, implicit, override bool) {
	t.Helper()
	q := func(elem ...string) string { return `"` + filepath.Join(append([]string{dir}, elem...)...) + `"` }
	firstScanAt := strings.Index(script, "\nINPUT ( "+q(libcompat.PolyfillName)+" )\n")
	implicitAt := strings.Index(script, "\nINPUT ( AS_NEEDED ( "+q(implicitDirName, "libpthread.so.0"))
	resolvAt := strings.Index(script, q("libresolv.so.2")+" ) )\n")
	group := "\nGROUP ( " + q(libcompat.PolyfillName) + " " + q(libcompat.NonsharedName) + " " + q("libc.so.6")
	if override {
		group += " " + q(libcompat.OverrideName)
	}
	groupAt := strings.Index(script, group+" )")
	loaderAt := strings.Index(script, "\nINPUT ( AS_NEEDED ( "+q("ld-linux-x86-64.so.2")+" ) )")
	switch {
	case groupAt < 0 || loaderAt < groupAt:
		t.Errorf("libc.so: want the group (archives, then libc.so.6), then the loader as-needed after it:\n%s", script)
	case implicit && (firstScanAt < 0 || implicitAt < firstScanAt || groupAt < implicitAt || (resolvAt >= 0 && (resolvAt < implicitAt || groupAt < resolvAt))):
		t.Errorf("libc.so does not offer the polyfills, then the implicit libraries and libresolv, first, outside the group:\n%s", script)
	case !implicit && (implicitAt >= 0 || resolvAt >= 0 || firstScanAt >= 0):
		t.Errorf("libc.so offers implicit libraries at a target that merged them:\n%s", script)
	}
	if strings.Count(script, "AS_NEEDED") != map[bool]int{true: 2, false: 1}[implicit] {
		t.Errorf("libc.so: unexpected AS_NEEDED lists:\n%s", script)
	}
}

// From 2.34 on there is nothing implicit to offer; the loader still
// follows the group. From 2.39 on no function is overridden, and the
// override archive is not read at all.
func TestLibcScriptAt234(t *testing.T) {
	for _, c := range []struct {
		target   string
		override bool
	}{{"2.34", true}, {"2.39", false}} {
		spec := Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion(c.target), CC: []string{"gcc"}}
		sr, err := EnsureIn(context.Background(), t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		script, err := os.ReadFile(filepath.Join(sr.Dir, "libc.so"))
		if err != nil {
			t.Fatal(err)
		}
		checkLibcScriptOrder(t, string(script), sr.Dir, false, c.override)
		if !c.override && strings.Contains(string(script), libcompat.OverrideName) {
			t.Errorf("%s: libc.so reads %s:\n%s", c.target, libcompat.OverrideName, script)
		}
	}
}

// libc.so lists libc_nonshared.a and the polyfills before the libraries,
// where glibc lists them after libc.so.6. That binds the same only if the
// archives define no symbol that one of the stubs exports as a default
// version (one a new link could bind): true at every release, for headers
// declaring either form of the names whose ABI changed, or a reference
// would move from the library to the archive.
func TestArchivesBindLikeGlibc(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	for _, headers := range []string{"2.30", "2.44"} {
		h := abidb.MustParseVersion(headers)
		for _, target := range db.Releases() {
			if target.Less(abidb.MustParseVersion("2.17")) {
				continue
			}
			archivesBindLikeGlibc(t, db, target, h)
		}
	}
}

func archivesBindLikeGlibc(t *testing.T, db *abidb.DB, target, headers abidb.Version) {
	nonshared, polyfill, math, err := libcompat.ArchiveSymbols(libcompatTarget(db, target, headers, "x86_64"))
	if err != nil {
		t.Fatal(err)
	}
	polyfill = append(polyfill, math...)
	if len(nonshared) == 0 {
		t.Fatalf("%s: libc_nonshared.a defines nothing", target)
	}
	offered := []string{"libc", "ld", "libm", "libmvec"}
	if target.Less(v234) {
		offered = append(offered, append(MergedIn234, "libresolv")...)
	}
	for _, lib := range offered {
		exports, err := stubExports(db, lib, target, headers)
		if err != nil {
			if lib == "libmvec" {
				continue // from 2.22
			}
			t.Fatalf("%s %s: %v", target, lib, err)
		}
		for _, sv := range exports {
			if sv.Default && (slices.Contains(nonshared, sv.Name) || slices.Contains(polyfill, sv.Name)) {
				t.Errorf("glibc %s, headers %s: the archives define %s, which %s exports as %s@@%s", target, headers, sv.Name, db.Soname(lib), sv.Name, sv.Node)
			}
		}
	}
}

// libm.so lists libcompat_m.a (the libm and libmvec polyfills) in its
// group after libm.so.6 and libmvec, so its members can call libm; the
// archive starts as a placeholder and is built on demand like the libc
// polyfills.
func TestLibmScriptHoldsMathPolyfills(t *testing.T) {
	for _, target := range []string{"2.17", "2.28"} {
		spec := Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion(target), CC: []string{"gcc"}}
		sr, err := EnsureIn(context.Background(), t.TempDir(), spec)
		if err != nil {
			t.Fatal(err)
		}
		script, err := os.ReadFile(filepath.Join(sr.Dir, "libm.so"))
		if err != nil {
			t.Fatal(err)
		}
		q := func(name string) string { return `"` + filepath.Join(sr.Dir, name) + `"` }
		libm, mvec, math := q("libm.so.6"), q("libmvec.so.1"), q(libcompat.MathName)
		want := "GROUP ( " + libm + " " + math + " )"
		if target == "2.28" {
			want = "GROUP ( " + libm + " AS_NEEDED ( " + mvec + " ) " + math
		}
		if !strings.Contains(string(script), want) {
			t.Errorf("%s libm.so:\n%s\nwant %q", target, script, want)
		}
		if _, err := sr.ArchiveSymbols(libcompat.MathName); err != nil {
			t.Error(err)
		}
		if err := sr.BuildArchive(context.Background(), libcompat.MathName); err != nil {
			t.Error(err)
		}
		if !sr.ArchiveBuilt(libcompat.MathName) {
			t.Errorf("%s: %s not built after BuildArchive", target, libcompat.MathName)
		}
		if err := sr.BuildArchive(context.Background(), "libfoo.a"); err == nil {
			t.Error("BuildArchive of an unknown archive succeeded")
		}
	}
}
