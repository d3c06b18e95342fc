package runtimes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"compatbuild/internal/cachefs"
)

// debianRelease is a named Debian runtime.
type debianRelease struct {
	name    string   // "debian:11"
	aliases []string // "debian:bullseye"
	suite   string   // "bullseye"
	glibc   string   // its glibc version: a runtime of another is refused
	python  string   // its Python 3 ("3.9"), package python<python>
	// mergedUsr: the release's systems have /bin, /sbin and /lib* as
	// links into /usr (see usrmerge.go).
	mergedUsr bool
}

// debianReleases are the named runtimes. Facts from each release's own
// packages: libc6 (glibc), python3 (the default Python 3), nodejs.
var debianReleases = []debianRelease{
	// Debian 11 installs merged /usr by default but supports systems
	// upgraded without it: its runtime keeps the layout dpkg gives.
	{"debian:11", []string{"debian:bullseye"}, "bullseye", "2.31", "3.9", false},
	{"debian:12", []string{"debian:bookworm"}, "bookworm", "2.36", "3.11", true},
	{"debian:13", []string{"debian:trixie"}, "trixie", "2.41", "3.13", true},
}

func lookupRelease(name string) (debianRelease, bool) {
	for _, r := range debianReleases {
		if r.name == name || slices.Contains(r.aliases, name) {
			return r, true
		}
	}
	return debianRelease{}, false
}

// metaFile is written into a fetched runtime's root last before it is
// renamed into place: its presence marks a complete runtime.
const metaFile = ".compatbuild-runtime.json"

type runtimeMeta struct {
	// Format is metaFormat for runtimes this compatbuild can check; older
	// entries (no manifest) are fetched again.
	Format   int       `json:"format"`
	Name     string    `json:"name"`
	Suite    string    `json:"suite"`
	Arch     string    `json:"arch"`
	Packages []string  `json:"packages"` // requested package names
	Debs     []string  `json:"debs"`     // the .deb files extracted
	Mirror   string    `json:"mirror"`
	Fetched  time.Time `json:"fetched"`
	// Manifest is the SHA-256 of the root's manifestFile.
	Manifest string `json:"manifest_sha256"`
}

// metaFormat is the current runtimeMeta.Format. 3: every runtime holds
// the release's /bin/sh (dash), and merged-/usr releases have their
// /usr links; runtimes of older formats are fetched again.
const metaFormat = 3

// fetchRequest is what a named runtime is made of.
type fetchRequest struct {
	rel      debianRelease
	arch     string
	packages []string
	mirror   aptSource
	// progress, when set, gets what is fetched and, with progressLine,
	// during the download one rewritten line of progress (a terminal).
	progress     io.Writer
	progressLine bool
}

// downloadDebs downloads the request's packages as .deb files into outDir,
// using workDir for apt's private state. Tests replace it to share
// downloads between fresh caches.
var downloadDebs = aptDownload

// cacheKey names the cache entry: debian-11-amd64, plus a hash of the
// package set when it is not the default one.
func cacheKey(rel debianRelease, arch string, pkgs []string) string {
	key := strings.ReplaceAll(rel.name, ":", "-") + "-" + arch
	if !slices.Equal(pkgs, normalizePackages(DefaultPackages())) {
		sum := sha256.Sum256([]byte(strings.Join(pkgs, "\n")))
		key += "-" + hex.EncodeToString(sum[:])[:12]
	}
	return key
}

