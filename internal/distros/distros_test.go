package distros

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"compatbuild/internal/abidb"
)

func TestTableMaps217ToCentOS7AndRHEL7(t *testing.T) {
	names := map[string]bool{}
	for _, r := range ForGlibc(abidb.MustParseVersion("2.17")) {
		names[r.Name()] = true
	}
	for _, want := range []string{"CentOS 7", "RHEL 7"} {
		if !names[want] {
			t.Errorf("glibc 2.17 releases %v lack %s", names, want)
		}
	}
}

func TestOldestRunning(t *testing.T) {
	got := map[string]string{}
	for _, r := range OldestRunning(abidb.MustParseVersion("2.34")) {
		got[r.Distro] = r.Release
	}
	want := map[string]string{"RHEL": "9", "Ubuntu": "22.04", "Debian": "12 (bookworm)", "Amazon Linux": "2023"}
	for d, rel := range want {
		if got[d] != rel {
			t.Errorf("oldest %s for glibc 2.34 = %q, want %q", d, got[d], rel)
		}
	}
	if _, ok := got["Alpine Linux"]; ok {
		t.Error("Alpine (musl) listed as running a glibc binary")
	}
	if rs := OldestRunning(abidb.MustParseVersion("2.99")); len(rs) != 0 {
		t.Errorf("glibc 2.99 runs on %v", rs)
	}
}

func TestManylinuxTags(t *testing.T) {
	v := abidb.MustParseVersion("2.17")
	if got := ManylinuxTag(v, "x86_64"); got != "manylinux_2_17_x86_64" {
		t.Errorf("tag = %s", got)
	}
	if got := ManylinuxTag(abidb.MustParseVersion("2.28"), "powerpc64le"); got != "manylinux_2_28_ppc64le" {
		t.Errorf("tag = %s", got)
	}
	if got := ManylinuxTag(abidb.MustParseVersion("2.2.5"), "x86_64"); got != "manylinux_2_5_x86_64" {
		t.Errorf("tag for a 2.2.5 floor = %s, want the oldest tag manylinux_2_5_x86_64", got)
	}
	if got := LegacyManylinuxAlias(abidb.MustParseVersion("2.2.5"), "x86_64"); got != "manylinux1_x86_64" {
		t.Errorf("alias for 2.2.5 = %s", got)
	}
	if got := LegacyManylinuxAlias(v, "aarch64"); got != "manylinux2014_aarch64" {
		t.Errorf("alias = %s", got)
	}
	if got := LegacyManylinuxAlias(abidb.MustParseVersion("2.28"), "x86_64"); got != "" {
		t.Errorf("2.28 has alias %s", got)
	}
}

// The facts issue 9 names, read back from the embedded runtime table.
func TestRuntimeFacts(t *testing.T) {
	ships := func(id, family, suffix string) bool {
		r, err := Find(id)
		if err != nil {
			t.Fatal(err)
		}
		img, ok := r.Image("x86_64")
		if !ok {
			t.Fatalf("%s: no measured image", id)
		}
		return img.Families[family].Has(suffix)
	}
	for _, c := range []struct{ id, family, has, lacks string }{
		{"rhel:7", "GLIBCXX", "3.4.19", "3.4.20"}, {"rhel:7", "CXXABI", "1.3.7", "1.3.8"},
		{"rhel:7", "LIBATOMIC", "", "1.0"},
		{"centos:7", "GLIBCXX", "3.4.19", "3.4.20"}, // same packages as RHEL 7
		{"ubuntu:20.04", "GLIBCXX", "3.4.28", "3.4.29"}, {"debian:11", "CXXABI", "1.3.12", "1.3.13"},
		{"debian:12", "GLIBCXX", "3.4.30", "3.4.31"},
	} {
		if (c.has != "" && !ships(c.id, c.family, c.has)) || ships(c.id, c.family, c.lacks) {
			t.Errorf("%s %s: want %q shipped, %q not", c.id, c.family, c.has, c.lacks)
		}
	}
	p, ok := PolicyByTag("manylinux2014")
	if !ok || p.Name != "manylinux_2_17" || p.Alias("x86_64") != "manylinux2014_x86_64" {
		t.Fatalf("manylinux2014 = %+v", p)
	}
	if a := p.Allowed["x86_64"]["GLIBCXX"]; !a.Has("3.4.19") || a.Has("3.4.20") {
		t.Errorf("manylinux_2_17 GLIBCXX = %v", a.Members())
	}
	if _, ok := PolicyByTag("manylinux_2_28_aarch64"); !ok {
		t.Error("manylinux_2_28_aarch64 not found")
	}
	ps := Policies()
	for i := 1; i < len(ps); i++ {
		if ps[i].Priority >= ps[i-1].Priority {
			t.Errorf("policies not in priority order: %s after %s", ps[i].Name, ps[i-1].Name)
		}
	}
}

