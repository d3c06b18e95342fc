package sysroot

// Processes preparing one sysroot at once build it once.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"compatbuild/internal/abidb"
)

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
