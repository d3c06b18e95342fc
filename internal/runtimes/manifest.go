package runtimes

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// manifestFile lists every file of a fetched runtime, written at fetch
// time: one line per entry, sorted by path, fields separated by tabs:
//
//	d	PATH
//	f	MODE	SIZE	SHA256	PATH
//	l	TARGET	PATH
//
// PATH is relative to the root. The runtime's metadata (metaFile) holds
// the manifest's own hash, so a damaged manifest is caught too.
const manifestFile = ".compatbuild-manifest"

// stampFile records, for every regular file, the inode, change time and
// size it had when its content was last hashed and found right. The kernel
// updates a file's change time on every write, chmod or rename of it, and
// nobody can set it back, so a file whose stamp still matches has the
// content that was hashed: checking a runtime is then one stat per file,
// and only changed files (or a copied cache, with new inodes) are hashed.
const stampFile = ".compatbuild-stamp"

// writeManifest lists root into its manifest and returns the manifest's
// SHA-256.
func writeManifest(root string) (string, error) {
	entries, err := listTree(root)
	if err == nil {
		err = hashEntries(root, entries, regular(entries))
	}
	if err == nil {
		err = writeStamp(root, entries)
	}
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	for _, e := range entries {
		if strings.ContainsAny(e.path+e.target, "\t\n") {
			return "", fmt.Errorf("%s: a tab or newline in a file name", e.path)
		}
		b.WriteString(e.line())
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(root, manifestFile), b.Bytes(), 0o644); err != nil {
		return "", err
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

type treeEntry struct {
	kind         byte // 'd', 'f', 'l'
	path, target string
	mode         fs.FileMode
	size         int64
	sum          string
	stamp        string // regular files: see stampFile
}

func (e treeEntry) line() string {
	switch e.kind {
	case 'f':
		return fmt.Sprintf("f\t%04o\t%d\t%s\t%s", e.mode.Perm(), e.size, e.sum, e.path)
	case 'l':
		return "l\t" + e.target + "\t" + e.path
	}
	return "d\t" + e.path
}

// listTree reads root's entries (without the metadata and manifest files),
// hashing regular files on every CPU.
func listTree(root string) ([]treeEntry, error) {
	var entries []treeEntry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." || rel == metaFile || rel == manifestFile || rel == stampFile || strings.HasPrefix(rel, ".tmp-stamp-") {
			return nil
		}
		e := treeEntry{path: filepath.ToSlash(rel)}
		switch {
		case d.IsDir():
			e.kind = 'd'
		case d.Type()&fs.ModeSymlink != 0:
			e.kind = 'l'
			if e.target, err = os.Readlink(p); err != nil {
				return err
			}
		case d.Type().IsRegular():
			fi, err := d.Info()
			if err != nil {
				return err
			}
			e.kind, e.mode, e.size = 'f', fi.Mode(), fi.Size()
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				e.stamp = stampString(st)
			}
		default:
			return fmt.Errorf("%s: not a file, directory or symbolic link", rel)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// hashEntries fills in the sum of the regular files of entries whose
// indexes are todo, on every CPU.
func hashEntries(root string, entries []treeEntry, todo []int) error {
	var (
		wg       sync.WaitGroup
		next     = make(chan int)
		mu       sync.Mutex
		firstErr error
	)
	for range max(1, runtime.NumCPU()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sum, err := hashFile(filepath.Join(root, entries[i].path))
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					continue
				}
				entries[i].sum = sum
			}
		}()
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	return firstErr
}

// regular returns the indexes of the regular files of entries.
func regular(entries []treeEntry) []int {
	var out []int
	for i, e := range entries {
		if e.kind == 'f' {
			out = append(out, i)
		}
	}
	return out
}

// stampString is a file's stamp: inode, change time and size.
func stampString(st *syscall.Stat_t) string {
	return strconv.FormatUint(st.Ino, 10) + " " + strconv.FormatInt(st.Ctim.Sec, 10) + "." +
		strconv.FormatInt(st.Ctim.Nsec, 10) + " " + strconv.FormatInt(st.Size, 10)
}

