package sysroot

// The archives and start files built on first need, after the sysroot
// itself: each is compiled into the sysroot atomically, once.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/libcompat"
)

// PolyfillsBuilt reports whether libcompat_polyfill.a holds its members
// (or has none to hold at this target).
func (s *Sysroot) PolyfillsBuilt() bool { return s.ArchiveBuilt(libcompat.PolyfillName) }

// BuildPolyfills builds libcompat_polyfill.a (BuildArchive).
func (s *Sysroot) BuildPolyfills(ctx context.Context) error {
	return s.BuildArchive(ctx, libcompat.PolyfillName)
}

// ArchiveBuilt reports whether the lazily built archive name holds its
// members (or has none to hold at this target).
func (s *Sysroot) ArchiveBuilt(name string) bool {
	if syms, err := s.ArchiveSymbols(name); err == nil && len(syms) == 0 {
		return true
	}
	f, err := os.Open(filepath.Join(s.Dir, name))
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	return err == nil && st.Size() > int64(len(emptyArchive))
}

// BuildArchive compiles the lazily built archive name (one of
// LazyArchives) into the sysroot, replacing the placeholder atomically
// (temp file, fsync, rename), so concurrent links see the placeholder or
// the whole archive, never a part.
func (s *Sysroot) BuildArchive(ctx context.Context, name string) error {
	part, ok := lazyParts[name]
	if !ok {
		return fmt.Errorf("sysroot: %s is not an archive built on demand", name)
	}
	if s.ArchiveBuilt(name) {
		return nil
	}
	return s.buildLater(ctx, part, name)
}

// ProfilingStartBuilt reports whether gcrt1.o, the start file of programs
// built with -pg, is in the sysroot.
func (s *Sysroot) ProfilingStartBuilt() bool {
	_, err := os.Stat(filepath.Join(s.Dir, libcompat.Gcrt1Name))
	return err == nil
}

// BuildProfilingStart compiles gcrt1.o into the sysroot, atomically, the
// first time a link asks for profiling; other links never need it.
func (s *Sysroot) BuildProfilingStart(ctx context.Context) error {
	if s.ProfilingStartBuilt() {
		return nil
	}
	return s.buildLater(ctx, libcompat.ProfilingStart, libcompat.Gcrt1Name)
}

// buildLater compiles one part the sysroot leaves out until a link needs
// it and moves its file, name, into place after its companions: temp
// directory, fsync, rename.
func (s *Sysroot) buildLater(ctx context.Context, part libcompat.Parts, name string) error {
	db, err := abidb.Load(s.Arch)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(s.Dir, ".tmp-build-")
	if err != nil {
		return fmt.Errorf("building %s in %s: %v", name, s.Dir, err)
	}
	defer os.RemoveAll(tmp)
	if _, err := libcompat.BuildParts(ctx, s.CC, libcompatTarget(db, s.Glibc, s.Headers, s.Arch), tmp, part); err != nil {
		return err
	}
	for _, file := range append(slices.Clone(lazyCompanions[name]), name) {
		built := filepath.Join(tmp, file)
		if err := cachefs.Sync(built); err != nil {
			return err
		}
		// The record first: a reader then sees the old file (which its
		// manifest accepts) or the new one with its record, never a
		// file that matches nothing.
		if err := writeSidecar(s.Dir, file, built); err != nil {
			return fmt.Errorf("installing %s in %s: %v", file, s.Dir, err)
		}
		if err := os.Rename(built, filepath.Join(s.Dir, file)); err != nil {
			return fmt.Errorf("installing %s in %s: %v", file, s.Dir, err)
		}
	}
	return cachefs.Sync(s.Dir)
}

// emptyArchive is an ar archive with no members: what glibc ≥ 2.34 installs
// as libpthread.a & co. so that -lpthread still links.
const emptyArchive = "!<arch>\n"
