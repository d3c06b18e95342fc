package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
	"compatbuild/internal/elfinfo"
)

// The kind: a verdict covers every versioned family a file needs, judged
// against what each target ships. Members: libstdc++ (GLIBCXX, CXXABI),
// libgcc_s (GCC), libgomp (GOMP/OMP, in no base install and no policy),
// and glibc itself; targets: distro releases, manylinux policies.

func gxx(t *testing.T, src string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	cc := filepath.Join(dir, "src.cc")
	os.WriteFile(cc, []byte(src), 0o644)
	out := filepath.Join(dir, "out.so")
	if msg, err := exec.Command("g++", append([]string{"-shared", "-fPIC", "-o", out, cc}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, msg)
	}
	return out
}

func targets(t *testing.T, manylinux []string, distroIDs []string) Targets {
	t.Helper()
	var tg Targets
	for _, m := range manylinux {
		p, ok := distros.PolicyByTag(m)
		if !ok {
			t.Fatalf("no policy %s", m)
		}
		tg.Manylinux = append(tg.Manylinux, p)
	}
	for _, d := range distroIDs {
		r, err := distros.Find(d)
		if err != nil {
			t.Fatal(err)
		}
		tg.Distros = append(tg.Distros, r)
	}
	return tg
}

func verdictOf(r *FileReport, target string) *Verdict {
	for i := range r.Verdicts {
		if r.Verdicts[i].Target == target {
			return &r.Verdicts[i]
		}
	}
	return nil
}

func family(r *FileReport, name string) *Family {
	for i := range r.Families {
		if r.Families[i].Name == name {
			return &r.Families[i]
		}
	}
	return nil
}

// A C++ library on the shared libstdc++ of GCC 12: _GLIBCXX_ASSERTIONS
// binds std::__glibcxx_assert_fail@GLIBCXX_3.4.30.
const cxxSource = `
#include <vector>
#include <string>
extern "C" int cxx_entry(int i) {
	std::vector<int> v(4, i);
	std::string s = std::to_string(v[i % 4]);
	return (int)s.size();
}
`

func TestSharedLibstdcxxAgainstDistrosAndPolicies(t *testing.T) {
	so := gxx(t, cxxSource, "-D_GLIBCXX_ASSERTIONS", "-O1")
	info, err := elfinfo.ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	r, err := AnalyzeTargets(info, targets(t, []string{"manylinux2014", "manylinux_2_35"}, []string{"rhel:7", "ubuntu:20.04", "debian:12"}))
	if err != nil {
		t.Fatal(err)
	}
	if f := family(r, "GLIBCXX"); f == nil || f.Newest != "GLIBCXX_3.4.30" || f.Introduced != "GCC 12.1.0" || f.Library != "libstdc++.so.6" || !slices.Contains(f.Symbols, "_ZSt21__glibcxx_assert_failPKciS0_S0_") {
		t.Fatalf("GLIBCXX family = %+v", f)
	}
	for target, ok := range map[string]bool{"rhel:7": false, "ubuntu:20.04": false, "debian:12": true, "manylinux_2_17_x86_64": false, "manylinux_2_35_x86_64": true} {
		v := verdictOf(r, target)
		if v == nil || v.OK != ok {
			t.Errorf("%s: verdict %+v, want ok=%v", target, v, ok)
			continue
		}
		if !ok && !slices.ContainsFunc(v.Reasons, func(rs Reason) bool { return rs.Version == "GLIBCXX_3.4.30" }) {
			t.Errorf("%s: reasons %+v do not name GLIBCXX_3.4.30", target, v.Reasons)
		}
	}
	if v := verdictOf(r, "rhel:7"); v != nil && !strings.Contains(v.Reasons[len(v.Reasons)-1].Why, "RHEL 7 ships GLIBCXX up to GLIBCXX_3.4.19") {
		t.Errorf("rhel:7 reason: %+v", v.Reasons)
	}
	// auditwheel's policy data first allows GLIBCXX_3.4.30 (GCC 12's
	// runtime) in manylinux_2_35; the library's glibc floor is far below.
	if abidbVersion("2.35").Less(r.Glibc.floor) || r.Manylinux != "manylinux_2_35_x86_64" {
		t.Errorf("glibc floor %s, tag %s; want manylinux_2_35_x86_64", r.Glibc.Floor, r.Manylinux)
	}
	if !slices.ContainsFunc(r.ManylinuxBlockers, func(rs Reason) bool {
		return rs.Version == "GLIBCXX_3.4.30" && strings.Contains(rs.Why, "manylinux_2_34_x86_64 allows GLIBCXX up to GLIBCXX_3.4.29")
	}) {
		t.Errorf("blockers %+v do not say why not manylinux_2_34", r.ManylinuxBlockers)
	}
	for _, rel := range r.RunsOn {
		if rel.Distro == "RHEL" && rel.Release != "10" || rel.Distro == "Ubuntu" && rel.Release < "22.04" {
			t.Errorf("runs on %s, which ships an older libstdc++", rel.Name())
		}
	}
	if r.Status != StatusAbove {
		t.Errorf("status %s with failing gates", r.Status)
	}
}

