package check

import (
	"debug/elf"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/elfinfo"
)

// policyPath is auditwheel's manylinux-policy.json, unmodified, from the
// corpus snapshot the distros generator reads (kept current with ../shared
// by internal/distros' TestCorpusSnapshotIsCurrent).
const policyPath = "../distros/testdata/corpus/runtime-abi/manylinux-policy.json"

// policyFile is auditwheel's manylinux-policy.json as it is written.
type policyFile []policyEntry

type policyEntry struct {
	Name      string                         `json:"name"`
	Priority  int                            `json:"priority"`
	Symbols   map[string]map[string][]string `json:"symbol_versions"`
	Whitelist []string                       `json:"lib_whitelist"`
	Blacklist map[string][]string            `json:"blacklist"`
}

// independentTag computes a file's manylinux tag from the policy file
// alone, through debug/elf's section-based reading: the first policy, by
// priority, whose symbol versions, whitelist and blacklist the file meets.
// loaderNeeds says whether version needs on the dynamic loader count
// (compatbuild's rule) or are skipped (auditwheel's).
func independentTag(pf policyFile, ef *elf.File, loaderNeeds bool) string {
	needed, _ := ef.ImportedLibraries()
	vn, _ := ef.DynamicVersionNeeds()
	syms, _ := ef.DynamicSymbols()
	undef := map[string]bool{}
	for _, s := range syms {
		// Weak references are not judged (auditwheel 6.6, pypa/auditwheel#665).
		if s.Section == elf.SHN_UNDEF && elf.ST_BIND(s.Info) != elf.STB_WEAK {
			undef[s.Name] = true
		}
	}
	ps := slices.Clone(pf)
	slices.SortFunc(ps, func(a, b policyEntry) int { return b.Priority - a.Priority })
policies:
	for _, p := range ps {
		allowed, ok := p.Symbols["x86_64"]
		if p.Name == "linux" || !ok {
			continue
		}
		for _, lib := range vn {
			if !loaderNeeds && strings.HasPrefix(lib.Name, "ld-linux") {
				continue
			}
			for _, n := range lib.Needs {
				prefix, rest, _ := strings.Cut(n.Dep, "_")
				if vs, listed := allowed[prefix]; listed && !slices.Contains(vs, rest) {
					continue policies
				}
			}
		}
		for _, lib := range needed {
			if strings.HasPrefix(lib, "ld-linux") || strings.HasPrefix(lib, "libpython") {
				continue
			}
			if !slices.Contains(p.Whitelist, lib) {
				continue policies
			}
			for _, s := range p.Blacklist[lib] {
				if undef[s] {
					continue policies
				}
			}
		}
		for _, s := range []string{"PyFPE_jbuf", "PyFPE_dummy", "PyFPE_counter"} {
			if undef[s] {
				continue policies
			}
		}
		return p.Name + "_x86_64"
	}
	return ""
}

// TestManylinuxTagAgreesWithPolicyFile compares, for every ELF file under
// the host's library directory, the tag check computes with one computed
// independently from auditwheel's policy file. Files where auditwheel's
// own rule (skipping needs on ld-linux) would differ are listed: the only
// difference between compatbuild and auditwheel is deliberate.
func TestManylinuxTagAgreesWithPolicyFile(t *testing.T) {
	raw, err := os.ReadFile(policyPath)
	if err != nil {
		t.Fatal(err)
	}
	var pf policyFile
	if err := json.Unmarshal(raw, &pf); err != nil {
		t.Fatal(err)
	}
	compared, tagged := 0, 0
	var deliberate []string
	filepath.WalkDir(hostLibDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !isELF(path) {
			return nil
		}
		info, err := elfinfo.ReadFile(path)
		if err != nil || info.ABI != "x86_64" || info.Kind == elfinfo.StaticExecutable || info.Kind == elfinfo.Relocatable || info.Kind == elfinfo.Other {
			return nil
		}
		ef, err := elf.Open(path)
		if err != nil {
			t.Errorf("%s: debug/elf cannot read what check read: %v", path, err)
			return nil
		}
		defer ef.Close()
		r, err := Analyze(info, abidbVersion("2.17"))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		want := independentTag(pf, ef, true)
		if r.Manylinux != want {
			t.Errorf("%s: check says %q, the policy file %q", path, r.Manylinux, want)
		}
		if aw := independentTag(pf, ef, false); aw != want {
			deliberate = append(deliberate, filepath.Base(path)+": auditwheel "+aw+", compatbuild "+want)
			if !loaderNeedOutside(pf, ef, aw) {
				t.Errorf("%s: auditwheel's rule gives %s, compatbuild's %s, but no need on the loader explains it", path, aw, want)
			}
		}
		compared++
		if want != "" {
			tagged++
		}
		return nil
	})
	t.Logf("compared %d files, %d with a manylinux tag; where auditwheel's loader rule differs: %v", compared, tagged, deliberate)
	if compared < 100 || tagged < 50 {
		t.Errorf("compared %d files, %d tagged: too few to mean anything", compared, tagged)
	}
}

// loaderNeedOutside reports whether a file needs, from the dynamic loader,
// a GLIBC node the policy of tag does not allow (GLIBC_PRIVATE, or
// _dl_find_object@GLIBC_2.35 under manylinux_2_34): the needs auditwheel
// skips and the loader does not.
func loaderNeedOutside(pf policyFile, ef *elf.File, tag string) bool {
	vn, _ := ef.DynamicVersionNeeds()
	for _, p := range pf {
		if p.Name+"_x86_64" != tag {
			continue
		}
		for _, lib := range vn {
			if !strings.HasPrefix(lib.Name, "ld-linux") {
				continue
			}
			for _, n := range lib.Needs {
				if prefix, rest, _ := strings.Cut(n.Dep, "_"); prefix == "GLIBC" && !slices.Contains(p.Symbols["x86_64"]["GLIBC"], rest) {
					return true
				}
			}
		}
	}
	return false
}

// A weak reference to a blacklisted symbol (Rust's std and libstdc++ refer
// to __cxa_thread_atexit_impl so, testing it for NULL) does not cost the
// tag, as in auditwheel since 6.6; a strong one does.
func TestWeakBlacklistedReferenceKeepsTheTag(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ decl, want string }{
		{"extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *) __attribute__((weak));", "manylinux_2_5_x86_64"},
		{"extern int __cxa_thread_atexit_impl(void (*)(void *), void *, void *);", "manylinux_2_24_x86_64"},
	} {
		src := filepath.Join(dir, "w.c")
		os.WriteFile(src, []byte(tc.decl+"\nint f(void *p) { return __cxa_thread_atexit_impl ? __cxa_thread_atexit_impl(0, p, p) : -1; }\n"), 0o644)
		lib := filepath.Join(dir, "libw.so")
		if out, err := exec.Command("gcc", "-shared", "-fPIC", "-Wl,--allow-shlib-undefined", "-o", lib, src).CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, out)
		}
		info, err := elfinfo.ReadFile(lib)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Analyze(info, abidbVersion("2.17"))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Manylinux; got != tc.want {
			t.Errorf("%s\ntag %q, want %q", tc.decl, got, tc.want)
		}
	}
}
