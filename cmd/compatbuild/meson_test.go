package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// meson takes CC when a build directory is set up (meson setup) and keeps
// it for every later ninja run, regeneration included; it needs nothing
// else from compatbuild. These tests build testdata/meson (an executable
// calling stat, pthread_create and dlopen, the plugin it loads, and
// configure checks that build and run test programs) plainly, through
// exec, and in the environment of env.

// mesonBuild is meson setup and ninja in a fresh copy of testdata/meson,
// run by sh after prelude (the output of compatbuild env, or nothing),
// through compatbuild exec when exec is set, with env added to the
// environment; it returns the source directory and the configure checks
// meson reported.
func mesonBuild(t *testing.T, prelude string, exec bool, env []string) (dir, checks string) {
	t.Helper()
	dir = copyDir(t, "meson")
	script := prelude + "\nmeson setup -Drefused=" + unprovidedSymbol(t) + " build && ninja -C build\n"
	var out string
	if exec {
		var code int
		out, code = cb(t, dir, env, "exec", "--glibc", "2.17", "--", "sh", "-c", script)
		if code != 0 {
			t.Fatalf("compatbuild exec meson: exit %d\n%s", code, out)
		}
	} else {
		// CC named: meson puts a ccache or sccache it finds on PATH in
		// front of a compiler it picks itself, and sccache's server
		// sometimes fails to start on a loaded machine. The plain build
		// is the reference; the launcher has its own tests.
		out = mustSh(t, dir, append([]string{"CC=cc"}, env...), script)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Message: ") || strings.HasPrefix(l, "Checking ") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return dir, strings.Join(lines, "\n")
}

func mustSh(t *testing.T, dir string, env []string, script string) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh -c %q: %v\n%s", script, err, out)
	}
	return string(out)
}

// targetChecks is what the plain configure reports, turned into what a
// configure for glibc 2.17 must report: the same (the polyfilled getrandom
// and pidfd_open are there), except that the refused function is missing
// from the target.
func targetChecks(t *testing.T, plain string) string {
	sym := unprovidedSymbol(t)
	return strings.NewReplacer(
		`Checking for function "`+sym+`" with dependency threads: YES`, `Checking for function "`+sym+`" with dependency threads: NO`,
		"has refused "+sym+": true", "has refused "+sym+": false",
	).Replace(plain)
}

func TestMesonProject(t *testing.T) {
	for _, tool := range []string{"meson", "ninja"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: .ci/run installs it (apt-get install meson ninja-build)", tool)
		}
	}
	t.Parallel()
	// The plain build is what the test compares with, and what proves
	// the project needs a newer glibc when nothing intervenes.
	plainDir, plain := mesonBuild(t, "", false, nil)
	for _, want := range []string{
		"Message: cross build: false, can run host binaries: true",
		`Checking if "pointer size" runs: YES`,
		"Message: run check: compiled=true returncode=0 stdout=8",
		"Message: has pidfd_open: true",
		"Message: has refused " + unprovidedSymbol(t) + ": true",
	} {
		if !strings.Contains(plain, want) {
			t.Fatalf("the plain configure is not what the test expects (%q missing):\n%s", want, plain)
		}
	}
	plainApp, plainPlugin := filepath.Join(plainDir, "build", "app"), filepath.Join(plainDir, "build", "libplugin.so")
	out, code := cb(t, plainDir, nil, "check", "--glibc", "2.17", plainApp, plainPlugin)
	if code != 1 || strings.Count(out, "needs glibc 2.34, above the floor 2.17") != 2 {
		t.Fatalf("the plain meson build must need glibc 2.34 (or the test proves nothing): check exit %d\n%s", code, out)
	}
	if out, err := debian11(t).Command(t.Context(), plainApp, plainPlugin).CombinedOutput(); err == nil || !strings.Contains(string(out), "GLIBC_2.3") {
		t.Fatalf("the plain meson build ran under glibc 2.31 (%v): %s", err, out)
	}

	// exec: meson setup and ninja run by compatbuild exec; env: by a
	// shell that evaluated compatbuild env's output first; odd-cache: by
	// exec, with a cache path no shell word can hold, so that the
	// wrappers go by name through PATH.
	odd := []string{"XDG_CACHE_HOME=" + filepath.Join(t.TempDir(), "Jane Doe ${HOME} (x*), O'Brien", "cache")}
	for _, tc := range []struct {
		name string
		env  bool
		odd  bool
	}{{"exec", false, false}, {"env", true, false}, {"odd-cache", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var prelude string
			var env []string
			if tc.env {
				prelude = mustCB(t, t.TempDir(), "env", "--glibc", "2.17")
			}
			if tc.odd {
				env = odd
			}
			dir, checks := mesonBuild(t, prelude, !tc.env, env)
			// Test programs ran (no cross build), and function checks
			// answered for the target glibc.
			if want := targetChecks(t, plain); checks != want {
				t.Errorf("configured through compatbuild %s:\n%s\nwant (the plain configure's, less the refused function):\n%s", tc.name, checks, want)
			}
			app, plugin := filepath.Join(dir, "build", "app"), filepath.Join(dir, "build", "libplugin.so")
			if out, code := cb(t, dir, nil, "check", "--glibc", "2.17", app, plugin); code != 0 {
				t.Errorf("compatbuild check --glibc 2.17: exit %d\n%s", code, out)
			}
			const want = "/ is a directory: yes; the plugin says 42\n"
			if got := runOld(t, app, plugin); got != want {
				t.Errorf("app under glibc 2.31 printed %q, want %q", got, want)
			}
			if tc.env {
				return
			}
			// A later ninja run outside compatbuild, which regenerates
			// the build (meson.build changed) and relinks, links
			// through the wrapper the build directory was set up with:
			// by its path, or, where the cache path is no shell word,
			// by its name, found only on compatbuild exec's PATH.
			appendNewline(t, filepath.Join(dir, "meson.build"), filepath.Join(dir, "main.c"))
			ninja := exec.Command("ninja", "-C", "build")
			ninja.Dir = dir
			ninja.Env = append(os.Environ(), env...)
			b, err := ninja.CombinedOutput()
			out := string(b)
			if tc.odd {
				// meson's regeneration cannot find it: loudly, never
				// with another compiler.
				if err == nil || !strings.Contains(out, "No such file or directory: 'compatbuild-cc-2.17'") {
					t.Fatalf("ninja without the wrappers on PATH: %v, want meson not finding compatbuild-cc-2.17:\n%s", err, out)
				}
				var code int
				if out, code = cb(t, dir, env, "exec", "--glibc", "2.17", "--", "ninja", "-C", "build"); code != 0 {
					t.Fatalf("compatbuild exec ninja: exit %d\n%s", code, out)
				}
			} else if err != nil {
				t.Fatalf("ninja: %v\n%s", err, out)
			}
			if !strings.Contains(out, "Linking target app") || !strings.Contains(out, "Regenerating build files") {
				t.Fatalf("ninja did not regenerate and relink:\n%s", out)
			}
			if out, code := cb(t, dir, nil, "check", "--glibc", "2.17", app); code != 0 {
				t.Errorf("after a later ninja run: check exit %d\n%s", code, out)
			}
		})
	}
}

// appendNewline changes files (and their modification time, to now).
func appendNewline(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		fh, err := os.OpenFile(f, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = fh.WriteString("\n")
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
