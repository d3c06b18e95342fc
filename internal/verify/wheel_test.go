package verify

import (
	"archive/zip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// pip's rules, per runtime: Debian 11 has CPython 3.9 and glibc 2.31.
func TestWheelVerdict(t *testing.T) {
	for _, tc := range []struct {
		name       string
		py, glibc  string
		skip, fail string // substrings; "" = installs
	}{
		{"m-1.0-cp37-abi3-linux_x86_64.whl", "3.9", "2.31", "", ""},
		{"m-1.0-cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "3.13", "2.41", "", ""},
		{"m-1.0-cp310-abi3-linux_x86_64.whl", "3.9", "2.31", "the wheel is for cp310-abi3; debian:11's Python is 3.9", ""},
		{"m-1.0-cp310-abi3-linux_x86_64.whl", "3.13", "2.41", "", ""},
		{"m-1.0-cp39-cp39-manylinux_2_17_x86_64.whl", "3.9", "2.31", "", ""},
		{"m-1.0-cp39-cp39-manylinux_2_17_x86_64.whl", "3.11", "2.36", "is for cp39-cp39", ""},
		{"m-1.0-cp311-cp311-linux_x86_64.whl", "3.11", "2.36", "", ""},
		{"m-1.0-py3-none-any.whl", "3.13", "2.41", "", ""},
		{"m-1.0-py38-none-any.whl", "3.9", "2.31", "", ""},
		{"m-1.0-cp39-cp39-manylinux_2_34_x86_64.whl", "3.9", "2.31", "", "manylinux_2_34_x86_64 needs glibc 2.34; pip on debian:11 (glibc 2.31) would not install it"},
		{"m-1.0-cp39-cp39-manylinux1_x86_64.whl", "3.9", "2.31", "", ""},
		{"m-1.0-cp39-cp39-musllinux_1_1_x86_64.whl", "3.9", "2.31", "", "not for glibc Linux"},
	} {
		tags, err := parseWheelName(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		skip, fail := wheelVerdict(tags, tc.py, tc.glibc, "debian:11")
		if (tc.skip == "") != (skip == "") || !strings.Contains(skip, tc.skip) || (tc.fail == "") != (fail == "") || !strings.Contains(fail, tc.fail) {
			t.Errorf("%s on Python %s, glibc %s: skip %q fail %q; want %q %q", tc.name, tc.py, tc.glibc, skip, fail, tc.skip, tc.fail)
		}
	}
	if _, err := parseWheelName("dist/thing.whl"); err == nil {
		t.Error("a wheel without tags was accepted")
	}
}

func writeWheel(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg-1.0-cp37-abi3-linux_x86_64.whl")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for name, content := range files {
		fw, _ := w.Create(name)
		fw.Write([]byte(content))
	}
	w.Close()
	f.Close()
	return p
}

func TestInstallWheel(t *testing.T) {
	whl := writeWheel(t, map[string]string{
		"pkg/__init__.py":                       "",
		"pkg/_core.abi3.so":                     "elf",
		"single.py":                             "",
		"ext.cpython-39-x86_64-linux-gnu.so":    "elf",
		"pkg-1.0.data/platlib/plat/__init__.py": "",
		"pkg-1.0.data/scripts/tool":             "#!/bin/sh",
		"pkg-1.0.dist-info/RECORD":              "",
	})
	dir := t.TempDir()
	names, err := installWheel(whl, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ext", "pkg", "plat", "single"}; !reflect.DeepEqual(names, want) {
		t.Errorf("top-level names %q, want %q", names, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "plat", "__init__.py")); err != nil {
		t.Errorf("platlib not installed at the top: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tool")); err == nil {
		t.Errorf("a script was installed into the site directory")
	}
	// top_level.txt, when present, is what pip records as importable.
	whl = writeWheel(t, map[string]string{"a/__init__.py": "", "b/__init__.py": "", "pkg-1.0.dist-info/top_level.txt": "a\n"})
	if names, err := installWheel(whl, t.TempDir()); err != nil || !reflect.DeepEqual(names, []string{"a"}) {
		t.Errorf("top_level.txt: %q %v", names, err)
	}
	// auditwheel's bundled libraries and the metadata are no import
	// names; nor is anything that is not a Python identifier.
	whl = writeWheel(t, map[string]string{"pkg/__init__.py": "", "pkg.libs/libdep-1a2b.so": "elf", "pkg-1.0.dist-info/RECORD": "",
		"my-tool/x.py": "", "__pycache__/x.pyc": ""})
	if names, err := installWheel(whl, t.TempDir()); err != nil || !reflect.DeepEqual(names, []string{"pkg"}) {
		t.Errorf("pkg.libs: %q %v", names, err)
	}
	for rel, want := range map[string]string{"pkg/_native.abi3.so": "pkg._native", "pkg/sub/m.cpython-39-x86_64-linux-gnu.so": "pkg.sub.m",
		"top.so": "top", "pkg.libs/libdep.so": "", "pkg/lib-x.so": "", "pkg/_native": ""} {
		if got := importName(rel); got != want {
			t.Errorf("importName(%q) = %q, want %q", rel, got, want)
		}
	}
	for _, bad := range []string{"../evil.py", "/etc/evil.py", "pkg/../../evil.py", `pkg\..\evil.py`} {
		whl = writeWheel(t, map[string]string{bad: "", "ok.py": ""})
		if _, err := installWheel(whl, t.TempDir()); err == nil || !strings.Contains(err.Error(), "outside its directory") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	os.WriteFile(whl, []byte("not a zip"), 0o644)
	if _, err := installWheel(whl, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a readable wheel") {
		t.Errorf("a broken wheel: %v", err)
	}
}

func TestParseHost(t *testing.T) {
	for in, want := range map[string]string{
		"": "dlopen", "dlopen": "dlopen", "python3": "python3", "node": "node", "nodejs": "node",
		`python3.9 -c "import ctypes, sys; ctypes.CDLL(sys.argv[1])" {}`: "python3.9|-c|import ctypes, sys; ctypes.CDLL(sys.argv[1])|{}",
		"lua5.3 'load.lua' {} ''": "lua5.3|load.lua|{}|",
	} {
		h, err := parseHost(in)
		got := h.kind
		if h.kind == "command" {
			got = strings.Join(h.argv, "|")
		}
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"python3 -c x", "'{}' x", `prog "{}`} {
		if _, err := parseHost(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
