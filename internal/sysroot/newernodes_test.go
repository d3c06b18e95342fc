package sysroot

// No file of a sysroot names a version node newer than its target.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

// nodeTooNew says why a stub for target must not define node, or "".
func nodeTooNew(node string, target abidb.Version) string {
	if node == "GLIBC_PRIVATE" {
		return "GLIBC_PRIVATE"
	}
	if rel, ok := markerReleases[node]; ok {
		if target.Less(abidb.MustParseVersion(rel)) {
			return fmt.Sprintf("%s (glibc %s)", node, rel)
		}
		return ""
	}
	if v, ok := strings.CutPrefix(node, "GLIBC_"); ok {
		ver, err := abidb.ParseVersion(v)
		if err != nil {
			return node + " (not a glibc version)"
		}
		if target.Less(ver) {
			return node
		}
		return ""
	}
	if strings.HasPrefix(node, "GCC_") {
		return "" // libgcc unwinder nodes in old i386/s390x libc, not glibc releases
	}
	return node + " (unknown node)"
}

// checkNoNewerNodes fails if a stub defines a version node newer than
// target, GLIBC_PRIVATE, or a symbol under such a node.
func checkNoNewerNodes(t *testing.T, what string, data []byte, target abidb.Version) {
	t.Helper()
	ex, err := readExports(data)
	if err != nil {
		t.Fatalf("reading %s: %v", what, err)
	}
	var bad []string
	for _, n := range ex.nodes {
		if why := nodeTooNew(n, target); why != "" {
			bad = append(bad, why)
		}
	}
	for k, e := range ex.syms {
		if why := nodeTooNew(e.version, target); why != "" || e.version == "" {
			bad = append(bad, "symbol "+k)
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s for glibc %s defines versions newer than the target or private, %s", what, target, listDiff(bad))
	}
	if len(ex.nodes) == 0 {
		t.Errorf("%s for glibc %s defines no version nodes", what, target)
	}
}

// TestNoNewerVersionNodes: no stub defines a version node newer than its
// target, or GLIBC_PRIVATE, for every ABI's stubs and for the stubs of
// x86_64 sysroots built by EnsureIn.
func TestNoNewerVersionNodes(t *testing.T) {
	// The checker itself must tell newer nodes from allowed ones.
	for _, c := range []struct {
		node, target string
		bad          bool
	}{
		{"GLIBC_2.28", "2.28", false}, {"GLIBC_2.29", "2.28", true}, {"GLIBC_2.2.5", "2.17", false},
		{"GLIBC_PRIVATE", "2.44", true}, {"GLIBC_ABI_DT_RELR", "2.35", true}, {"GLIBC_ABI_DT_RELR", "2.36", false},
		{"GLIBC_ABI_GNU2_TLS", "2.42", true}, {"GCC_3.0", "2.17", false}, {"XCRYPT_2.0", "2.17", true},
	} {
		if got := nodeTooNew(c.node, abidb.MustParseVersion(c.target)) != ""; got != c.bad {
			t.Errorf("nodeTooNew(%s, %s) = %v, want %v", c.node, c.target, got, c.bad)
		}
	}
	targets := []string{"2.17", "2.28", "2.34", "2.44"}
	for _, abi := range abidb.ABIs {
		db := abidb.MustLoad(abi)
		for _, tv := range targets {
			target := abidb.MustParseVersion(tv)
			if target.Less(db.First()) {
				continue // riscv64 starts at 2.27, ppc64le at 2.19: covered by the later targets
			}
			libs, err := db.Libraries(target)
			if err != nil {
				t.Fatal(err)
			}
			for _, lib := range libs {
				desc, data := buildStub(t, db, lib, target)
				checkNoNewerNodes(t, abi+" "+desc.Soname, data, target)
			}
		}
	}
	cc := hostCC(t)
	root := t.TempDir()
	for _, tv := range targets {
		target := abidb.MustParseVersion(tv)
		s, err := EnsureIn(context.Background(), root, Spec{Arch: "x86_64", Glibc: target, CC: cc})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for name, data := range snapshot(t, s.Dir) {
			if strings.Contains(name, ".so.") {
				checkNoNewerNodes(t, "sysroot "+name, data, target)
				n++
			}
		}
		if n < 10 {
			t.Errorf("sysroot for %s has only %d stub libraries", tv, n)
		}
	}
}

// ensureResult is what one participant of the concurrency test saw.
type ensureResult struct {
	who, dir, hash string
	err            error
}

const helperRootEnv = "COMPATBUILD_TEST_ENSURE_ROOT"
