package sysroot

// Tests that hold the stub libraries to the real thing: Debian bullseye's
// glibc 2.31 and bookworm's glibc 2.36, fetched through the machine's apt
// configuration by internal/runtimes (they fail, not skip, when the
// runtimes cannot be fetched).
//
// libcrypt.so.1 is a special case: Debian builds glibc without libcrypt
// and ships libxcrypt's libcrypt.so.1 (package libcrypt1) instead, which
// has its own XCRYPT_2.0 node and symbols and its own choice of which
// GLIBC_2.2.5 symbols stay linkable. Comparing glibc's list with it for
// equality would test libxcrypt, not the stubs, so libcrypt is left out of
// the equality test; the stub must still be satisfied by it (every node and
// symbol@version the stub hands out resolves in Debian's libcrypt.so.1),
// because that is the library a program linked against the stub loads.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"compatbuild/internal/abidb"
	"compatbuild/internal/runtimes"
	"compatbuild/internal/stubs"
)

// realReleases are the Debian runtimes with the glibc release they ship.
var realReleases = []struct{ runtime, glibc string }{
	{"debian:11", "2.31"},
	{"debian:12", "2.36"},
	{"debian:13", "2.41"},
}

var (
	realMu       sync.Mutex
	realRuntimes = map[string]*runtimes.Runtime{}
)

// realRuntime returns a Debian runtime with glibc's libraries and
// libxcrypt's libcrypt.so.1, fetched once per test binary into the user's
// runtime cache.
func realRuntime(t *testing.T, name string) *runtimes.Runtime {
	t.Helper()
	realMu.Lock()
	defer realMu.Unlock()
	if rt := realRuntimes[name]; rt != nil {
		return rt
	}
	pkgs := append(runtimes.DefaultPackages(), "libcrypt1")
	rt, err := runtimes.GetWithOptions(context.Background(), name, runtimes.Options{Packages: pkgs})
	if err != nil {
		t.Fatalf("getting the real glibc of %s (needs apt access to a Debian mirror): %v", name, err)
	}
	realRuntimes[name] = rt
	return rt
}

// realLibrary returns the path of soname inside rt.
func realLibrary(t *testing.T, rt *runtimes.Runtime, soname string) string {
	t.Helper()
	for _, dir := range rt.LibraryPath {
		p := filepath.Join(dir, soname)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("%s has no %s in %v", rt.Name, soname, rt.LibraryPath)
	return ""
}

// export is one defined dynamic symbol of a shared object.
type export struct {
	name, version string
	hidden        bool // name@version rather than name@@version
	typ           elf.SymType
	size          uint64
}

func (e export) key() string { return e.name + "@" + e.version }

// exports is what a shared object defines: its symbols by name@version and
// its version nodes (the base definition, which names the file, left out).
type exports struct {
	syms  map[string]export
	nodes []string
}

// readExports reads the defined dynamic symbols and version definitions of
// an ELF shared object with debug/elf, independently of internal/stubs.
func readExports(data []byte) (exports, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return exports{}, err
	}
	defer f.Close()
	vers, err := f.DynamicVersions()
	if err != nil {
		return exports{}, fmt.Errorf("reading version definitions: %v", err)
	}
	out := exports{syms: map[string]export{}}
	for _, v := range vers {
		if v.Flags&elf.VER_FLG_BASE == 0 {
			out.nodes = append(out.nodes, v.Name)
		}
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return exports{}, fmt.Errorf("reading dynamic symbols: %v", err)
	}
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || elf.ST_BIND(s.Info) == elf.STB_LOCAL {
			continue
		}
		e := export{name: s.Name, version: s.Version, typ: elf.ST_TYPE(s.Info), size: s.Size}
		e.hidden = s.HasVersion && s.VersionIndex.IsHidden()
		out.syms[e.key()] = e
	}
	return out, nil
}

// comparable drops what the equality test leaves out: GLIBC_PRIVATE, which
// no stub offers, and the absolute symbols named after each version node
// (GLIBC_2.2.5@@GLIBC_2.2.5) that glibc's linker scripts export.
func comparable(ex exports) map[string]export {
	out := map[string]export{}
	for k, e := range ex.syms {
		if e.version == "GLIBC_PRIVATE" || (e.typ == elf.STT_OBJECT || e.typ == elf.STT_NOTYPE) && e.name == e.version && e.size == 0 {
			continue
		}
		out[k] = e
	}
	return out
}

