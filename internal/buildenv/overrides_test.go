package buildenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMakeVarsMergesTheUsersFlags(t *testing.T) {
	const cc, cxx = "/c/compatbuild-cc-2.17", "/c/compatbuild-c++-2.17"
	for _, c := range []struct{ existing, want string }{
		{"", "-- CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
		{"-j8", "-j8 -- CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
		{"k -- V=1", "k -- V=1 CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
		{"-- CFLAGS=-O1", "-- CFLAGS=-O1 CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
		// A nested compatbuild replaces the outer one's wrappers.
		{"-j2 -- CC=/o/compatbuild-cc-2.28 CXX=/o/compatbuild-c++-2.28 V=1", "-j2 -- V=1 CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
		// The user's own CC on make's command line is theirs to keep, but ours comes last.
		{"-- CC=clang", "-- CC=clang CC=/c/compatbuild-cc-2.17 CXX=/c/compatbuild-c++-2.17"},
	} {
		if got := makeVars(c.existing, cc, cxx); got != c.want {
			t.Errorf("makeVars(%q) = %q, want %q", c.existing, got, c.want)
		}
	}
	if got := escapeMake(`/a b/$x\y`); got != `/a\ b/$$$$x\\y` {
		t.Errorf("escapeMake = %q", got)
	}
	if got := unescapeMake(escapeMake("/a b/$x")); got != "/a b/$x" {
		t.Errorf("unescapeMake(escapeMake) = %q", got)
	}
}

// TestMakeflagsBeatTheMakefile runs GNU make: a Makefile's CC = gcc and a
// sub-make's CC := gcc lose to the CC in MAKEFLAGS, including one whose
// path has a space and a dollar sign.
func TestMakeflagsBeatTheMakefile(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: .ci/run installs it")
	}
	dir := t.TempDir()
	files := map[string]string{
		"Makefile": "CC = gcc\n$(info top $(CC) $(origin CC))\nall:\n\t@$(MAKE) -s -f sub.mk\n",
		"sub.mk":   "CC := gcc\n$(info sub $(CC) $(origin CC))\nall: ;@:\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cc := "/opt/my tools/compatbuild-cc-2.17$x"
	cmd := exec.Command("make", "-s")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MAKEFLAGS="+makeVars("-j2", cc, "/c/compatbuild-c++-2.17"))
	out, err := cmd.CombinedOutput()
	want := "top " + cc + " command line\nsub " + cc + " command line\n"
	if err != nil || string(out) != want {
		t.Errorf("make: %v\n%s\nwant\n%s", err, out, want)
	}
}

func TestVarsSetPythonLinkers(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	vars, err := Vars(mustVersion(t, "2.17"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	if !strings.HasSuffix(got["LDSHARED"], "/compatbuild-cc-2.17 -pthread -shared") || !strings.HasSuffix(got["LDCXXSHARED"], "/compatbuild-c++-2.17 -pthread -shared") {
		t.Errorf("LDSHARED=%q LDCXXSHARED=%q, want the wrappers with -pthread -shared", got["LDSHARED"], got["LDCXXSHARED"])
	}
	if !strings.Contains(got["MAKEFLAGS"], "CC="+strings.ReplaceAll(got["CC"], " ", `\ `)) {
		t.Errorf("MAKEFLAGS=%q does not set CC=%s", got["MAKEFLAGS"], got["CC"])
	}
}
