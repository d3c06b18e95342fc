package runtimes

// Concurrent use of one cache: goroutines and processes fetching the same
// runtime build it once and leave the cache clean.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	dir := args[len(args)-1]
	cmd := exec.Command(name, args[:len(args)-1]...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func TestConcurrentGet(t *testing.T) {
	t.Parallel()
	cache := t.TempDir()
	const n = 8
	roots := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache})
			errs[i] = err
			if err == nil {
				roots[i] = r.Root
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if roots[i] != roots[0] {
			t.Errorf("goroutine %d got Root %s, goroutine 0 got %s", i, roots[i], roots[0])
		}
	}
	if got := buildsIn(cache); got != 1 {
		t.Errorf("%d goroutines asked for %d downloads, want 1", n, got)
	}
	checkCacheClean(t, cache, "debian-11-amd64")
}

// checkCacheClean checks the cache holds the runtimes and their locks only.
func checkCacheClean(t *testing.T, cache string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		ok := false
		for _, w := range want {
			ok = ok || name == w || name == "."+w+".lock"
		}
		if !ok {
			t.Errorf("unexpected entry %s in the cache", name)
		}
	}
}

// Several processes share one cache: each is this test binary in helper
// mode, with the real apt download (no in-process sharing).
const helperEnv = "COMPATBUILD_RUNTIMES_TEST_HELPER_CACHE"

func helperProcess(cache string) {
	var built atomic.Int32
	downloadDebs = func(ctx context.Context, req fetchRequest, workDir, outDir string) error {
		built.Add(1)
		return aptDownload(ctx, req, workDir, outDir)
	}
	r, err := GetWithOptions(context.Background(), "debian:11", Options{CacheDir: cache})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("%s %s %d\n", r.Root, r.Glibc, built.Load())
	os.Exit(0)
}

func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	cache := t.TempDir()
	const n = 3
	outs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctxFor(t), os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+cache)
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = strings.TrimSpace(string(out)), err
		}()
	}
	wg.Wait()
	downloads := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("process %d: %v: %s", i, errs[i], outs[i])
		}
		var root, glibc string
		var built int
		if _, err := fmt.Sscan(outs[i], &root, &glibc, &built); err != nil {
			t.Fatalf("process %d printed %q: %v", i, outs[i], err)
		}
		if root != filepath.Join(cache, "debian-11-amd64") || glibc != "2.31" {
			t.Errorf("process %d: root %s glibc %s", i, root, glibc)
		}
		downloads += built
	}
	if downloads != 1 {
		t.Errorf("%d processes downloaded %d times, want 1", n, downloads)
	}
	checkCacheClean(t, cache, "debian-11-amd64")
}