// buildStub builds lib's stub for target on x86_64 the way the sysroot does.
func buildStub(t *testing.T, db *abidb.DB, lib string, target abidb.Version) (stubs.Library, []byte) {
	t.Helper()
	desc, err := StubLibrary(db, lib, target)
	if err != nil {
		t.Fatalf("StubLibrary(%s, %s): %v", lib, target, err)
	}
	arch, err := stubs.ArchByName(db.ABI())
	if err != nil {
		t.Fatal(err)
	}
	data, err := stubs.Build(arch, desc)
	if err != nil {
		t.Fatalf("stubs.Build(%s, %s): %v", lib, target, err)
	}
	return desc, data
}

// realAndStub reads the stub of lib at release and the real library.
func realAndStub(t *testing.T, rt *runtimes.Runtime, db *abidb.DB, lib string, target abidb.Version) (soname string, real, stub exports) {
	t.Helper()
	desc, data := buildStub(t, db, lib, target)
	stub, err := readExports(data)
	if err != nil {
		t.Fatalf("reading the stub of %s at %s: %v", lib, target, err)
	}
	path := realLibrary(t, rt, desc.Soname)
	realData, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	real, err = readExports(realData)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return desc.Soname, real, stub
}

// listDiff formats up to all entries of a sorted list for a failure message.
func listDiff(items []string) string {
	sort.Strings(items)
	return fmt.Sprintf("%d: %s", len(items), strings.Join(items, ", "))
}

// glibcLibraries are the libraries compared for equality at target: all
// that the database has, except libcrypt (see the file comment).
func glibcLibraries(t *testing.T, db *abidb.DB, target abidb.Version) []string {
	t.Helper()
	libs, err := db.Libraries(target)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(libs, func(l string) bool { return l == "libcrypt" })
}

// TestRealSymbolSetsMatch: for glibc 2.31 and 2.36 on x86_64, each stub
// exports exactly the symbol@version set of the real library (GLIBC_PRIVATE
// aside), with the real object sizes and symbol kinds, and makes exactly
// the real library's default versions (@@) linkable.
func TestRealSymbolSetsMatch(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	for _, rel := range realReleases {
		t.Run(rel.glibc, func(t *testing.T) {
			rt := realRuntime(t, rel.runtime)
			if rt.Glibc != rel.glibc {
				t.Fatalf("%s ships glibc %s, want %s", rt.Name, rt.Glibc, rel.glibc)
			}
			target := abidb.MustParseVersion(rel.glibc)
			for _, lib := range glibcLibraries(t, db, target) {
				t.Run(lib, func(t *testing.T) {
					soname, realEx, stubEx := realAndStub(t, rt, db, lib, target)
					real, stub := comparable(realEx), comparable(stubEx)
					var missing, extra, sizes, kinds, defaults []string
					for k, r := range real {
						s, ok := stub[k]
						if !ok {
							missing = append(missing, k)
							continue
						}
						if (r.typ == elf.STT_OBJECT) != (s.typ == elf.STT_OBJECT) {
							kinds = append(kinds, fmt.Sprintf("%s (real %v, stub %v)", k, r.typ, s.typ))
						} else if r.typ == elf.STT_OBJECT && r.size != s.size {
							sizes = append(sizes, fmt.Sprintf("%s (real %d, stub %d)", k, r.size, s.size))
						}
						if r.hidden != s.hidden {
							defaults = append(defaults, fmt.Sprintf("%s (real %s, stub %s)", k, linkable(r), linkable(s)))
						}
					}
					for k := range stub {
						if _, ok := real[k]; !ok {
							extra = append(extra, k)
						}
					}
					if len(missing) > 0 {
						t.Errorf("%s %s: in the real library but not in the stub, %s", soname, target, listDiff(missing))
					}
					if len(extra) > 0 {
						t.Errorf("%s %s: in the stub but not in the real library, %s", soname, target, listDiff(extra))
					}
					if len(kinds) > 0 {
						t.Errorf("%s %s: function/object kind differs, %s", soname, target, listDiff(kinds))
					}
					if len(sizes) > 0 {
						t.Errorf("%s %s: object sizes differ, %s", soname, target, listDiff(sizes))
					}
					if len(defaults) > 0 {
						t.Errorf("%s %s: default (@@) versus compat (@) differs, %s", soname, target, listDiff(defaults))
					}
					hidden := 0
					for _, e := range stub {
						if e.hidden {
							hidden++
						}
					}
					t.Logf("%s %s: %d symbol versions compared, %d of them compat (@)", soname, target, len(real), hidden)
				})
			}
		})
	}
}

