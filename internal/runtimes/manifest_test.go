package runtimes

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cachedCopy puts a copy of the fetched runtime src into a fresh private
// cache as the entry of name, and returns the cache and the entry.
func cachedCopy(t *testing.T, src *Runtime, entry string) (cache, dir string) {
	t.Helper()
	cache = t.TempDir()
	dir = filepath.Join(cache, entry)
	if out, err := exec.Command("cp", "-a", src.Root, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v\n%s", err, out)
	}
	return cache, dir
}

// Every kind of damage to a cached runtime is found before anything runs
// under it, and the message says which file and to remove the directory.
func TestDamagedRuntimeIsRefused(t *testing.T) {
	t.Parallel()
	good := get(t, "debian:11")
	libc, err := filepath.EvalSymlinks(filepath.Join(good.Root, "lib/x86_64-linux-gnu/libc.so.6"))
	if err != nil {
		t.Fatal(err)
	}
	libcRel, _ := filepath.Rel(good.Root, libc)
	for _, tc := range []struct {
		name, want string
		damage     func(dir string) error
	}{
		{"truncated", libcRel + " changed since the fetch", func(dir string) error {
			return os.Truncate(filepath.Join(dir, libcRel), 1000)
		}},
		{"flipped byte, same size and mtime", libcRel + " changed since the fetch (its content differs)", func(dir string) error {
			p := filepath.Join(dir, libcRel)
			fi, _ := os.Stat(p)
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			b := make([]byte, 1)
			f.ReadAt(b, 5000)
			b[0] ^= 0x40
			f.WriteAt(b, 5000)
			f.Close()
			return os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}},
		{"missing", "lib/x86_64-linux-gnu/libm.so.6 is missing", func(dir string) error {
			return os.Remove(filepath.Join(dir, "lib/x86_64-linux-gnu/libm.so.6"))
		}},
		{"added", "lib/x86_64-linux-gnu/libevil.so was added", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "lib/x86_64-linux-gnu/libevil.so"), []byte("x"), 0o644)
		}},
		{"relinked", "lib64/ld-linux-x86-64.so.2 changed since the fetch (the link points elsewhere)", func(dir string) error {
			p := filepath.Join(dir, "lib64/ld-linux-x86-64.so.2")
			os.Remove(p)
			return os.Symlink("/lib64/ld-linux-x86-64.so.2", p)
		}},
		{"manifest edited", "its manifest .compatbuild-manifest was changed", func(dir string) error {
			f, err := os.OpenFile(filepath.Join(dir, manifestFile), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString("d\tx\n")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cache, dir := cachedCopy(t, good, "debian-11-amd64")
			// The copy is checked once (new inodes: every file hashed).
			if _, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache}); err != nil {
				t.Fatalf("an intact copy: %v", err)
			}
			if err := tc.damage(dir); err != nil {
				t.Fatal(err)
			}
			_, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "remove "+dir+" to fetch it again") ||
				strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v\nwant one line with %q and %q", err, tc.want, "remove "+dir)
			}
			if buildsIn(cache) != 0 {
				t.Errorf("a damaged runtime was fetched again silently")
			}
		})
	}
}

// After the fetch, a check hashes no file (one stat per file); a file
// rewritten with its old size and mtime is hashed again.
func TestCheckIsCheapAfterTheFetch(t *testing.T) {
	t.Parallel()
	good := get(t, "debian:11")
	_, dir := cachedCopy(t, good, "debian-11-amd64")
	data, _ := os.ReadFile(filepath.Join(dir, metaFile))
	var meta runtimeMeta
	json.Unmarshal(data, &meta)
	if n, err := checkManifestCounting(dir, meta.Manifest); err != nil || n == 0 {
		t.Fatalf("a copied runtime (new inodes): %d files hashed, %v", n, err)
	}
	if n, err := checkManifestCounting(dir, meta.Manifest); err != nil || n != 0 {
		t.Errorf("the next check hashed %d files, %v", n, err)
	}
	p := filepath.Join(dir, "lib/x86_64-linux-gnu/libm.so.6")
	fi, _ := os.Stat(p)
	content, _ := os.ReadFile(p)
	os.WriteFile(p, content, 0o644)
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	if n, err := checkManifestCounting(dir, meta.Manifest); err != nil || n != 1 {
		t.Errorf("after rewriting one file: %d files hashed, %v", n, err)
	}
}

// A runtime of an older compatbuild (no manifest) is fetched again.
func TestOldFormatRuntimeIsFetchedAgain(t *testing.T) {
	t.Parallel()
	good := get(t, "debian:11")
	cache, dir := cachedCopy(t, good, "debian-11-amd64")
	os.Remove(filepath.Join(dir, manifestFile))
	os.WriteFile(filepath.Join(dir, metaFile), []byte(`{"name":"debian:11"}`), 0o644)
	r, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache})
	if err != nil || buildsIn(cache) != 1 || r.Glibc != "2.31" {
		t.Errorf("got %v, %d fetches", err, buildsIn(cache))
	}
	if _, err := os.Stat(filepath.Join(dir, manifestFile)); err != nil {
		t.Errorf("the fetched-again runtime has no manifest: %v", err)
	}
}

// A runtime named debian:11 must hold glibc 2.31.
func TestNamedRuntimeWithAnotherGlibcIsRefused(t *testing.T) {
	t.Parallel()
	other := get(t, "debian:12")
	cache, dir := cachedCopy(t, other, "debian-11-amd64")
	_, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "runtime debian:11 holds glibc 2.36, but debian:11's C library is glibc 2.31") ||
		!strings.Contains(err.Error(), "remove "+dir) {
		t.Errorf("got %v", err)
	}
}

// A runtime cache another user can write to is refused before use.
func TestSharedRuntimeCacheIsRefused(t *testing.T) {
	t.Parallel()
	good := get(t, "debian:11")
	cache, _ := cachedCopy(t, good, "debian-11-amd64")
	os.Chmod(cache, 0o777)
	_, err := GetWithOptions(ctxFor(t), "debian:11", Options{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "chmod go-w "+cache) {
		t.Errorf("got %v", err)
	}
}
