// Package sysroot builds and caches the directory a compat link runs
// against: stub shared objects for every glibc library of the target
// release, linker scripts like glibc's own (libc.so, libm.so, ...), start
// files, libc_nonshared.a and the polyfill archive.
//
// A sysroot is content-addressed: its directory name is a hash of
// everything that determines its bytes (the ABI data, the target, the
// libcompat sources, the compiler that built the objects and the glibc
// release of that compiler's headers, headers.go). Creating one
// is atomic: it is assembled in a temporary directory, every file is
// fsynced, and the directory is renamed into place; a process that loses
// the race uses the winner's copy. Many concurrent links on a cold cache
// therefore all succeed and see identical bytes.
package sysroot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/stubs"
)

// formatVersion changes whenever the layout or content rules change, so
// old cache entries are never reused by a newer compatbuild.
const formatVersion = "sysroot-12"

// Spec says which sysroot to build.
type Spec struct {
	Arch  string        // ABI name, e.g. x86_64
	Glibc abidb.Version // target release
	CC    []string      // compiler that builds the start files and archives
	// Headers is the glibc release of CC's headers, which the programs
	// linked are taken to be compiled with (zero: unknown). EnsureIn sets
	// it from CC (headers.go); it picks, for the names whose ABI changed
	// under one name, the version the stubs offer and the form polyfilled.
	Headers abidb.Version
}

// Sysroot is a ready directory.
type Sysroot struct {
	Spec
	Dir string // holds the libraries, scripts, start files and archives
	// Note, when not empty, says what Ensure had to repair ("the cached
	// sysroot DIR was damaged (Scrt1.o: missing); rebuilt it"), for the
	// caller to show.
	Note string

	archives      map[string][]string // lazily built archive → the symbols it defines; see ArchiveSymbols
	archivesKnown bool                // archives is set (from the build or the manifest)
}

// LazyArchives are the archives a sysroot holds as empty placeholders
// until a link first needs one of their symbols (BuildArchive): most links
// never do, and they are most of a cold sysroot's compile time.
var LazyArchives = []string{libcompat.PolyfillName, libcompat.MathName}

var lazyParts = map[string]libcompat.Parts{libcompat.PolyfillName: libcompat.Polyfill, libcompat.MathName: libcompat.MathPolyfill}

// lazyCompanions are files built with a lazy archive and installed before
// it: libcompat_override.a's members are pulled in by libcompat_polyfill.a's,
// so a reader that sees the new polyfill archive sees them too.
var lazyCompanions = map[string][]string{libcompat.PolyfillName: {libcompat.OverrideName}}

// manifestName is written last; its presence marks a complete sysroot.
const manifestName = "compatbuild-sysroot.json"

// MergedIn234 are the libraries whose contents moved into libc.so.6 in 2.34.
var MergedIn234 = []string{"libpthread", "libdl", "librt", "libutil", "libanl"}

// implicitDirName holds, for targets below 2.34, second stubs of the
// MergedIn234 libraries that export only what libc.so.6 lacks, which
// libc.so offers as-needed in front of libc.so.6. Programs written for
// glibc ≥ 2.34 call pthread_create or dlopen without -lpthread or -ldl;
// this way they still link, and get DT_NEEDED only for what they use.
// Why separate trimmed stubs in front, and outside libc.so's GROUP: ld
// snapshots its whole symbol table for every as-needed library it looks
// at, so once libc.so.6's symbols are in, each costs about 1 ms per link.
// In front, with nothing that libc.so.6 also defines (so every binding
// stays what it would be behind it), the table is still small; outside
// the GROUP, ld does not look at them again on its second pass over the
// group (which costs 2 to 5 ms of CPU per link when they are inside).
const implicitDirName = "implicit"

var v234 = abidb.MustParseVersion("2.34")

// CacheRoot is where sysroots live: $XDG_CACHE_HOME/compatbuild/sysroot.
func CacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (%v): set XDG_CACHE_HOME or HOME", err)
	}
	return filepath.Join(base, "compatbuild", "sysroot"), nil
}

// Key is the content address of the sysroot spec would produce, with
// spec.Headers as given (EnsureIn finds it from the compiler first).
func Key(spec Spec) (string, error) {
	cc, err := compilerIdentity(spec.CC)
	if err != nil {
		return "", err
	}
	return keyFor(spec, cc)
}