func linkable(e export) string {
	if e.hidden {
		return "@ compat"
	}
	return "@@ default"
}

// TestRealLibrariesSatisfyStubs: every version node a stub defines is
// defined by the real library, and every symbol@version it exports resolves
// there, so whatever a link against the stub records, the real release
// loads. This includes libcrypt against Debian's libxcrypt.
func TestRealLibrariesSatisfyStubs(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	for _, rel := range realReleases {
		t.Run(rel.glibc, func(t *testing.T) {
			rt := realRuntime(t, rel.runtime)
			target := abidb.MustParseVersion(rel.glibc)
			libs, err := db.Libraries(target)
			if err != nil {
				t.Fatal(err)
			}
			for _, lib := range libs {
				t.Run(lib, func(t *testing.T) {
					soname, real, stub := realAndStub(t, rt, db, lib, target)
					if lib == "libcrypt" && !slices.Contains(real.nodes, "XCRYPT_2.0") {
						t.Errorf("%s's libcrypt.so.1 is no longer libxcrypt (no XCRYPT_2.0 node): compare it for equality in TestRealSymbolSetsMatch", rt.Name)
					}
					var nodes, syms []string
					for _, n := range stub.nodes {
						if !slices.Contains(real.nodes, n) {
							nodes = append(nodes, n)
						}
					}
					for k := range stub.syms {
						if _, ok := real.syms[k]; !ok {
							syms = append(syms, k)
						}
					}
					if len(nodes) > 0 {
						t.Errorf("%s %s: version nodes the stub defines but the real library does not, %s", soname, target, listDiff(nodes))
					}
					if len(syms) > 0 {
						t.Errorf("%s %s: symbol versions the stub exports but the real library cannot resolve, %s", soname, target, listDiff(syms))
					}
				})
			}
		})
	}
}

// hostCC is the compiler the sysroot tests build start files and archives
// with; CI must install gcc.
func hostCC(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Fatalf("gcc not found: the sysroot tests need a C compiler (apt-get install gcc)")
	}
	return []string{"gcc"}
}

// snapshot reads every regular file under dir (relative path -> bytes),
// but for the stamp, which records this machine's inode numbers and times
// of the last check, not content.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == stampDir {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			if d.IsDir() {
				return nil
			}
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatalf("reading sysroot %s: %v", dir, err)
	}
	return out
}

// sysrootHash is a digest of every file's relative path and bytes, with
// the sysroot's own path (which linker scripts name) replaced by a fixed
// string, so sysroots in different cache roots compare equal.
func sysrootHash(t *testing.T, dir string) string {
	t.Helper()
	snap := snapshot(t, dir)
	names := make([]string, 0, len(snap))
	for n := range snap {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(snap[n]))
		h.Write(bytes.ReplaceAll(snap[n], []byte(dir), []byte("$SYSROOT")))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDeterministicSysroot: two sysroots built into two different cache
// roots hold the same files, and the stub libraries, archives, start files
// and manifest are byte-identical; linker scripts differ only in the
// absolute path of the sysroot they name.
func TestDeterministicSysroot(t *testing.T) {
	cc := hostCC(t)
	for _, target := range []string{"2.17", "2.36"} {
		t.Run(target, func(t *testing.T) {
			spec := Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion(target), CC: cc}
			var snaps []map[string][]byte
			var dirs []string
			for range 2 {
				s, err := EnsureIn(context.Background(), t.TempDir(), spec)
				if err != nil {
					t.Fatal(err)
				}
				dirs = append(dirs, s.Dir)
				snaps = append(snaps, snapshot(t, s.Dir))
			}
			if filepath.Base(dirs[0]) != filepath.Base(dirs[1]) {
				t.Errorf("content addresses differ: %s and %s", filepath.Base(dirs[0]), filepath.Base(dirs[1]))
			}
			var kinds = map[string]int{}
			var differ []string
			for name, a := range snaps[0] {
				b, ok := snaps[1][name]
				if !ok {
					differ = append(differ, name+" (only in the first)")
					continue
				}
				switch {
				case strings.Contains(name, ".so.") || strings.HasSuffix(name, ".a") || strings.HasSuffix(name, ".o") || strings.HasSuffix(name, ".json"):
					kinds["binary"]++
					if !bytes.Equal(a, b) {
						differ = append(differ, name)
					}
				default: // linker scripts name the sysroot's absolute path
					kinds["script"]++
					if !bytes.Equal(bytes.ReplaceAll(a, []byte(dirs[0]), nil), bytes.ReplaceAll(b, []byte(dirs[1]), nil)) {
						differ = append(differ, name+" (beyond the sysroot path)")
					}
				}
			}
			for name := range snaps[1] {
				if _, ok := snaps[0][name]; !ok {
					differ = append(differ, name+" (only in the second)")
				}
			}
			if len(differ) > 0 {
				t.Errorf("sysroots for %s differ between cache roots, %s", target, listDiff(differ))
			}
			for _, want := range []string{"libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libc_nonshared.a", "libcompat_polyfill.a", "crt1.o", "libc.so"} {
				if _, ok := snaps[0][want]; !ok {
					t.Errorf("sysroot for %s has no %s", target, want)
				}
			}
			t.Logf("%s: %d binary files, %d linker scripts compared", target, kinds["binary"], kinds["script"])
		})
	}
}