func normalizePackages(pkgs []string) []string {
	out := []string{"libc6"}
	for _, p := range pkgs {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func getDebian(ctx context.Context, rel debianRelease, opts Options) (*Runtime, error) {
	arch := opts.Arch
	if arch == "" {
		a, err := hostArch()
		if err != nil {
			return nil, fmt.Errorf("fetching %s runtime: %v", rel.name, err)
		}
		arch = a
	}
	if _, ok := arches[arch]; !ok {
		return nil, fmt.Errorf("fetching %s runtime: unknown architecture %q; use a Debian architecture name such as amd64, arm64 or i386", rel.name, arch)
	}
	if err := checkPort(rel, arch); err != nil {
		return nil, fmt.Errorf("fetching %s runtime: %v", rel.name, err)
	}
	pkgs := opts.Packages
	if len(pkgs) == 0 {
		pkgs = DefaultPackages()
	}
	pkgs = normalizePackages(pkgs)
	for _, p := range pkgs {
		if strings.ContainsAny(p, " /:=") || strings.HasPrefix(p, "-") {
			return nil, fmt.Errorf("fetching %s runtime: bad package name %q; give plain Debian package names such as libstdc++6", rel.name, p)
		}
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		cacheDir = d
	}
	cacheDir, err := filepath.Abs(cacheDir)
	if err != nil {
		return nil, err
	}
	key := cacheKey(rel, arch, pkgs)
	final := filepath.Join(cacheDir, key)

	if err := checkCacheDir(cacheDir); err != nil {
		return nil, err
	}
	if complete(final) {
		// An entry that disappears meanwhile (another process replacing
		// an old one) is simply fetched again.
		if err := checkRuntime(rel, final, arch); err != nil && complete(final) {
			return nil, err
		}
	}
	if !complete(final) {
		etc := opts.aptEtc
		if etc == "" {
			etc = "/etc/apt"
		}
		if err := fetchLocked(ctx, cacheDir, key, final, func(tmp string) (runtimeMeta, error) {
			mirror, err := debianMirror(etc)
			if err != nil {
				return runtimeMeta{}, err
			}
			req := fetchRequest{rel: rel, arch: arch, packages: pkgs, mirror: mirror, progress: opts.Progress, progressLine: opts.ProgressLine}
			meta, err := build(ctx, req, tmp)
			if err != nil {
				return meta, err
			}
			// A runtime named for a release must hold that release's C
			// library: refuse it before it is cached under that name.
			r, err := detect(rel.name, tmp, arch)
			if err != nil {
				return meta, err
			}
			if err := checkGlibc(rel, r); err != nil {
				return meta, fmt.Errorf("%v; check COMPATBUILD_DEBIAN_MIRROR and the machine's apt sources", err)
			}
			return meta, nil
		}); err != nil {
			return nil, fmt.Errorf("fetching %s runtime: %v", rel.name, err)
		}
	}
	r, err := detect(rel.name, final, arch)
	if err == nil {
		err = checkGlibc(rel, r)
	}
	if err != nil {
		return nil, fmt.Errorf("%v; remove %s to fetch it again", err, final)
	}
	return r, nil
}

// checkGlibc refuses a runtime whose C library is not its release's.
func checkGlibc(rel debianRelease, r *Runtime) error {
	if r.Glibc != rel.glibc {
		return fmt.Errorf("runtime %s holds glibc %s, but %s's C library is glibc %s", rel.name, r.Glibc, rel.name, rel.glibc)
	}
	return nil
}

// checkCacheDir refuses a runtime cache another user could write to.
func checkCacheDir(cacheDir string) error {
	err := cachefs.CheckTrusted(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // made private on first fetch
	}
	return err
}

// checkRuntime checks a cached runtime against the manifest written when
// it was fetched, before anything runs under it: a damaged runtime would
// otherwise make correct artifacts fail. An entry of an older compatbuild
// (no manifest) is removed, to be fetched again.
func checkRuntime(rel debianRelease, dir, arch string) error {
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	var meta runtimeMeta
	if err == nil {
		err = json.Unmarshal(data, &meta)
	}
	if err == nil && meta.Format < metaFormat {
		// Renamed first, so no other process sees it half removed.
		old := filepath.Join(filepath.Dir(dir), fmt.Sprintf(".tmp-old-%s-%d", filepath.Base(dir), os.Getpid()))
		if err := os.Rename(dir, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replacing %s, a runtime cached by an older compatbuild: %v; remove it yourself", dir, err)
		}
		os.RemoveAll(old)
		return nil
	}
	if err == nil {
		err = checkManifest(dir, meta.Manifest)
	}
	if err != nil {
		return fmt.Errorf("the cached runtime %s in %s is damaged: %v; remove %s to fetch it again", rel.name, dir, err, dir)
	}
	return nil
}

// complete reports whether dir is a finished runtime.
func complete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, metaFile))
	return err == nil
}

