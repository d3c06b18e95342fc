package runtimes

// Bad names, folders and fetches: one line each, naming the fix.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnknownName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"debian:10", "ubuntu:22.04", "debian"} {
		_, err := Get(ctxFor(t), name)
		if err == nil {
			t.Fatalf("Get(%q) succeeded", name)
		}
		msg := err.Error()
		for _, known := range Names() {
			if !strings.Contains(msg, known) {
				t.Errorf("error %q does not list %s", msg, known)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("error is not one line: %q", msg)
		}
	}
	if got := Names(); strings.Join(got, ",") != "debian:11,debian:12,debian:13" {
		t.Errorf("Names() = %v", got)
	}
}

func TestBadFolders(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	os.MkdirAll(filepath.Join(empty, "lib", "x86_64-linux-gnu"), 0o755)
	os.WriteFile(filepath.Join(empty, "lib", "x86_64-linux-gnu", "libc.so.6"), []byte("not a libc"), 0o644)
	_, err := Get(ctxFor(t), empty)
	if err == nil || !strings.Contains(err.Error(), "has no glibc dynamic loader") {
		t.Errorf("folder without a loader: %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), empty) {
		t.Errorf("error does not name the folder: %v", err)
	}

	_, err = Get(ctxFor(t), filepath.Join(empty, "missing"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing folder: %v", err)
	}

	file := filepath.Join(empty, "file")
	os.WriteFile(file, nil, 0o644)
	_, err = Get(ctxFor(t), file)
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as folder: %v", err)
	}

	// A loader but no libc.
	noLibc := t.TempDir()
	os.MkdirAll(filepath.Join(noLibc, "lib64"), 0o755)
	os.WriteFile(filepath.Join(noLibc, "lib64", "ld-linux-x86-64.so.2"), []byte("x"), 0o755)
	_, err = FromFolder(noLibc, "amd64")
	if err == nil || !strings.Contains(err.Error(), "no libc.so.6") {
		t.Errorf("folder without libc: %v", err)
	}

	// A loader symlink that escapes with .. stays inside the root, where
	// the target does not exist.
	escape := t.TempDir()
	os.MkdirAll(filepath.Join(escape, "lib64"), 0o755)
	os.Symlink("../../../../../../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", filepath.Join(escape, "lib64", "ld-linux-x86-64.so.2"))
	if _, err := FromFolder(escape, "amd64"); err == nil {
		t.Errorf("a loader symlink pointing out of the root was followed to the host")
	}

	if _, err := FromFolder(empty, "vax"); err == nil || !strings.Contains(err.Error(), "unknown architecture") {
		t.Errorf("unknown arch: %v", err)
	}
	if _, err := GetWithOptions(ctxFor(t), "debian:11", Options{Arch: "vax", CacheDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "unknown architecture") {
		t.Errorf("unknown arch: %v", err)
	}
	if _, err := GetWithOptions(ctxFor(t), "debian:11", Options{Packages: []string{"-o=evil"}, CacheDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "bad package name") {
		t.Errorf("bad package: %v", err)
	}
}

func TestVersionFromFileName(t *testing.T) {
	t.Parallel()
	// An old layout: versioned file names, no ld-linux symlink, no banner.
	root := t.TempDir()
	dir := filepath.Join(root, "lib", "i386-linux-gnu")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "ld-2.17.so"), []byte("loader"), 0o755)
	os.WriteFile(filepath.Join(dir, "libc-2.17.so"), []byte("no banner here"), 0o755)
	os.Symlink("libc-2.17.so", filepath.Join(dir, "libc.so.6"))
	r, err := FromFolder(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Glibc != "2.17" || r.Arch != "i386" || r.Loader != filepath.Join(dir, "ld-2.17.so") {
		t.Errorf("got %+v", r)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	noDebian := t.TempDir()
	os.MkdirAll(filepath.Join(noDebian, "sources.list.d"), 0o755)
	os.WriteFile(filepath.Join(noDebian, "sources.list.d", "other.sources"),
		[]byte("Types: deb\nURIs: http://example.invalid/apt\nSuites: stuff\nComponents: main\n"), 0o644)
	cache := t.TempDir()
	_, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache, aptEtc: noDebian})
	if err == nil {
		t.Fatal("fetch without a Debian source succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "fetching debian:11 runtime: ") || !strings.Contains(msg, "sources.list.d") || strings.Contains(msg, "\n") {
		t.Errorf("error %q", msg)
	}
	checkCacheClean(t, cache, "debian-11-amd64")

	// A mirror that does not answer (a closed port on this machine).
	dead := t.TempDir()
	os.WriteFile(filepath.Join(dead, "sources.list"), []byte("deb http://127.0.0.1:9/debian bookworm main\n"), 0o644)
	_, err = GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache, aptEtc: dead})
	if err == nil {
		t.Fatal("fetch from a dead mirror succeeded")
	}
	msg = err.Error()
	for _, want := range []string{"fetching debian:11 runtime: apt-get update", "127.0.0.1:9", "check the machine's apt configuration"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	checkCacheClean(t, cache, "debian-11-amd64")
	if _, err := os.Stat(filepath.Join(cache, "debian-11-amd64")); err == nil {
		t.Errorf("a failed fetch left a runtime behind")
	}
}