func TestFindNames(t *testing.T) {
	for in, want := range map[string]string{
		"rhel:7": "RHEL 7", "RHEL:7": "RHEL 7", "debian:bullseye": "Debian 11 (bullseye)",
		"centos-stream:9": "CentOS Stream 9", "sles:15-sp6": "SLES 15 SP6", "rocky:8": "Rocky Linux 8",
	} {
		if r, err := Find(in); err != nil || r.Name() != want {
			t.Errorf("Find(%q) = %q, %v; want %s", in, r.Name(), err, want)
		}
	}
	for _, bad := range []string{"rhel", "rhel:", "plan9:4", "ubuntu:99"} {
		if _, err := Find(bad); err == nil {
			t.Errorf("Find(%q) succeeded", bad)
		}
	}
}

// corpus is the snapshot of the generator's inputs kept in the repository
// (testdata/corpus: glibc-abi/DISTROS.tsv and runtime-abi/ from ../shared),
// so the tables can be regenerated and compared on any clean clone.
const corpus = "testdata/corpus"

// TestCorpusSnapshotIsCurrent holds the snapshot to the shared corpus
// wherever that corpus is present (beside the repository or beside a
// worktree's parent): a refreshed corpus must be copied in, then the
// tables regenerated.
func TestCorpusSnapshotIsCurrent(t *testing.T) {
	files := []string{"glibc-abi/DISTROS.tsv", "runtime-abi/DISTRO-VERSION-NODES.tsv", "runtime-abi/manylinux-policy.json"}
	for _, shared := range []string{"../../../shared", "../../../../shared"} {
		if _, err := os.Stat(filepath.Join(shared, "runtime-abi")); err != nil {
			continue
		}
		for _, f := range files {
			want, err := os.ReadFile(filepath.Join(shared, f))
			if err != nil {
				t.Fatal(err)
			}
			have, err := os.ReadFile(filepath.Join(corpus, f))
			if err != nil || !bytes.Equal(want, have) {
				t.Errorf("%s/%s differs from %s/%s: copy it in and run go generate ./internal/distros", corpus, f, shared, f)
			}
		}
		return
	}
	// No shared corpus on this machine: the snapshot itself must be whole.
	for _, f := range files {
		if st, err := os.Stat(filepath.Join(corpus, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s/%s missing or empty", corpus, f)
		}
	}
}

// TestGeneratedTablesAreCurrent regenerates both tables from the corpus
// snapshot and compares.
func TestGeneratedTablesAreCurrent(t *testing.T) {
	src := corpus
	out := t.TempDir()
	if msg, err := exec.Command("go", "run", "./gen", "-src", src, "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, msg)
	}
	for _, f := range []string{"distros.tsv", "runtime.tsv"} {
		got, _ := os.ReadFile(filepath.Join(out, f))
		have, _ := os.ReadFile(f)
		if !bytes.Equal(got, have) {
			t.Errorf("%s is stale: run go generate ./internal/distros", f)
		}
	}
}
