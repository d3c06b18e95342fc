package cargo

import (
	"io"
	"os"
	"path/filepath"

	"compatbuild/internal/outputs"
	"compatbuild/internal/target"
)

// watchOutputs starts the check of what cargo writes under dir (see
// package outputs), unless --no-scan turned it off.
func watchOutputs(inv *invocation, dir string) (*outputs.Watch, error) {
	if inv.noScan {
		return nil, nil
	}
	w, err := outputs.Start(dir)
	if err != nil {
		return nil, &Error{Msg: err.Error(), Code: 2}
	}
	return w, nil
}

// checkOutputs judges what cargo wrote for tg (the Rust target rust): 1
// if anything is above the floor.
func checkOutputs(w *outputs.Watch, skip []string, floor Floor, tg target.Target, rust string, stderr io.Writer) (int, error) {
	prune := func(dir string) (bool, []string) { return pruneTargetDir(dir, rust) }
	res, err := w.Check(outputs.Options{Target: floor.Glibc, ABI: tg.ABI, Skip: skip, Prune: prune})
	if err != nil {
		return 2, &Error{Msg: err.Error() + "; --no-scan skips this check", Code: 2}
	}
	res.Write(stderr, floor.Glibc, "--no-scan")
	if len(res.Above) > 0 {
		return 1, nil
	}
	return 0, nil
}

// pruneTargetDir replaces cargo's target directory (marked by the
// CACHEDIR.TAG cargo writes into it) by the OUT_DIRs of the build scripts
// of the Rust target rust, <target-dir>/<rust>/<profile>/build/<pkg>/out: what
// cargo links for the target goes through compatbuild and is reported
// from cargo's messages, and the host's build scripts and proc-macros
// (<target-dir>/<profile>) rightly need this machine's glibc; a build
// script's own compiler runs can write elsewhere only into its OUT_DIR.
func pruneTargetDir(dir, rust string) (bool, []string) {
	if _, err := os.Stat(filepath.Join(dir, "CACHEDIR.TAG")); err != nil {
		return false, nil
	}
	outs, _ := filepath.Glob(filepath.Join(dir, rust, "*", "build", "*", "out"))
	return true, outs
}
