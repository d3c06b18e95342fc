package sysroot

import (
	"context"
	"fmt"
	"os"

	"compatbuild/internal/libcompat"
)

// baseBuild is the compile of a sysroot's start files and
// libc_nonshared.a, running in the background in the temporary directory
// the sysroot is assembled in. These parts depend on the target release
// and the compiler alone, so they can start before the compiler's headers
// are probed and while the stubs are written: on a cold cache they are
// most of the wait.
type baseBuild struct {
	tmp    string // the sysroot's temporary directory, private to the user
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// startBase creates a temporary directory in root and starts compiling
// spec's start files and libc_nonshared.a into it.
func startBase(ctx context.Context, root string, spec Spec) (*baseBuild, error) {
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating sysroot cache: %v", err)
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	b := &baseBuild{tmp: tmp, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := libcompat.Target{Arch: spec.Arch, Glibc: libcompat.Version{Major: spec.Glibc.Major, Minor: spec.Glibc.Minor}}
		_, b.err = libcompat.BuildParts(ctx, spec.CC, t, tmp, libcompat.StartFiles|libcompat.Nonshared)
	}()
	return b, nil
}

// wait returns the compile's result once it is over.
func (b *baseBuild) wait() error {
	<-b.done
	return b.err
}

// discard stops the compile, waits for its compilers to exit and removes
// the temporary directory (nothing, once it was renamed into place).
func (b *baseBuild) discard() {
	b.cancel()
	<-b.done
	os.RemoveAll(b.tmp)
}
