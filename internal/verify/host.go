package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/driver"
	"compatbuild/internal/sysroot"
)

// hostSource is the dlopen host: see the comment at its top for the
// protocol it speaks on file descriptor 3.
//
//go:embed host/host.c
var hostSource []byte

// hostFormat changes whenever the way hosts are built changes, so old
// cache entries are never reused.
const hostFormat = "verify-host-2"

// Exit statuses of the host (see host/host.c).
const (
	hostExitUsage        = 3
	hostExitDlopenFailed = 4
	hostExitDlsymFailed  = 5
	hostExitMismatch     = 6 // python_host.py: not a module this Python imports
)

var (
	minHostGlibc = abidb.OldestRelease
	maxHostGlibc = abidb.NewestRelease
)

// HostCacheRoot is where built dlopen hosts are kept:
// $XDG_CACHE_HOME/compatbuild/verify (default ~/.cache/compatbuild/verify).
func HostCacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (%v): set XDG_CACHE_HOME or HOME", err)
	}
	return filepath.Join(base, "compatbuild", "verify"), nil
}

// HostGlibc is the glibc release the dlopen host is built for on a runtime
// whose glibc is runtimeGlibc: that release, clamped to what compatbuild
// can link for (2.17 to the newest release it knows). A patch level is
// dropped.
func HostGlibc(runtimeGlibc string) (abidb.Version, error) {
	v, err := abidb.ParseVersion(runtimeGlibc)
	if err != nil {
		return abidb.Version{}, fmt.Errorf("runtime glibc version %q: %v", runtimeGlibc, err)
	}
	v.Patch = 0
	switch {
	case v.Less(minHostGlibc):
		v = minHostGlibc
	case maxHostGlibc.Less(v):
		v = maxHostGlibc
	}
	return v, nil
}

// EnsureHost returns the path of the dlopen host built for glibc, building
// it with compatbuild's own driver into cacheRoot (HostCacheRoot() if
// empty) the first time. The file name is a hash of the host's source and
// of everything that decides the stub sysroot (ABI data, polyfills,
// compiler); it is built under a temporary name and renamed into place, so
// concurrent callers all get a complete file.
func EnsureHost(ctx context.Context, cacheRoot string, glibc abidb.Version) (string, error) {
	if cacheRoot == "" {
		r, err := HostCacheRoot()
		if err != nil {
			return "", err
		}
		cacheRoot = r
	}
	cc := driver.SysrootCompiler()
	srKey, err := sysroot.Key(sysroot.Spec{Arch: "x86_64", Glibc: glibc, CC: cc})
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v", glibc, err)
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(hostFormat), hostSource, []byte(glibc.String()), []byte(srKey)} {
		h.Write(part)
		h.Write([]byte{0})
	}
	final := filepath.Join(cacheRoot, fmt.Sprintf("dlopen-host-x86_64-glibc%s-%s", glibc, hex.EncodeToString(h.Sum(nil))[:20]))
	if fi, err := os.Stat(final); err == nil && fi.Mode().IsRegular() {
		return final, nil
	}
	if err := os.MkdirAll(cacheRoot, 0o700); err != nil {
		return "", fmt.Errorf("creating the verify cache: %v", err)
	}
	tmp, err := os.MkdirTemp(cacheRoot, ".tmp-host-")
	if err != nil {
		return "", fmt.Errorf("creating the verify cache: %v", err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "host.c")
	if err := os.WriteFile(src, hostSource, 0o600); err != nil {
		return "", fmt.Errorf("creating the verify cache: %v", err)
	}
	out := filepath.Join(tmp, "host")
	var log bytes.Buffer
	code, err := driver.Run(ctx, driver.Options{Glibc: glibc, Compiler: cc, Stdout: &log, Stderr: &log},
		[]string{"-O2", "-o", out, src})
	if err == nil && code != 0 {
		err = fmt.Errorf("%s exited with status %d: %s", strings.Join(cc, " "), code, lastLine(log.String()))
	}
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v; a working C compiler (gcc or clang, or $CC) is needed to verify shared libraries", glibc, err)
	}
	if err := cachefs.Sync(out); err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v", glibc, err)
	}
	if err := os.Rename(out, final); err != nil {
		return "", fmt.Errorf("installing the dlopen host %s: %v", final, err)
	}
	if err := cachefs.Sync(cacheRoot); err != nil {
		return "", fmt.Errorf("installing the dlopen host %s: %v", final, err)
	}
	return final, nil
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return "(no output)"
}
