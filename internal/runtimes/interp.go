package runtimes

import "os"

// HasLoaderAt reports whether the runtime's root holds its own loader at
// path (a PT_INTERP such as /lib64/ld-linux-x86-64.so.2), symbolic links
// resolved inside the root as the target's kernel resolves them.
func (r *Runtime) HasLoaderAt(path string) bool {
	p, err := resolveIn(r.Root, path)
	if err != nil {
		return false
	}
	a, err1 := os.Stat(p)
	b, err2 := os.Stat(r.Loader)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
