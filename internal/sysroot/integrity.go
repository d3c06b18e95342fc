package sysroot

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"compatbuild/internal/cachefs"
	"compatbuild/internal/libcompat"
)

// Integrity. Everything in a sysroot ends up in the user's programs, so a
// damaged file is a silently broken program: a missing Scrt1.o makes gcc
// take the host's start file (constructors never run below 2.34), a
// truncated stub links programs that crash at load. Every sysroot is
// therefore checked against its manifest before a link uses it, and
// rebuilt, with a note, when anything differs.
//
// The manifest lists every file with its size and SHA-256. Linker scripts
// name the sysroot's absolute path, so they are hashed with that path
// replaced by "$SYSROOT": the manifest stays the same wherever the cache
// lives, and a script that names another place (a cache restored under
// another $HOME) no longer matches. Two files are built after the
// sysroot, when a link first needs them (the polyfill archive, which
// starts as an empty placeholder, and gcrt1.o): each gets its own small
// manifest (a "sidecar"), written before the file is moved into place.
//
// Hashing every file costs about 0.5 ms, a noticeable part of a 20 ms
// link, so it is done once per state of the directory: after a full check
// passes, a stamp records each file's identity (device, inode, size,
// modification and change times, mode, owner). Later links compare the
// stamp with lstat results, about 40 system calls, and hash again only when
// something differs. The change time cannot be set back by a user: any
// write, truncation, chmod or replacement of a file, and any file added to
// or removed from the directory, changes the identity and triggers the
// full check.

// fileSum is a manifest entry: the size and SHA-256 of one file; for a
// linker script, of its text with the sysroot's path as "$SYSROOT" (and
// the size of that text).
type fileSum struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Script bool   `json:"script,omitempty"`
}

const (
	// stampDir holds the stamp. It is a directory of its own so that
	// rewriting the stamp leaves the sysroot directory's own times alone.
	stampDir  = ".verified"
	stampName = "stamp"
	// sidecarPrefix + a lazily built file's name holds its fileSum.
	sidecarPrefix = "compatbuild-built-"
	pathVar       = "$SYSROOT"
)

// fullChecks counts verifyDir calls, for tests of the stamp.
var fullChecks atomic.Int64

// lazyFiles are built after the sysroot, by a link that needs them
// (buildLater). A part buildLater installs under another name is known by
// its record (sidecarPrefix+name) alone; these are the ones known even
// before they are built.
var lazyFiles = []string{libcompat.PolyfillName, libcompat.OverrideName, libcompat.MathName, libcompat.Gcrt1Name}

// Damage says what is wrong with a cached sysroot.
type Damage struct {
	Dir    string
	File   string // relative to Dir; "" for the directory itself
	Reason string
}

func (d *Damage) Error() string {
	if d.File == "" {
		return d.Reason
	}
	return d.File + ": " + d.Reason
}

// sumFile hashes an open file, for a script with dir as "$SYSROOT".
func sumFile(f *os.File, size int64, script bool, dir string) (fileSum, error) {
	h := sha256.New()
	if script {
		data, err := io.ReadAll(io.LimitReader(f, size+1))
		if err != nil {
			return fileSum{}, err
		}
		data = bytes.ReplaceAll(data, []byte(dir), []byte(pathVar))
		h.Write(data)
		size = int64(len(data))
	} else {
		n, err := io.Copy(h, f)
		if err != nil {
			return fileSum{}, err
		}
		size = n
	}
	return fileSum{Size: size, SHA256: hex.EncodeToString(h.Sum(nil)), Script: script}, nil
}

// sumTree hashes every file the build wrote into tmp (the sysroot's
// temporary home; scripts name final, dir).
func sumTree(tmp, dir string, scripts map[string]string) (map[string]fileSum, error) {
	sums := map[string]fileSum{}
	err := filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tmp, p)
		rel = filepath.ToSlash(rel)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		_, isScript := scripts[rel]
		sums[rel], err = sumFile(f, st.Size(), isScript, dir)
		return err
	})
	return sums, err
}

