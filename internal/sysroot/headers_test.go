package sysroot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// fakeHeadersCC writes a compiler command that is gcc with a <features.h>
// of its own first on the include path, reporting glibc 2.minor (or no
// glibc at all for minor < 0), and logging every call to log: the way a
// compiler with other headers looks to compatbuild, through the same
// probe.
func fakeHeadersCC(t *testing.T, dir string, minor int) (cc, log string) {
	t.Helper()
	inc := filepath.Join(dir, "include")
	if err := os.MkdirAll(inc, 0o755); err != nil {
		t.Fatal(err)
	}
	setFakeRelease(t, inc, minor)
	log = filepath.Join(dir, "calls")
	cc = filepath.Join(dir, "cc")
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec gcc -isystem '" + inc + "' \"$@\"\n"
	if err := os.WriteFile(cc, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cc, log
}

func setFakeRelease(t *testing.T, inc string, minor int) {
	t.Helper()
	text := "#include_next <features.h>\n#undef __GLIBC_MINOR__\n#define __GLIBC_MINOR__ " + itoa(minor) + "\n"
	if minor < 0 {
		text = "#include_next <features.h>\n#undef __GLIBC__\n#undef __GLIBC_MINOR__\n"
	}
	if err := os.WriteFile(filepath.Join(inc, "features.h"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// probes counts the compiler's preprocessor runs (the header probe).
func probes(t *testing.T, log string) int {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "-E -x c -") {
			n++
		}
	}
	return n
}

// The release of the compiler's headers is found by one preprocessor run
// per compiler and headers: a warm link runs no compiler, a changed
// <features.h> (new headers) is noticed and gives another sysroot, and
// the manifest records the release the sysroot was built for.
func TestHeaderReleaseIsProbedOnce(t *testing.T) {
	dir := t.TempDir()
	cc, log := fakeHeadersCC(t, dir, 43)
	root := filepath.Join(dir, "cache")
	spec := Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion("2.41"), CC: []string{cc}}
	first, err := EnsureIn(context.Background(), root, spec)
	if err != nil {
		t.Fatal(err)
	}
	if first.Headers != abidb.MustParseVersion("2.43") || probes(t, log) != 1 {
		t.Fatalf("headers %v after %d probes; want 2.43 after 1", first.Headers, probes(t, log))
	}
	before, _ := os.ReadFile(log)
	again, err := EnsureIn(context.Background(), root, spec)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(log); again.Dir != first.Dir || string(after) != string(before) {
		t.Errorf("a warm EnsureIn ran the compiler (%q) or found another sysroot (%s)", strings.TrimPrefix(string(after), string(before)), again.Dir)
	}
	var m manifest
	data, err := os.ReadFile(filepath.Join(first.Dir, manifestName))
	if err != nil || json.Unmarshal(data, &m) != nil || m.Headers != "2.43" {
		t.Errorf("manifest headers %q (%v)", m.Headers, err)
	}

	setFakeRelease(t, filepath.Join(dir, "include"), 30)
	older, err := EnsureIn(context.Background(), root, spec)
	if err != nil {
		t.Fatal(err)
	}
	if older.Headers != abidb.MustParseVersion("2.30") || older.Dir == first.Dir || probes(t, log) != 2 {
		t.Errorf("after new headers: %v in %s after %d probes; want 2.30 in another sysroot after 2", older.Headers, older.Dir, probes(t, log))
	}

	// A damaged record is probed again, not believed.
	records, _ := filepath.Glob(filepath.Join(root, headersDirName, "*"))
	if len(records) != 1 {
		t.Fatalf("records %v", records)
	}
	if err := os.WriteFile(records[0], []byte("compatbuild-headers-1\ngarbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ = os.ReadFile(log)
	if s, err := EnsureIn(context.Background(), root, spec); err != nil || s.Dir != older.Dir || probes(t, log) != 3 {
		t.Errorf("after a damaged record: %v, %d probes", err, probes(t, log))
	}
	// With the sysroot there, only the record missing, nothing but the
	// probe runs: the start files are compiled ahead of the probe only
	// when no sysroot of the target exists.
	if after, _ := os.ReadFile(log); strings.Count(strings.TrimPrefix(string(after), string(before)), "\n") != 1 {
		t.Errorf("with only the record missing, EnsureIn ran more than the probe:\n%s", strings.TrimPrefix(string(after), string(before)))
	}

	// Headers that are not glibc's are "unknown", and say so.
	setFakeRelease(t, filepath.Join(dir, "include"), -1)
	unknown, err := EnsureIn(context.Background(), root, spec)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(unknown.Dir, manifestName))
	if !unknown.Headers.IsZero() || !strings.Contains(string(data), `"headers": "unknown"`) {
		t.Errorf("headers without __GLIBC__: %v", unknown.Headers)
	}
}

// The stubs offer each name whose ABI changed under one name in the form
// the headers declare: the newest version of that form, even below the
// target's newest; none where the target lacks that form.
func TestStubsFollowTheHeaders(t *testing.T) {
	db := abidb.MustLoad("x86_64")
	v := abidb.MustParseVersion
	for _, c := range []struct {
		lib, name       string
		target, headers string
		want            string // default node, "" for none
	}{
		{"libm", "totalorder", "2.41", "2.30", "GLIBC_2.25"},
		{"libm", "totalorder", "2.41", "2.36", "GLIBC_2.31"},
		{"libm", "totalorderf32x", "2.28", "2.30", "GLIBC_2.27"},
		{"libm", "totalorderf32x", "2.28", "2.31", ""},
		{"libm", "fromfp", "2.44", "2.36", "GLIBC_2.25"},
		{"libm", "fromfp", "2.44", "2.43", "GLIBC_2.43"},
		{"libm", "ufromfpxf128", "2.41", "2.43", ""},
		{"libc", "cfsetospeed", "2.44", "2.41", "GLIBC_2.2.5"},
		{"libc", "cfsetospeed", "2.44", "2.42", "GLIBC_2.42"},
		{"libc", "cfgetispeed", "2.17", "2.43", ""},
		{"libc", "cfgetispeed", "2.17", "", ""},
		{"libm", "fromfp", "2.41", "", ""},
		{"libm", "lgamma", "2.41", "", "GLIBC_2.23"},
	} {
		var h abidb.Version
		if c.headers != "" {
			h = v(c.headers)
		}
		exports, err := stubExports(db, c.lib, v(c.target), h)
		if err != nil {
			t.Fatal(err)
		}
		got, seen := "", false
		for _, sv := range exports {
			if sv.Name == c.name {
				seen = true
				if sv.Default {
					got = sv.Node
				}
			}
		}
		if !seen || got != c.want {
			t.Errorf("%s at %s, headers %q: default %q (listed %v), want %q", c.name, c.target, c.headers, got, seen, c.want)
		}
	}
	// On every ABI, at 2.44 (which has both forms of each): headers
	// before the change get the newest older version, headers from it the
	// release's own, whatever that ABI's older node is called.
	for _, abi := range abidb.ABIs {
		db := abidb.MustLoad(abi)
		for _, c := range []struct{ lib, name, release string }{
			{"libm", "totalorder", "2.31"}, {"libm", "totalordermagf", "2.31"},
			{"libm", "fromfp", "2.43"}, {"libm", "ufromfpxl", "2.43"},
			{"libc", "cfsetospeed", "2.42"}, {"libc", "cfgetispeed", "2.42"},
		} {
			release := v(c.release)
			older := abidb.Version{Major: release.Major, Minor: release.Minor - 1}
			for _, h := range []abidb.Version{older, release} {
				exports, err := stubExports(db, c.lib, v("2.44"), h)
				if err != nil {
					t.Fatal(err)
				}
				var nodes []abidb.Version
				def := -1
				for _, sv := range exports {
					if sv.Name == c.name {
						_, nv, _ := abidb.NodeVersion(sv.Node)
						if sv.Default {
							def = len(nodes)
						}
						nodes = append(nodes, nv)
					}
				}
				switch {
				case len(nodes) < 2 || def < 0:
					t.Errorf("%s: %s at 2.44, headers %s: versions %v, default %d", abi, c.name, h, nodes, def)
				case h == release && nodes[def] != release,
					h == older && (!nodes[def].Less(release) || slices.ContainsFunc(nodes, func(n abidb.Version) bool { return nodes[def].Less(n) && n.Less(release) })):
					t.Errorf("%s: %s at 2.44, headers %s: bound %s of %v", abi, c.name, h, nodes[def], nodes)
				}
			}
		}
	}
	// s390x's reverted 2.19 setjmp: glibc's own default, GLIBC_2.2.
	s390 := abidb.MustLoad("s390x")
	exports, err := stubExports(s390, "libc", v("2.36"), v("2.36"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range exports {
		if sv.Name == "setjmp" && sv.Default != (sv.Node == "GLIBC_2.2") {
			t.Errorf("s390x setjmp@%s default %v", sv.Node, sv.Default)
		}
	}
}
