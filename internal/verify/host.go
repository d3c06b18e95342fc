package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/driver"
	"compatbuild/internal/sysroot"
	"compatbuild/internal/target"
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
// compiler); it is built in a temporary directory with its SHA-256 and
// renamed into place, so concurrent callers all get a complete entry. An
// entry whose host no longer has that hash is built again. The cache must
// be private (owner and mode checked).
func EnsureHost(ctx context.Context, cacheRoot string, glibc abidb.Version) (string, error) {
	return EnsureHostFor(ctx, cacheRoot, glibc, "")
}

// EnsureHostFor is EnsureHost for the runtimes of a Debian architecture
// ("" or amd64 for x86_64): the host is built with that target's cross
// compiler (see internal/toolchain).
func EnsureHostFor(ctx context.Context, cacheRoot string, glibc abidb.Version, debianArch string) (string, error) {
	tg := target.Host()
	if debianArch != "" {
		t, ok := target.ByDebian(debianArch)
		if !ok {
			return "", fmt.Errorf("verify loads shared libraries on the runtimes of %s; %s is not one of them", target.Names(), debianArch)
		}
		tg = t
	}
	if cacheRoot == "" {
		r, err := HostCacheRoot()
		if err != nil {
			return "", err
		}
		cacheRoot = r
	}
	cc, err := driver.SysrootCompilerFor(tg)
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for %s: %v", tg.Triple, err)
	}
	srKey, err := sysroot.Key(sysroot.Spec{Arch: tg.ABI, Glibc: glibc, CC: cc})
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v", glibc, err)
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(hostFormat), hostSource, []byte(glibc.String()), []byte(srKey)} {
		h.Write(part)
		h.Write([]byte{0})
	}
	entry := filepath.Join(cacheRoot, fmt.Sprintf("dlopen-host-%s-glibc%s-%s", tg.ABI, glibc, hex.EncodeToString(h.Sum(nil))[:20]))
	final := filepath.Join(entry, "host")
	if err := checkHostCache(cacheRoot); err != nil {
		return "", err
	}
	if hostIntact(entry) {
		return final, nil
	}
	if _, err := os.Lstat(entry); err == nil {
		// Damaged (or of an older layout): moved aside whole, then
		// built again.
		aside := filepath.Join(cacheRoot, fmt.Sprintf(".tmp-damaged-%s-%d", filepath.Base(entry), os.Getpid()))
		if err := os.Rename(entry, aside); err == nil {
			os.RemoveAll(aside)
		}
	}
	if err := os.MkdirAll(cacheRoot, 0o700); err != nil {
		return "", fmt.Errorf("creating the verify cache: %v", err)
	}
	if err := cachefs.CheckTrusted(cacheRoot); err != nil {
		return "", err
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
	code, err := driver.Run(ctx, driver.Options{Glibc: glibc, Target: tg, Compiler: cc, Stdout: &log, Stderr: &log},
		[]string{"-O2", "-o", out, src})
	if err == nil && code != 0 {
		err = fmt.Errorf("%s exited with status %d: %s", strings.Join(cc, " "), code, lastLine(log.String()))
	}
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v; a working C compiler (gcc or clang, or $CC) is needed to verify shared libraries", glibc, err)
	}
	os.Remove(src)
	sum, err := fileSHA256(out)
	if err == nil {
		err = cachefs.WriteFile(filepath.Join(tmp, "host.sha256"), []byte(sum+"\n"), 0o600)
	}
	if err == nil {
		err = cachefs.Sync(out)
	}
	if err == nil {
		err = cachefs.Sync(tmp)
	}
	if err != nil {
		return "", fmt.Errorf("building the dlopen host for glibc %s: %v", glibc, err)
	}
	if err := os.Rename(tmp, entry); err != nil {
		if hostIntact(entry) {
			return final, nil // another process made it first
		}
		return "", fmt.Errorf("installing the dlopen host %s: %v", final, err)
	}
	if err := cachefs.Sync(cacheRoot); err != nil {
		return "", fmt.Errorf("installing the dlopen host %s: %v", final, err)
	}
	return final, nil
}

// checkHostCache refuses a verify cache another user could write to.
func checkHostCache(dir string) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil // made private when first needed
	}
	return cachefs.CheckTrusted(dir)
}

// hostIntact reports whether the cache entry dir holds a host whose
// content has the SHA-256 recorded when it was built: a truncated or
// changed host would make correct libraries fail.
func hostIntact(dir string) bool {
	want, err := os.ReadFile(filepath.Join(dir, "host.sha256"))
	if err != nil {
		return false
	}
	got, err := fileSHA256(filepath.Join(dir, "host"))
	return err == nil && got == strings.TrimSpace(string(want))
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