// writeStamp records the stamps of entries' regular files.
func writeStamp(root string, entries []treeEntry) error {
	var b bytes.Buffer
	for _, e := range entries {
		if e.kind == 'f' {
			// The stamp taken before the file was hashed: a change
			// after that makes the next check hash it again.
			fmt.Fprintf(&b, "%s\t%s\n", e.stamp, e.path)
		}
	}
	tmp := filepath.Join(root, fmt.Sprintf(".tmp-stamp-%d", os.Getpid()))
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(root, stampFile))
}

// readStamp reads the stamp file: path -> stamp.
func readStamp(root string) map[string]string {
	data, err := os.ReadFile(filepath.Join(root, stampFile))
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if st, p, ok := strings.Cut(line, "\t"); ok {
			out[p] = st
		}
	}
	return out
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkManifest compares root with its manifest, whose hash is want, and
// names the first difference: a changed, missing or added file. Files
// whose stamp (stampFile) is unchanged are not read again; the others are
// hashed (a whole default Debian runtime, about 15 MB, in about 40 ms on
// two busy cores).
func checkManifest(root, want string) error {
	_, err := checkManifestCounting(root, want)
	return err
}

// checkManifestCounting is checkManifest that also says how many files it
// had to hash.
func checkManifestCounting(root, want string) (hashed int, err error) {
	data, err := os.ReadFile(filepath.Join(root, manifestFile))
	if err != nil {
		return 0, fmt.Errorf("its manifest is unreadable: %v", err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != want {
		return 0, fmt.Errorf("its manifest %s was changed", manifestFile)
	}
	listed := map[string]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Split(line, "\t")
		p := f[len(f)-1]
		listed[p] = line
		order = append(order, p)
	}
	have, err := listTree(root)
	if err != nil {
		return 0, fmt.Errorf("reading it: %v", err)
	}
	// Files whose stamp is unchanged keep their hashed content; the
	// others are hashed now.
	stamps := readStamp(root)
	var todo []int
	rehashed := false
	for _, i := range regular(have) {
		e := &have[i]
		want := strings.Split(listed[e.path], "\t")
		if st := stamps[e.path]; st != "" && st == e.stamp && len(want) == 5 {
			e.sum = want[3]
			continue
		}
		todo = append(todo, i)
		rehashed = true
	}
	if err := hashEntries(root, have, todo); err != nil {
		return 0, fmt.Errorf("reading it: %v", err)
	}
	seen := map[string]bool{}
	for _, e := range have {
		seen[e.path] = true
		want, ok := listed[e.path]
		if !ok {
			return len(todo), fmt.Errorf("%s was added after the fetch", e.path)
		}
		if got := e.line(); got != want {
			return len(todo), fmt.Errorf("%s changed since the fetch (%s)", e.path, describeChange(want, got))
		}
	}
	for _, p := range order {
		if !seen[p] {
			return len(todo), fmt.Errorf("%s is missing", p)
		}
	}
	if rehashed {
		writeStamp(root, have) // best effort: the next check is cheap again
	}
	return len(todo), nil
}

// describeChange says what differs between two manifest lines.
func describeChange(want, got string) string {
	w, g := strings.Split(want, "\t"), strings.Split(got, "\t")
	switch {
	case w[0] != g[0]:
		return "its type changed"
	case w[0] == "l":
		return "the link points elsewhere"
	case w[0] == "f" && w[2] != g[2]:
		ws, _ := strconv.ParseInt(w[2], 10, 64)
		gs, _ := strconv.ParseInt(g[2], 10, 64)
		return fmt.Sprintf("%d bytes, was %d", gs, ws)
	case w[0] == "f" && w[3] != g[3]:
		return "its content differs"
	case w[0] == "f" && w[1] != g[1]:
		return fmt.Sprintf("mode %s, was %s", g[1], w[1])
	}
	return "it differs"
}
