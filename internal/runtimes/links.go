package runtimes

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Exported container images often hold absolute library symlinks
// (lib/x86_64-linux-gnu/libc.so.6 -> /lib/x86_64-linux-gnu/libc-2.31.so).
// Inside the root they name the root's own file, but a loader that opens
// ROOT/lib/.../libc.so.6 on this machine follows them to this machine's
// /lib, and finds another glibc or nothing. So for each library directory
// of a folder runtime that has such links, linkFarms makes a directory of
// links to the files as resolved inside the root (as the target resolves
// them), put before that directory in the library path. Farms live in the
// user's cache, named by their content, written aside and renamed.

// linkFarms returns dirs with a farm before each directory that has
// absolute (or root-escaping) symlinks; dirs unchanged when none has.
func linkFarms(root string, dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		links := misresolved(root, d)
		if len(links) > 0 {
			farm, err := writeFarm(links)
			if err != nil {
				return nil, fmt.Errorf("linking the runtime %s's absolute symlinks in %s: %v", root, d, err)
			}
			out = append(out, farm)
		}
		out = append(out, d)
	}
	return out, nil
}

// misresolved maps the names in dir whose symlinks this machine resolves
// elsewhere than the root does to their file inside the root.
func misresolved(root, dir string) map[string]string {
	entries, _ := os.ReadDir(dir)
	links := map[string]string{}
	for _, e := range entries {
		if e.Type()&os.ModeSymlink == 0 {
			continue
		}
		p := filepath.Join(dir, e.Name())
		inRoot, err := resolveIn(root, strings.TrimPrefix(p, root))
		if err != nil {
			continue
		}
		if onHost, err := filepath.EvalSymlinks(p); err != nil || onHost != inRoot {
			links[e.Name()] = inRoot
		}
	}
	return links
}

func writeFarm(links map[string]string) (string, error) {
	names := make([]string, 0, len(links))
	for n := range links {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\x00", n, links[n])
	}
	cache, err := DefaultCacheDir()
	if err != nil {
		return "", err
	}
	base := filepath.Join(cache, "folder-links")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", err
	}
	dir := filepath.Join(base, hex.EncodeToString(h.Sum(nil))[:24])
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() && fi.Mode().Perm() == 0o700 {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(base, ".tmp-")
	if err != nil {
		return "", err
	}
	for _, n := range names {
		if err := os.Symlink(links[n], filepath.Join(tmp, n)); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(dir); serr != nil {
			return "", err
		}
	}
	return dir, nil
}