// OpenMP: schedule(nonmonotonic: runtime) binds GOMP_5.0 (GCC 9).
func TestOpenMPLibraryIsNamed(t *testing.T) {
	so := compile(t, `
int sum(int n) {
	int s = 0;
#pragma omp parallel for schedule(nonmonotonic: runtime) reduction(+: s)
	for (int i = 0; i < n; i++) s += i;
	return s;
}`, "-shared", "-fPIC", "-fopenmp")
	info, err := elfinfo.ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	r, err := AnalyzeTargets(info, targets(t, []string{"manylinux2014"}, []string{"rhel:8", "debian:11"}))
	if err != nil {
		t.Fatal(err)
	}
	f := family(r, "GOMP")
	if f == nil || f.Newest != "GOMP_5.0" || f.Introduced != "GCC 9" || !strings.Contains(f.Note, "libgomp.so.1 is in no base install and no manylinux policy") {
		t.Fatalf("GOMP family = %+v", f)
	}
	if r.Manylinux != "" || !slices.ContainsFunc(r.ManylinuxBlockers, func(rs Reason) bool { return rs.Library == "libgomp.so.1" }) {
		t.Errorf("manylinux %q blockers %+v: libgomp is in no policy", r.Manylinux, r.ManylinuxBlockers)
	}
	if v := verdictOf(r, "rhel:8"); v == nil || v.OK || !strings.Contains(v.Reasons[0].Why, "GOMP_5.0 is from GCC 9; RHEL 8's GCC runtime is 8.1.0") {
		t.Errorf("rhel:8 = %+v", v)
	}
	if v := verdictOf(r, "debian:11"); v == nil || !v.OK || len(v.Notes) == 0 {
		t.Errorf("debian:11 = %+v (GCC 10 has GOMP_5.0; libgomp1 must be installed)", v)
	}
	for _, rel := range r.RunsOn {
		if rel.Distro == "RHEL" && (rel.Release == "7" || rel.Release == "8") {
			t.Errorf("runs on %s, whose GCC runtime predates GOMP_5.0", rel.Name())
		}
	}
}

// A shared library that needs no library at all is not "statically linked".
func TestLibraryWithoutNeededIsNotStatic(t *testing.T) {
	so := compile(t, "int f(void) { return 1; }", "-shared", "-fPIC", "-nostdlib")
	rep := Paths([]string{so}, abidbVersion("2.17"))
	if len(rep.Files) != 1 || rep.Files[0].Status != StatusOK {
		t.Fatalf("files %+v", rep.Files)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if strings.Contains(b.String(), "statically linked") || !strings.Contains(b.String(), "needs no shared library (no DT_NEEDED)") {
		t.Errorf("text:\n%s", b.String())
	}
}

func abidbVersion(s string) abidb.Version { return abidb.MustParseVersion(s) }
