package main

// cgo programs and Go plugins that import net: the net package calls
// res_search, which glibc ≥ 2.34's headers name plainly and older glibc
// exports only as __res_search in libresolv.so.2. Built for 2.17, 2.28 and
// 2.31, they must load and resolve through glibc under real glibc 2.31.

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func needed(t *testing.T, path string) []string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.DynString(elf.DT_NEEDED)
	if err != nil {
		t.Fatal(err)
	}
	return libs
}

// runOldEnv is runOld with extra environment variables.
func runOldEnv(t *testing.T, env []string, prog string, args ...string) string {
	t.Helper()
	cmd := debian11(t).Command(context.Background(), prog, args...)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s under glibc 2.31: %v\n%s", filepath.Base(prog), err, out)
	}
	return string(out)
}

func TestCgoNetResolvesThroughGlibc(t *testing.T) {
	for _, target := range []string{"2.17", "2.28", "2.31"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, "cgonet")
			mustCB(t, dir, "go", "build", "--glibc", target, "-o", "app", ".")
			app := filepath.Join(dir, "app")
			assertWithin(t, target, app)
			if libs := needed(t, app); !slices.Contains(libs, "libresolv.so.2") {
				t.Errorf("needs %v, not libresolv.so.2 (res_search)", libs)
			}
			if out := runOldEnv(t, []string{"GODEBUG=netdns=cgo+1"}, app); !strings.Contains(out, "localhost resolves to 127.0.0.1: true") || !strings.Contains(out, "cgo") {
				t.Errorf("under 2.31 with the cgo resolver:\n%s", out)
			}
		})
	}
}

func TestGoPluginImportingNetLoads(t *testing.T) {
	for _, target := range []string{"2.17", "2.28", "2.31"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, "cgoplugin")
			mustCB(t, dir, "go", "build", "--glibc", target, "-buildmode=c-shared", "-o", "libgoplugin.so", ".")
			lib := filepath.Join(dir, "libgoplugin.so")
			assertWithin(t, target, lib)
			if libs := needed(t, lib); !slices.Contains(libs, "libresolv.so.2") {
				t.Errorf("needs %v, not libresolv.so.2 (res_search)", libs)
			}
			src, err := os.ReadFile(filepath.Join("testdata", "cgoplugin_host.c"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "host.c"), src, 0o644)
			mustCB(t, dir, "cc", "--glibc", "2.17", "-O2", "host.c", "-o", "host", "-ldl")
			if libs := needed(t, filepath.Join(dir, "host")); slices.Contains(libs, "libresolv.so.2") {
				t.Errorf("the host needs %v: it must not bring libresolv.so.2 itself", libs)
			}
			if out := runOldEnv(t, []string{"GODEBUG=netdns=cgo"}, filepath.Join(dir, "host"), lib); out != "Resolve: 1\n" {
				t.Errorf("host under 2.31 printed %q", out)
			}
		})
	}
}