// markerReleases are the symbol-less version nodes and the releases that
// introduced them (glibc's Versions files, see VERSION-MARKERS.tsv in the
// ABI corpus), written out here so the test does not trust abidb.
var markerReleases = map[string]string{
	"GLIBC_ABI_DT_RELR":       "2.36",
	"GLIBC_ABI_DT_X86_64_PLT": "2.43",
	"GLIBC_ABI_GNU2_TLS":      "2.43",
	"GLIBC_ABI_GNU_TLS":       "2.43",
}

// nodeTooNew says why a stub for target must not define node, or "".
func nodeTooNew(node string, target abidb.Version) string {
	if node == "GLIBC_PRIVATE" {
		return "GLIBC_PRIVATE"
	}
	if rel, ok := markerReleases[node]; ok {
		if target.Less(abidb.MustParseVersion(rel)) {
			return fmt.Sprintf("%s (glibc %s)", node, rel)
		}
		return ""
	}
	if v, ok := strings.CutPrefix(node, "GLIBC_"); ok {
		ver, err := abidb.ParseVersion(v)
		if err != nil {
			return node + " (not a glibc version)"
		}
		if target.Less(ver) {
			return node
		}
		return ""
	}
	if strings.HasPrefix(node, "GCC_") {
		return "" // libgcc unwinder nodes in old i386/s390x libc, not glibc releases
	}
	return node + " (unknown node)"
}

// checkNoNewerNodes fails if a stub defines a version node newer than
// target, GLIBC_PRIVATE, or a symbol under such a node.
func checkNoNewerNodes(t *testing.T, what string, data []byte, target abidb.Version) {
	t.Helper()
	ex, err := readExports(data)
	if err != nil {
		t.Fatalf("reading %s: %v", what, err)
	}
	var bad []string
	for _, n := range ex.nodes {
		if why := nodeTooNew(n, target); why != "" {
			bad = append(bad, why)
		}
	}
	for k, e := range ex.syms {
		if why := nodeTooNew(e.version, target); why != "" || e.version == "" {
			bad = append(bad, "symbol "+k)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s for glibc %s defines versions newer than the target or private, %s", what, target, listDiff(bad))
	}
	if len(ex.nodes) == 0 {
		t.Errorf("%s for glibc %s defines no version nodes", what, target)
	}
}

// TestNoNewerVersionNodes: no stub defines a version node newer than its
// target, or GLIBC_PRIVATE, for every ABI's stubs and for the stubs of
// x86_64 sysroots built by EnsureIn.
func TestNoNewerVersionNodes(t *testing.T) {
	// The checker itself must tell newer nodes from allowed ones.
	for _, c := range []struct {
		node, target string
		bad          bool
	}{
		{"GLIBC_2.28", "2.28", false}, {"GLIBC_2.29", "2.28", true}, {"GLIBC_2.2.5", "2.17", false},
		{"GLIBC_PRIVATE", "2.44", true}, {"GLIBC_ABI_DT_RELR", "2.35", true}, {"GLIBC_ABI_DT_RELR", "2.36", false},
		{"GLIBC_ABI_GNU2_TLS", "2.42", true}, {"GCC_3.0", "2.17", false}, {"XCRYPT_2.0", "2.17", true},
	} {
		if got := nodeTooNew(c.node, abidb.MustParseVersion(c.target)) != ""; got != c.bad {
			t.Errorf("nodeTooNew(%s, %s) = %v, want %v", c.node, c.target, got, c.bad)
		}
	}
	targets := []string{"2.17", "2.28", "2.34", "2.44"}
	for _, abi := range abidb.ABIs {
		db := abidb.MustLoad(abi)
		for _, tv := range targets {
			target := abidb.MustParseVersion(tv)
			if target.Less(db.First()) {
				continue // riscv64 starts at 2.27, ppc64le at 2.19: covered by the later targets
			}
			libs, err := db.Libraries(target)
			if err != nil {
				t.Fatal(err)
			}
			for _, lib := range libs {
				desc, data := buildStub(t, db, lib, target)
				checkNoNewerNodes(t, abi+" "+desc.Soname, data, target)
			}
		}
	}
	cc := hostCC(t)
	root := t.TempDir()
	for _, tv := range targets {
		target := abidb.MustParseVersion(tv)
		s, err := EnsureIn(context.Background(), root, Spec{Arch: "x86_64", Glibc: target, CC: cc})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for name, data := range snapshot(t, s.Dir) {
			if strings.Contains(name, ".so.") {
				checkNoNewerNodes(t, "sysroot "+name, data, target)
				n++
			}
		}
		if n < 10 {
			t.Errorf("sysroot for %s has only %d stub libraries", tv, n)
		}
	}
}

// ensureResult is what one participant of the concurrency test saw.
type ensureResult struct {
	who, dir, hash string
	err            error
}

const helperRootEnv = "COMPATBUILD_TEST_ENSURE_ROOT"

// TestConcurrentEnsureHelper is the body of the child processes that
// TestConcurrentEnsure starts; run directly it has nothing to do.
func TestConcurrentEnsureHelper(t *testing.T) {
	root := os.Getenv(helperRootEnv)
	if root == "" {
		return
	}
	waitForStart(root + ".go")
	s, err := EnsureIn(context.Background(), root, concurrencySpec(t))
	if err != nil {
		fmt.Printf("ENSURE-ERROR %v\n", err)
		return
	}
	fmt.Printf("ENSURE-RESULT %s %s\n", s.Dir, sysrootHash(t, s.Dir))
}

func concurrencySpec(t *testing.T) Spec {
	return Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion("2.28"), CC: hostCC(t)}
}

