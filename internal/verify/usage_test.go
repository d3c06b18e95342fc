package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Options verify cannot honour are one-line errors before anything runs,
// never silently ignored.
func TestUsageErrors(t *testing.T) {
	a := artifacts(t)
	// --package adds Debian packages to named runtimes; a folder's
	// packages are the folder's.
	o := opts(t.TempDir())
	o.Packages = []string{"coreutils"}
	_, err := Run(context.Background(), []string{a.ProgGood}, o)
	if err == nil || !strings.Contains(err.Error(), "--package coreutils: runtime ") || !strings.Contains(err.Error(), "is a folder, which verify does not install into") {
		t.Errorf("--package with a folder runtime: %v", err)
	}
	// node require()s only *.node files as addons.
	so := filepath.Join(t.TempDir(), "addon.so")
	data, _ := os.ReadFile(a.Good)
	os.WriteFile(so, data, 0o644)
	o = opts("debian:11")
	o.Host = HostNode
	_, err = Run(context.Background(), []string{so}, o)
	if err == nil || !strings.Contains(err.Error(), "only from a file named *.node; rename it or copy it (cp "+so+" "+strings.TrimSuffix(so, ".so")+".node)") {
		t.Errorf("--host node with a .so: %v", err)
	}
}