// identity is what the stamp records of one file or directory.
type identity struct {
	dev, ino, size, mtime, ctime uint64
	mode, uid                    uint32
}

func identityOf(st *syscall.Stat_t) identity {
	return identity{uint64(st.Dev), st.Ino, uint64(st.Size),
		uint64(st.Mtim.Nano()), uint64(st.Ctim.Nano()), st.Mode, st.Uid}
}

func (id identity) String() string {
	return fmt.Sprintf("%d %d %d %d %d %o %d", id.dev, id.ino, id.size, id.mtime, id.ctime, id.mode, id.uid)
}

const stampHeader = "compatbuild sysroot stamp 1"

// stampValid reports whether the stamp of dir matches every file it lists:
// the quick check of every link.
func stampValid(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, stampDir, stampName))
	if err != nil {
		return false
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 || lines[0] != stampHeader || lines[1] != strconv.Quote(dir) || lines[len(lines)-1] != "" {
		return false
	}
	var st syscall.Stat_t
	for _, line := range lines[2 : len(lines)-1] {
		name, id, ok := strings.Cut(line, "\t")
		if !ok || strings.Contains(name, "..") {
			return false
		}
		if syscall.Lstat(filepath.Join(dir, name), &st) != nil || identityOf(&st).String() != id {
			return false
		}
	}
	return true
}

// writeStamp records ids (relative name → identity) for dir. A cache that
// cannot be written to keeps working, with a full check on every link.
func writeStamp(dir string, ids map[string]identity) {
	var b strings.Builder
	b.WriteString(stampHeader + "\n" + strconv.Quote(dir) + "\n")
	names := make([]string, 0, len(ids))
	for n := range ids {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s\t%s\n", n, ids[n])
	}
	// The build makes stampDir; making it here would change the times of
	// dir just recorded.
	sd := filepath.Join(dir, stampDir)
	f, err := os.CreateTemp(sd, ".tmp-")
	if err != nil {
		return
	}
	_, werr := f.WriteString(b.String())
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	// No fsync: a stamp lost in a crash only costs one full check.
	if os.Rename(f.Name(), filepath.Join(sd, stampName)) != nil {
		os.Remove(f.Name())
	}
}

