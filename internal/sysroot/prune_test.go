package sysroot

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"compatbuild/internal/abidb"
)

// Pruning keeps exactly the sysroots this compatbuild would use with this
// compiler, removes stale ones and old leftovers of interrupted builds,
// and leaves builds in progress and foreign files alone.
func TestPruneKeepsWhatIsInUse(t *testing.T) {
	root := t.TempDir()
	cc := []string{"gcc"}
	current, err := EnsureIn(context.Background(), root, Spec{Arch: "x86_64", Glibc: abidb.MustParseVersion("2.17"), CC: cc})
	if err != nil {
		t.Fatal(err)
	}
	mkdir := func(name string, age time.Duration) string {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(p, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(p, "sub", "f"), []byte("12345"), 0o600)
		old := time.Now().Add(-age)
		os.Chtimes(p, old, old)
		return p
	}
	stale := mkdir("x86_64-glibc2.17-0123456789abcdef0123", 0)
	staleOther := mkdir("aarch64-glibc2.28-00000000000000000000", 0)
	unknownABI := mkdir("vax-glibc2.17-00000000000000000000", 0)
	leftover := mkdir(".tmp-123", 2*time.Hour)
	inProgress := mkdir(".tmp-456", time.Minute)
	foreign := mkdir("notes", 0)

	removed, kept, err := PruneIn(root, cc)
	if err != nil {
		t.Fatal(err)
	}
	if kept != 1 {
		t.Errorf("kept %d sysroots, want 1", kept)
	}
	gone := map[string]bool{}
	for _, r := range removed {
		gone[r.Dir] = true
		if r.Bytes < 5 || r.Why == "" {
			t.Errorf("removed %+v: want its size and a reason", r)
		}
	}
	for _, p := range []string{stale, staleOther, unknownABI, leftover} {
		if !gone[p] {
			t.Errorf("%s not reported removed", filepath.Base(p))
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there", filepath.Base(p))
		}
	}
	for _, p := range []string{current.Dir, inProgress, foreign} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	if len(removed) != 4 {
		t.Errorf("removed %d entries, want 4: %+v", len(removed), removed)
	}
	// Nothing is left behind by the removal itself.
	entries := sysrootEntries(root)
	if len(entries) != 3 {
		t.Errorf("cache holds %d entries after pruning, want 3", len(entries))
	}
	// A second prune finds nothing more; a missing cache is not an error.
	if removed, _, err := PruneIn(root, cc); err != nil || len(removed) != 0 {
		t.Errorf("second prune: %v, %v", removed, err)
	}
	if _, _, err := PruneIn(filepath.Join(root, "missing"), cc); err != nil {
		t.Errorf("missing cache: %v", err)
	}
	if _, _, err := PruneIn(root, []string{"no-such-compiler-xyz"}); err == nil {
		t.Error("pruning with a missing compiler succeeded: it cannot tell what is in use")
	}
}