// keyFor is Key for a compiler whose identity is known.
func keyFor(spec Spec, cc string) (string, error) {
	dataHash, err := abidb.Fingerprint(spec.Arch)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, part := range []string{formatVersion, spec.Arch, spec.Glibc.String(), dataHash, libcompat.Fingerprint(), cc, "headers " + headersPart(spec.Headers)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

// resolveCompiler makes the compiler command's program an absolute path:
// the start files are compiled in a temporary directory, where CC=./mygcc
// would name nothing.
func resolveCompiler(cc []string) ([]string, error) {
	if len(cc) == 0 || cc[0] == "" {
		return nil, errors.New("no C compiler: set CC to gcc or clang")
	}
	path, err := exec.LookPath(cc[0])
	if err != nil {
		return nil, fmt.Errorf("C compiler %q not found: install gcc or clang, or set CC/CXX", cc[0])
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, err
	}
	return append([]string{path}, cc[1:]...), nil
}

// compilerIdentity names the compiler cheaply (it runs at every link) but
// precisely enough that an upgraded or re-pointed compiler gets a new
// sysroot: its path on PATH and the identity of the file it resolves to
// (device, inode, size, modification time), and the extra arguments of the
// compiler command.
func compilerIdentity(cc []string) (string, error) {
	resolved, err := resolveCompiler(cc)
	if err != nil {
		return "", err
	}
	return resolvedIdentity(resolved)
}

func resolvedIdentity(resolved []string) (string, error) {
	path, cc := resolved[0], resolved
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	var dev, ino uint64
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		dev, ino = uint64(sys.Dev), sys.Ino
	}
	return fmt.Sprintf("%s %d:%d %d %d %q", path, dev, ino, st.Size(), st.ModTime().UnixNano(), cc[1:]), nil
}

// Ensure returns the sysroot for spec, building it into the cache if it is
// not there yet.
func Ensure(ctx context.Context, spec Spec) (*Sysroot, error) {
	root, err := CacheRoot()
	if err != nil {
		return nil, err
	}
	return EnsureIn(ctx, root, spec)
}

// EnsureIn is Ensure with an explicit cache root. The root must be a
// private directory (cachefs.CheckTrusted); it is created if missing. A
// cached sysroot that fails its integrity check is rebuilt, and the
// returned Sysroot's Note says so.
func EnsureIn(ctx context.Context, root string, spec Spec) (*Sysroot, error) {
	cc, err := resolveCompiler(spec.CC)
	if err != nil {
		return nil, err
	}
	spec.CC = cc
	ccID, err := resolvedIdentity(cc)
	if err != nil {
		return nil, err
	}
	if err := cachefs.PrivateDir(root); err != nil {
		return nil, err
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, err
	}
	var early *baseBuild
	if v, ok := recordedHeaders(root, ccID); ok {
		spec.Headers = v
	} else {
		// With no sysroot for this target at all, this is its first
		// link: the start files and libc_nonshared.a, which do not
		// depend on the headers, compile while they are probed. A
		// sysroot may well be there when only the record is missing
		// (it could not be written, or <features.h> changed), and then
		// nothing is compiled; nor when the cache cannot be written to.
		if !anySysroot(root, spec) {
			if early, err = startBase(ctx, root, spec); err == nil {
				defer early.discard() // unless create adopted it
			}
		}
		if spec.Headers, err = probeHeaders(ctx, root, cc, ccID); err != nil {
			return nil, err
		}
	}
	key, err := keyFor(spec, ccID)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, fmt.Sprintf("%s-glibc%s-%s", spec.Arch, spec.Glibc, key))
	if strings.ContainsAny(dir, "\"\n") {
		// GNU ld, gold, lld and mold read quoted names in linker scripts
		// with no escapes: a double quote or a newline cannot be written.
		return nil, fmt.Errorf("the cache directory %q holds a double quote or a newline, which linker scripts cannot name: set XDG_CACHE_HOME to a directory without one", root)
	}
	s, err := load(dir, spec)
	if err == nil {
		return s, nil
	}
	var note, keep string
	var damage *Damage
	if errors.As(err, &damage) {
		note = fmt.Sprintf("the cached sysroot %s was damaged (%v); rebuilt it", dir, damage)
		// What was built later and is intact need not be compiled again.
		if keep, err = os.MkdirTemp(root, ".tmp-keep-"); err != nil {
			return nil, fmt.Errorf("creating sysroot cache: %v", err)
		}
		defer os.RemoveAll(keep)
		salvageLazy(dir, keep)
		if err := removeDamaged(dir, spec); err != nil {
			return nil, fmt.Errorf("the cached sysroot %s is damaged (%v) and cannot be removed: %v; remove it by hand", dir, damage, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	s, err = create(ctx, root, dir, spec, keep, early)
	if s != nil {
		s.Note = note
	}
	return s, err
}

// anySysroot reports whether root holds a sysroot directory for spec's
// ABI and release, built by any compiler with headers of any release.
func anySysroot(root string, spec Spec) bool {
	entries, err := os.ReadDir(root)
	if err != nil {
		return false
	}
	prefix := fmt.Sprintf("%s-glibc%s-", spec.Arch, spec.Glibc)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

// create builds the sysroot for spec into a temporary directory of root
// and renames it to dir. The files in keep (lazily built parts saved from
// a damaged copy, with their records; may be "") go in too. base, when
// not nil, is the compile of spec's start files already under way (its
// directory becomes the sysroot's).
func create(ctx context.Context, root, dir string, spec Spec, keep string, base *baseBuild) (*Sysroot, error) {
	if base == nil {
		var err error
		if base, err = startBase(ctx, root, spec); err != nil {
			return nil, err
		}
	}
	defer base.discard() // removes nothing once renamed
	tmp := base.tmp
	s, err := build(tmp, dir, spec, base)
	if err == nil {
		err = os.Mkdir(filepath.Join(tmp, stampDir), 0o700)
	}
	if err == nil && keep != "" {
		err = moveAll(keep, tmp)
	}
	if err != nil {
		return nil, err
	}
	if err := cachefs.Sync(tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Lost the race to another process: use its complete copy.
		s, lerr := load(dir, spec)
		if lerr == nil {
			return s, nil
		}
		if errors.As(lerr, new(*Damage)) {
			return nil, fmt.Errorf("installing sysroot %s: another process installed a damaged one (%v)", dir, lerr)
		}
		return nil, fmt.Errorf("installing sysroot %s: %v", dir, err)
	}
	if err := cachefs.Sync(root); err != nil {
		return nil, err
	}
	s.Dir = dir
	return s, nil
}

type manifest struct {
	Format    string             `json:"format"`
	Arch      string             `json:"arch"`
	Glibc     string             `json:"glibc"`
	Headers   string             `json:"headers"` // glibc release of the compiler's headers, or "unknown"
	Libraries []string           `json:"libraries"`
	Polyfills []string           `json:"polyfills"`      // what libcompat_polyfill.a defines, built or not
	Math      []string           `json:"math_polyfills"` // what libcompat_m.a defines, built or not
	Files     map[string]fileSum `json:"files"`          // by slash-separated path relative to the sysroot
	Sum       string             `json:"sum"`            // selfSum: the manifest's own checksum
}

// load returns the sysroot in dir once it passes its integrity check
// (integrity.go): the stamp when it still matches, else every file against
// the manifest. Errors are a *Damage, or fs.ErrNotExist when there is no
// such directory. The archive lists are read from the manifest only when
// a link needs them (ArchiveSymbols), which most links do not.
func load(dir string, spec Spec) (*Sysroot, error) {
	if stampValid(dir) {
		return &Sysroot{Spec: spec, Dir: dir}, nil
	}
	m, err := verifyDir(dir, spec)
	if err != nil {
		return nil, err
	}
	return &Sysroot{Spec: spec, Dir: dir, archives: m.archives(), archivesKnown: true}, nil
}

// archives maps each lazily built archive to the symbols it defines.
func (m *manifest) archives() map[string][]string {
	return map[string][]string{libcompat.PolyfillName: m.Polyfills, libcompat.MathName: m.Math}
}

// removeDamaged removes a damaged sysroot, unless it has been replaced
// since it was judged (by a process that repaired it first).
func removeDamaged(dir string, spec Spec) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := verifyDir(dir, spec); err == nil {
		return nil
	}
	if err := removeDir(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Polyfills lists the symbols libcompat_polyfill.a defines at this target
// (when built; see PolyfillsBuilt).
func (s *Sysroot) Polyfills() ([]string, error) { return s.ArchiveSymbols(libcompat.PolyfillName) }

// ArchiveSymbols lists the symbols the lazily built archive name (one of
// LazyArchives) defines at this target, built yet or not.
func (s *Sysroot) ArchiveSymbols(name string) ([]string, error) {
	if !s.archivesKnown {
		data, err := os.ReadFile(filepath.Join(s.Dir, manifestName))
		if err != nil {
			return nil, err
		}
		var m manifest
		if err := json.Unmarshal(data, &m); err != nil || m.Format != formatVersion {
			return nil, fmt.Errorf("sysroot %s: bad manifest %s: remove the directory to rebuild it", s.Dir, manifestName)
		}
		s.archives, s.archivesKnown = m.archives(), true
	}
	syms, ok := s.archives[name]
	if !ok && !slices.Contains(LazyArchives, name) {
		return nil, fmt.Errorf("sysroot: %s is not an archive built on demand", name)
	}
	return syms, nil
}

// build writes the sysroot into tmp; scripts refer to files by their final
// path in dir, because linker scripts resolve names relative to the
// working directory of the link, not to the script.
func build(tmp, dir string, spec Spec, base *baseBuild) (*Sysroot, error) {
	db, err := abidb.Load(spec.Arch)
	if err != nil {
		return nil, err
	}
	target := spec.Glibc
	libs, err := db.Libraries(target)
	if err != nil {
		return nil, err
	}
	arch, err := stubs.ArchByName(spec.Arch)
	if err != nil {
		return nil, err
	}
	// The compiler builds the start files and libc_nonshared.a (base)
	// while the stubs are described and written, and what the polyfill
	// archives will define is selected alongside.
	set, err := describeStubs(db, libs, target, spec.Headers)
	if err != nil {
		return nil, err
	}
	lt := targetWith(spec.Arch, target, spec.Headers, set.bindable)
	written := make(chan error, 1)
	go func() { written <- set.write(arch, target, tmp) }()
	_, polyfills, maths, err := libcompat.ArchiveSymbols(lt)
	var scripts map[string]string
	if err == nil {
		scripts, err = linkerScripts(db, lt, libs, target, dir)
	}
	if werr := <-written; err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for name, script := range scripts {
		files[filepath.Join(tmp, name)] = []byte(script)
	}
	for _, name := range append(slices.Clone(LazyArchives), libcompat.OverrideName) {
		files[filepath.Join(tmp, name)] = []byte(emptyArchive)
	}
	if err := cachefs.WriteFiles(files, 0o644); err != nil {
		return nil, err
	}
	if err := base.wait(); err != nil {
		return nil, err
	}
	var compiled []string
	for _, name := range []string{libcompat.Crt1Name, libcompat.Scrt1Name, libcompat.CrtiName, libcompat.CrtnName, libcompat.NonsharedName} {
		compiled = append(compiled, filepath.Join(tmp, name))
	}
	if err := cachefs.SyncAll(compiled); err != nil {
		return nil, err
	}
	sums, err := sumTree(tmp, dir, scripts)
	if err != nil {
		return nil, err
	}
	m := manifest{Format: formatVersion, Arch: spec.Arch, Glibc: target.String(), Headers: headersPart(spec.Headers), Libraries: libs, Polyfills: polyfills, Math: maths, Files: sums}
	m.Sum = m.selfSum()
	data, _ := json.MarshalIndent(m, "", "  ")
	if err := cachefs.WriteFile(filepath.Join(tmp, manifestName), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	return &Sysroot{Spec: spec, archives: m.archives(), archivesKnown: true}, nil
}

// libcompatTarget is the libcompat target of a sysroot: what its stubs
// (describeStubs) let a new link bind decides what the polyfill archives
// define. The stubs are described on the first question.
func libcompatTarget(db *abidb.DB, target, headers abidb.Version, arch string) libcompat.Target {
	return targetWith(arch, target, headers, func() map[string]bool {
		libs, err := db.Libraries(target)
		if err != nil {
			return map[string]bool{}
		}
		set, err := describeStubs(db, libs, target, headers)
		if err != nil {
			return map[string]bool{}
		}
		return set.bindable()
	})
}

// targetWith is the libcompat target whose libraries bind the names
// bindable returns (called once, on first need).
func targetWith(arch string, target, headers abidb.Version, bindable func() map[string]bool) libcompat.Target {
	names := sync.OnceValue(bindable)
	return libcompat.Target{
		Arch:    arch,
		Glibc:   libcompat.Version{Major: target.Major, Minor: target.Minor},
		Headers: libcompat.Version{Major: headers.Major, Minor: headers.Minor},
		Has:     func(sym string) bool { return names()[sym] },
	}
}