// verifyDir checks the sysroot in dir against its manifest, hashing every
// file, and on success writes the stamp. It returns the manifest, or a
// *Damage, or an error that means the directory does not exist.
func verifyDir(dir string, spec Spec) (*manifest, error) {
	fullChecks.Add(1)
	ids := map[string]identity{}
	damage := func(file, format string, args ...any) (*manifest, error) {
		return nil, &Damage{Dir: dir, File: file, Reason: fmt.Sprintf(format, args...)}
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(dir, &st); err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: dir, Err: err}
	}
	switch {
	case st.Mode&syscall.S_IFMT != syscall.S_IFDIR:
		return damage("", "not a directory")
	case st.Uid != uint32(os.Geteuid()):
		return damage("", "the directory belongs to uid %d, not to you", st.Uid)
	case st.Mode&0o022 != 0:
		return damage("", "the directory is writable by others (mode %04o)", st.Mode&0o7777)
	}
	ids["."] = identityOf(&st)

	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return damage(manifestName, "missing (an interrupted or foreign copy)")
	}
	if err != nil {
		return damage(manifestName, "%v", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return damage(manifestName, "unreadable: %v", err)
	}
	if m.Sum != m.selfSum() {
		// What the manifest says beyond the files' sums (the archives'
		// symbols, the headers) is checked too.
		return damage(manifestName, "does not match its own checksum")
	}
	if m.Format != formatVersion || m.Arch != spec.Arch || m.Glibc != spec.Glibc.String() || m.Headers != headersPart(spec.Headers) || len(m.Files) == 0 {
		return damage(manifestName, "describes another sysroot (format %q, %s, glibc %s, headers %s)", m.Format, m.Arch, m.Glibc, m.Headers)
	}

	// Nothing may be there that the manifest does not list: -L puts the
	// sysroot first, so a stray libfoo.so would take every -lfoo.
	expected := map[string]bool{manifestName: true, stampDir: true}
	for name := range m.Files {
		expected[name] = true
		if d, _, ok := strings.Cut(name, "/"); ok {
			expected[d] = true
		}
	}
	top, err := os.ReadDir(dir)
	if err != nil {
		return damage("", "%v", err)
	}
	lazy := slices.Clone(lazyFiles)
	for _, e := range top {
		if name, ok := strings.CutPrefix(e.Name(), sidecarPrefix); ok && validName(name) && !slices.Contains(lazy, name) {
			lazy = append(lazy, name)
		}
	}
	for _, name := range lazy {
		expected[name], expected[sidecarPrefix+name] = true, true
	}
	for _, sub := range []string{".", implicitDirName} {
		p := filepath.Join(dir, sub)
		if sub != "." {
			if err := syscall.Lstat(p, &st); err != nil {
				if _, want := expected[sub]; want {
					return damage(sub, "missing")
				}
				continue
			}
			if st.Mode&syscall.S_IFMT != syscall.S_IFDIR || st.Mode&0o022 != 0 || st.Uid != uint32(os.Geteuid()) {
				return damage(sub, "not a private directory")
			}
			ids[sub] = identityOf(&st)
		}
		entries := top
		if sub != "." {
			if entries, err = os.ReadDir(p); err != nil {
				return damage(sub, "%v", err)
			}
		}
		for _, e := range entries {
			rel := e.Name()
			if sub != "." {
				rel = sub + "/" + rel
			}
			if !expected[rel] && !strings.HasPrefix(e.Name(), ".tmp-") {
				return damage(rel, "not part of this sysroot")
			}
		}
	}

	check := func(name string, want ...fileSum) (bool, error) {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, &Damage{Dir: dir, File: name, Reason: err.Error()}
		}
		defer f.Close()
		if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
			return false, err
		}
		// The identity is taken before the content is read: a change
		// during or after the read makes the stamp stale.
		id := identityOf(&st)
		switch {
		case st.Mode&syscall.S_IFMT != syscall.S_IFREG:
			return true, &Damage{Dir: dir, File: name, Reason: "not a regular file"}
		case st.Uid != uint32(os.Geteuid()) || st.Mode&0o022 != 0:
			return true, &Damage{Dir: dir, File: name, Reason: fmt.Sprintf("writable by others or not yours (mode %04o, uid %d)", st.Mode&0o7777, st.Uid)}
		}
		got, err := sumFile(f, st.Size, want[0].Script, dir)
		if err != nil {
			return true, &Damage{Dir: dir, File: name, Reason: err.Error()}
		}
		for _, w := range want {
			if w == got {
				ids[name] = id
				return true, nil
			}
		}
		return true, &Damage{Dir: dir, File: name, Reason: describeMismatch(want[0], got, dir, f)}
	}
	names := make([]string, 0, len(m.Files))
	for name := range m.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !validName(name) {
			return damage(manifestName, "names %q", name)
		}
		want := []fileSum{m.Files[name]}
		if slices.Contains(lazy, name) {
			// The placeholder, or the part a link built since.
			if built, err := readSidecar(dir, name, ids); err != nil {
				return nil, err
			} else if built != nil {
				want = append(want, *built)
			}
		}
		if present, err := check(name, want...); err != nil {
			return nil, err
		} else if !present {
			return damage(name, "missing")
		}
	}
	// A lazily built file the manifest does not list (gcrt1.o) must match
	// its sidecar when it is there.
	for _, lazy := range lazy {
		if _, listed := m.Files[lazy]; listed {
			continue
		}
		built, err := readSidecar(dir, lazy, ids)
		if err != nil {
			return nil, err
		}
		if built == nil {
			if _, err := os.Lstat(filepath.Join(dir, lazy)); err == nil {
				return damage(lazy, "built, but its record %s is missing", sidecarPrefix+lazy)
			}
			continue
		}
		if _, err := check(lazy, *built); err != nil {
			return nil, err
		}
	}
	ids[manifestName] = identity{} // filled below
	if err := syscall.Lstat(filepath.Join(dir, manifestName), &st); err != nil {
		return damage(manifestName, "%v", err)
	}
	ids[manifestName] = identityOf(&st)
	writeStamp(dir, ids)
	return &m, nil
}