// waitForStart blocks until path exists (bounded: 60 s), so that every
// participant starts building at the same moment.
func waitForStart(path string) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestConcurrentEnsure: 8 goroutines and 3 separate processes call EnsureIn
// on the same cold cache root at once; all succeed, get the same
// directory with the same bytes, and no temporary directory is left.
func TestConcurrentEnsure(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "cache")
	start := root + ".go"
	spec := concurrencySpec(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan ensureResult, 11)
	var wg sync.WaitGroup
	for i := range 3 {
		cmd := exec.Command(exe, "-test.run=^TestConcurrentEnsureHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperRootEnv+"="+root)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := fmt.Sprintf("process %d", i)
			err := cmd.Wait()
			for _, line := range strings.Split(out.String(), "\n") {
				if f := strings.Fields(line); len(f) == 3 && f[0] == "ENSURE-RESULT" {
					results <- ensureResult{who: who, dir: f[1], hash: f[2]}
					return
				}
			}
			results <- ensureResult{who: who, err: fmt.Errorf("no result (exit: %v): %s", err, strings.TrimSpace(out.String()))}
		}()
	}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := fmt.Sprintf("goroutine %d", i)
			waitForStart(start)
			s, err := EnsureIn(context.Background(), root, spec)
			if err != nil {
				results <- ensureResult{who: who, err: err}
				return
			}
			results <- ensureResult{who: who, dir: s.Dir, hash: sysrootHash(t, s.Dir)}
		}()
	}
	began := time.Now()
	if err := os.WriteFile(start, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(results)
	t.Logf("11 concurrent cold EnsureIn calls took %v", time.Since(began))
	var first *ensureResult
	n := 0
	for r := range results {
		n++
		if r.err != nil {
			t.Errorf("%s: %v", r.who, r.err)
			continue
		}
		if first == nil {
			first = &r
			continue
		}
		if r.dir != first.dir || r.hash != first.hash {
			t.Errorf("%s got %s (content %s), %s got %s (content %s)", r.who, r.dir, r.hash[:12], first.who, first.dir, first.hash[:12])
		}
	}
	if n != 11 {
		t.Errorf("%d results, want 11", n)
	}
	var names []string
	for _, e := range sysrootEntries(root) {
		names = append(names, e.Name())
	}
	if first != nil && (len(names) != 1 || names[0] != filepath.Base(first.dir)) {
		t.Errorf("cache root holds %v, want only %s (no temporary directories left)", names, filepath.Base(first.dir))
	}
}
