package runtimes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The target's own data. A host program of the runtime (its node, its
// python3) reads files at fixed paths besides its libraries: Debian's
// node loads /usr/share/nodejs/cjs-module-lexer/lexer.js at start and
// aborts without it; other programs read /usr/share/<package>,
// /usr/lib/<package> or /usr/lib/<triplet>/<plugin dir>. Only bind-mounting
// the runtime's programs (programs.go) leaves those paths to this machine,
// which may lack them or hold another release's. So, in the private mount
// namespace, /usr/share and /usr/lib become read-only overlays: the
// runtime's tree on top, this machine's below. Every path the runtime has
// is the runtime's (as on the target); every other path is still this
// machine's, so nothing the artifact needs from the machine (its own
// files, a --lib-path directory under /usr/lib, locales) is hidden, as a
// tmpfs or a bind mount over the whole directory would hide it.

// dataDirs are the trees overlaid, in the runtime's layout.
var dataDirs = []string{"usr/share", "usr/lib"}

// mountData overlays root's data trees over this machine's. It runs in
// the launcher's private mount namespace, before the loader and the
// programs are mounted (an overlay over /usr/lib would hide a loader
// bind-mounted there before it).
func mountData(root string) error {
	for _, d := range dataDirs {
		inRoot, err := resolveIn(root, "/"+d)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(inRoot); err != nil || !fi.IsDir() {
			continue
		}
		host, err := filepath.EvalSymlinks("/" + d)
		if err != nil {
			continue // this machine has no such tree: nothing to overlay
		}
		if strings.ContainsAny(inRoot+host, ":,\\") {
			return fmt.Errorf("overlaying the runtime's %s over %s: a path holds ':', ',' or '\\', which overlayfs options cannot carry; move the runtime cache", inRoot, host)
		}
		opts := "lowerdir=" + inRoot + ":" + host
		if err := syscall.Mount("overlay", host, "overlay", syscall.MS_RDONLY, opts); err != nil {
			return fmt.Errorf("overlaying the runtime's %s over %s (overlayfs): %v", inRoot, host, err)
		}
	}
	return nil
}