// readSidecar reads the record of a lazily built file; nil when there is
// none.
func readSidecar(dir, name string, ids map[string]identity) (*fileSum, error) {
	p := filepath.Join(dir, sidecarPrefix+name)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Damage{Dir: dir, File: sidecarPrefix + name, Reason: err.Error()}
	}
	defer f.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	var sum fileSum
	if err == nil {
		err = json.Unmarshal(data, &sum)
	}
	if err != nil || sum.SHA256 == "" || st.Mode&0o022 != 0 || st.Uid != uint32(os.Geteuid()) {
		return nil, &Damage{Dir: dir, File: sidecarPrefix + name, Reason: "unreadable or not yours"}
	}
	ids[sidecarPrefix+name] = identityOf(&st)
	return &sum, nil
}

// writeSidecar records the sum of a lazily built file, built, before it
// is moved into dir.
func writeSidecar(dir, name, built string) error {
	f, err := os.Open(built)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	sum, err := sumFile(f, st.Size(), false, dir)
	f.Close()
	if err != nil {
		return err
	}
	data, _ := json.Marshal(sum)
	tmp := filepath.Join(filepath.Dir(built), sidecarPrefix+name)
	if err := cachefs.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, sidecarPrefix+name))
}

// describeMismatch says how a file differs from its manifest entry, in
// words a user can act on.
func describeMismatch(want, got fileSum, dir string, f *os.File) string {
	if want.Script {
		f.Seek(0, io.SeekStart)
		sc := bufio.NewScanner(io.LimitReader(f, 1<<16))
		base := string(filepath.Separator) + filepath.Base(dir) + string(filepath.Separator)
		for sc.Scan() {
			if strings.Contains(sc.Text(), base) && !strings.Contains(sc.Text(), dir+string(filepath.Separator)) {
				return "names another location of this sysroot (a cache copied or restored from another path)"
			}
		}
	}
	if got.Size != want.Size {
		return fmt.Sprintf("%d bytes, the manifest says %d", got.Size, want.Size)
	}
	return "content differs from the manifest"
}

// validName accepts the relative names a manifest may list.
func validName(name string) bool {
	return name != "" && !strings.HasPrefix(name, "/") && !slices.Contains(strings.Split(name, "/"), "..") && !strings.HasPrefix(name, ".")
}

// salvageLazy copies into keep the lazily built parts of the damaged
// sysroot dir that still match their records, with the records: healing a
// damaged stub then does not recompile the polyfill archive, which takes
// seconds. Nothing that fails its record is kept.
func salvageLazy(dir, keep string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), sidecarPrefix)
		if !ok || !validName(name) || strings.Contains(name, "/") {
			continue
		}
		var sum fileSum
		rec, err := os.ReadFile(filepath.Join(dir, sidecarPrefix+name))
		if err != nil || len(rec) > 4096 || json.Unmarshal(rec, &sum) != nil || sum.Script {
			continue
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() || st.Size() != sum.Size {
			f.Close()
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, sum.Size+1))
		f.Close()
		h := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(h[:]) != sum.SHA256 {
			continue
		}
		if cachefs.WriteFile(filepath.Join(keep, name), data, 0o644) != nil ||
			cachefs.WriteFile(filepath.Join(keep, sidecarPrefix+name), rec, 0o644) != nil {
			os.Remove(filepath.Join(keep, name))
		}
	}
}

// moveAll renames every file of from into to.
func moveAll(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// selfSum is the SHA-256 of the manifest without its Sum field: every
// byte a damaged manifest can differ in, even where it still parses.
func (m manifest) selfSum() string {
	m.Sum = ""
	data, _ := json.Marshal(m)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
