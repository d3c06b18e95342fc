package sysroot

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"compatbuild/internal/abidb"
)

// Pruned is one cache entry Prune removed.
type Pruned struct {
	Dir   string
	Bytes int64
	Why   string
}

// staleTemp is how old a temporary directory must be before Prune takes
// it for the leftover of an interrupted build rather than one in progress.
const staleTemp = time.Hour

// parseName splits a sysroot directory name, ARCH-glibcX.Y-KEY.
func parseName(name string) (arch string, glibc abidb.Version, key string, ok bool) {
	arch, rest, found := strings.Cut(name, "-glibc")
	i := strings.LastIndexByte(rest, '-')
	if !found || arch == "" || i < 0 || i == len(rest)-1 {
		return "", abidb.Version{}, "", false
	}
	v, err := abidb.ParseVersion(rest[:i])
	if err != nil {
		return "", abidb.Version{}, "", false
	}
	return arch, v, rest[i+1:], true
}

// PruneIn removes from the cache root every sysroot that this compatbuild,
// with the C compiler cc, would no longer use: one built by another
// version of compatbuild, from other ABI data or sources, or by a compiler
// that has since changed (or is not the one cc names). Leftovers of
// interrupted builds older than an hour go too. It returns what it removed
// and how many sysroots it kept. A sysroot is renamed away before it is
// deleted, so a concurrent link sees it whole or not at all (and then
// builds a new one); a link already reading one being pruned can fail.
func PruneIn(root string, cc []string) (removed []Pruned, kept int, err error) {
	if _, err := compilerIdentity(cc); err != nil {
		return nil, 0, err
	}
	return PruneInFor(root, func(string) ([]string, error) { return cc, nil })
}

// PruneInFor is PruneIn with the C compiler of each ABI: ccFor("aarch64")
// is the cross compiler aarch64 sysroots are built with. A sysroot whose
// ABI has no compiler here goes too: nothing on this machine can use it.
func PruneInFor(root string, ccFor func(abi string) ([]string, error)) (removed []Pruned, kept int, err error) {
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	now := time.Now()
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		why := ""
		if strings.HasPrefix(e.Name(), ".tmp-") {
			info, err := e.Info()
			if err != nil || now.Sub(info.ModTime()) < staleTemp {
				continue // a build in progress
			}
			why = "left over by an interrupted build"
		} else {
			arch, v, have, ok := parseName(e.Name())
			if !ok || !e.IsDir() {
				continue // not ours
			}
			cc, err := ccFor(arch)
			if err != nil {
				why = "no compiler for " + arch + " on this machine"
			} else if key, err := currentKey(context.Background(), root, Spec{Arch: arch, Glibc: v, CC: cc}); err == nil && key == have {
				kept++
				continue
			} else {
				why = "built by another compatbuild or compiler"
			}
		}
		size := dirSize(dir)
		if err := removeDir(dir); err != nil {
			return removed, kept, fmt.Errorf("removing %s: %v", dir, err)
		}
		removed = append(removed, Pruned{Dir: dir, Bytes: size, Why: why})
	}
	sort.Slice(removed, func(i, j int) bool { return removed[i].Dir < removed[j].Dir })
	return removed, kept, nil
}

// Prune is PruneIn on the user's cache.
func Prune(cc []string) ([]Pruned, int, error) {
	root, err := CacheRoot()
	if err != nil {
		return nil, 0, err
	}
	return PruneIn(root, cc)
}

// removeDir renames dir to a temporary name in the same directory, then
// deletes it: the name disappears at once.
func removeDir(dir string) error {
	gone, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-prune-")
	if err != nil {
		return err
	}
	target := filepath.Join(gone, "x")
	if err := os.Rename(dir, target); err != nil {
		os.Remove(gone)
		return err
	}
	return os.RemoveAll(gone)
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// PruneFor is PruneInFor on the user's cache.
func PruneFor(ccFor func(abi string) ([]string, error)) ([]Pruned, int, error) {
	root, err := CacheRoot()
	if err != nil {
		return nil, 0, err
	}
	return PruneInFor(root, ccFor)
}