// fetchLocked makes final under an exclusive lock on cacheDir/.<key>.lock:
// mk builds the runtime's root in a temporary directory next to final,
// which is then synced and renamed into place. If another process or
// goroutine made final first, that one is used.
func fetchLocked(ctx context.Context, cacheDir, key, final string, mk func(tmpRoot string) (runtimeMeta, error)) error {
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return fmt.Errorf("creating the cache %s: %v; set XDG_CACHE_HOME to a writable directory", cacheDir, err)
	}
	if err := cachefs.CheckTrusted(cacheDir); err != nil {
		return err
	}
	unlock, err := lockFile(ctx, filepath.Join(cacheDir, "."+key+".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if complete(final) {
		return nil // made while we waited for the lock
	}
	// Leftovers of crashed fetches of this key: everyone making this key
	// holds the lock, so none of them is in use.
	old, _ := filepath.Glob(filepath.Join(cacheDir, ".tmp-"+key+"-*"))
	for _, o := range old {
		os.RemoveAll(o)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".tmp-"+key+"-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory in %s: %v", cacheDir, err)
	}
	defer os.RemoveAll(tmp)
	root := filepath.Join(tmp, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return err
	}
	meta, err := mk(root)
	if err != nil {
		return err
	}
	meta.Format = metaFormat
	if meta.Manifest, err = writeManifest(root); err != nil {
		return fmt.Errorf("listing the runtime: %v", err)
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, metaFile), append(data, '\n'), 0o644); err != nil {
		return err
	}
	if err := syncTree(root); err != nil {
		return fmt.Errorf("syncing %s: %v", root, err)
	}
	if err := os.Rename(root, final); err != nil {
		if complete(final) {
			return nil // lost a race with a process that ignores the lock; use its result
		}
		if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("%s exists but is not a complete runtime; remove it and try again", final)
		}
		return err
	}
	return cachefs.Sync(cacheDir)
}

// lockFile takes an exclusive flock on path, waiting until ctx is done.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock %s: %v", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %v", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another fetch holding %s: %v", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// syncTree fsyncs every regular file and directory under root.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() && !d.IsDir() {
			return nil
		}
		return cachefs.Sync(p)
	})
}

// build downloads and extracts the request's packages into root.
func build(ctx context.Context, req fetchRequest, root string) (runtimeMeta, error) {
	work := filepath.Join(filepath.Dir(root), "apt")
	debs := filepath.Join(filepath.Dir(root), "debs")
	for _, d := range []string{work, debs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return runtimeMeta{}, err
		}
	}
	if err := downloadDebs(ctx, req, work, debs); err != nil {
		return runtimeMeta{}, err
	}
	files, _ := filepath.Glob(filepath.Join(debs, "*.deb"))
	if len(files) == 0 {
		return runtimeMeta{}, fmt.Errorf("apt-get download left no .deb files in %s; check the machine's apt configuration (/etc/apt/sources.list.d)", debs)
	}
	meta := runtimeMeta{
		Name: req.rel.name, Suite: req.rel.suite, Arch: req.arch,
		Packages: req.packages, Mirror: req.mirror.URI, Fetched: time.Now().UTC(),
	}
	for _, f := range files {
		cmd := exec.CommandContext(ctx, "dpkg-deb", "-x", f, root)
		if out, err := cmd.CombinedOutput(); err != nil {
			return runtimeMeta{}, fmt.Errorf("dpkg-deb -x %s failed: %v: %s; is dpkg installed?", filepath.Base(f), err, lastLine(string(out)))
		}
		meta.Debs = append(meta.Debs, filepath.Base(f))
	}
	if req.rel.mergedUsr {
		if err := mergeUsr(root); err != nil {
			return runtimeMeta{}, fmt.Errorf("%v (in %s)", err, root)
		}
	}
	if err := relativizeSymlinks(root); err != nil {
		return runtimeMeta{}, fmt.Errorf("fixing symlinks in %s: %v", root, err)
	}
	return meta, nil
}

// relativizeSymlinks rewrites absolute symlinks under root (such as
// lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-2.31.so) into
// relative ones, so they point inside root and never at the host.
func relativizeSymlinks(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		target, err := os.Readlink(p)
		if err != nil || !strings.HasPrefix(target, "/") {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(p), filepath.Join(root, target))
		if err != nil {
			return err
		}
		if err := os.Remove(p); err != nil {
			return err
		}
		return os.Symlink(rel, p)
	})
}

// sourcesLine is the private sources.list: the wanted suite only, its
// Packages index only (no translations or AppStream data), and a keyring to
// check the Release signature with.
func sourcesLine(req fetchRequest) string {
	opts := "arch=" + req.arch + " target=Packages"
	if k := keyringFor(req.mirror); k != "" {
		opts = "signed-by=" + k + " " + opts
	}
	return fmt.Sprintf("deb [%s] %s %s main\n", opts, req.mirror.URI, req.rel.suite)
}
