package runtimes

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// The target's own programs. An artifact that calls system("..."),
// popen(), posix_spawn("/bin/sh") or starts "ls" through PATH runs, on
// the target, the target's /bin/sh and ls, built for the target's glibc.
// Under a runtime the same path names this machine's program, built for
// this machine's glibc: started with the runtime's loader at the standard
// PT_INTERP and the runtime's libraries in LD_LIBRARY_PATH, it fails
// ("version 'GLIBC_2.34' not found (required by sh)") though the artifact
// is right. So, in the private mount namespace of StartInterpreter, each
// program of the runtime's bin directories stands where the target has
// it: bind-mounted over this machine's file of the same path (a path this
// machine lacks cannot be mounted over and is left alone). Every named
// runtime carries its release's /bin/sh (dash); --package brings more
// (coreutils for ls). A program the runtime lacks is still this
// machine's: verify names it (see internal/verify).

// programDirs are the bin directories whose programs stand at their
// paths, /usr ones first so that a top-level one of an unmerged root wins
// where both exist.
var programDirs = []string{"usr/bin", "usr/sbin", "bin", "sbin"}

// mountPrograms bind-mounts root's programs over this machine's files of
// the same paths. It runs in the launcher's private mount namespace.
func mountPrograms(root string) error {
	for _, d := range programDirs {
		dir, err := resolveIn(root, "/"+d)
		if err != nil {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			inRoot, err := resolveIn(root, "/"+d+"/"+e.Name())
			if err != nil {
				continue
			}
			fi, err := os.Stat(inRoot)
			if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
				continue
			}
			host := filepath.Join("/", d, e.Name())
			if hi, err := os.Stat(host); err != nil || !hi.Mode().IsRegular() {
				continue
			}
			if err := syscall.Mount(inRoot, host, "", syscall.MS_BIND, ""); err != nil {
				return fmt.Errorf("bind-mounting the runtime's %s over %s: %v", inRoot, host, err)
			}
		}
	}
	return nil
}
