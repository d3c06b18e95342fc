package runtimes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// archInfo says where a Debian architecture keeps its loader and libraries.
type archInfo struct {
	triplet string // multiarch triplet, e.g. "x86_64-linux-gnu"
	loader  string // loader file name, e.g. "ld-linux-x86-64.so.2"
	lib64   bool   // 64-bit: also look in lib64 dirs (non-Debian roots)
}

var arches = map[string]archInfo{
	"amd64":    {"x86_64-linux-gnu", "ld-linux-x86-64.so.2", true},
	"arm64":    {"aarch64-linux-gnu", "ld-linux-aarch64.so.1", true},
	"i386":     {"i386-linux-gnu", "ld-linux.so.2", false},
	"armhf":    {"arm-linux-gnueabihf", "ld-linux-armhf.so.3", false},
	"armel":    {"arm-linux-gnueabi", "ld-linux.so.3", false},
	"ppc64el":  {"powerpc64le-linux-gnu", "ld64.so.2", true},
	"s390x":    {"s390x-linux-gnu", "ld64.so.1", true},
	"riscv64":  {"riscv64-linux-gnu", "ld-linux-riscv64-lp64d.so.1", true},
	"mips64el": {"mips64el-linux-gnuabi64", "ld.so.1", true},
	"loong64":  {"loongarch64-linux-gnu", "ld-linux-loongarch-lp64d.so.1", true},
}

// FromFolder returns the runtime of an extracted root filesystem. arch is a
// Debian architecture name; empty means the host's if the root has its
// loader, else any architecture whose loader the root has.
func FromFolder(root, arch string) (*Runtime, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("runtime folder %s: %v", root, err)
	}
	// The root itself may be a symlink (e.g. a symlink farm's top).
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("runtime folder %s: %v; give the path of an extracted root filesystem", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("runtime folder %s is not a directory; give the path of an extracted root filesystem", root)
	}
	return detect(abs, abs, arch)
}

// detect finds the loader, library dirs and glibc version of root.
func detect(name, root, arch string) (*Runtime, error) {
	var candidates []string
	if arch != "" {
		if _, ok := arches[arch]; !ok {
			return nil, fmt.Errorf("unknown architecture %q: use a Debian architecture name such as amd64, arm64 or i386", arch)
		}
		candidates = []string{arch}
	} else {
		if h, err := hostArch(); err == nil {
			candidates = append(candidates, h)
		}
		var rest []string
		for a := range arches {
			if !slices.Contains(candidates, a) {
				rest = append(rest, a)
			}
		}
		slices.Sort(rest)
		candidates = append(candidates, rest...)
	}
	for _, a := range candidates {
		loader, ok := findLoader(root, a)
		if !ok {
			continue
		}
		emu, err := emulatorFor(a)
		if err != nil {
			return nil, fmt.Errorf("runtime %s: %v", name, err)
		}
		r := &Runtime{Name: name, Arch: a, Root: root, Loader: loader, Emulator: emu}
		r.LibraryPath = libraryDirs(root, a)
		if len(r.LibraryPath) == 0 {
			return nil, fmt.Errorf("runtime %s: found the loader %s but no library directory; the folder must be a whole root filesystem", name, loader)
		}
		farms, err := linkFarms(root, r.LibraryPath)
		if err != nil {
			return nil, err
		}
		v, err := glibcVersion(root, r.LibraryPath, loader)
		if err != nil {
			return nil, fmt.Errorf("runtime %s: %v", name, err)
		}
		r.Glibc = v
		r.LibraryPath = farms
		return r, nil
	}
	what := "glibc dynamic loader"
	if arch != "" {
		what = fmt.Sprintf("%s loader %s", arch, arches[arch].loader)
	}
	return nil, fmt.Errorf("runtime folder %s has no %s (looked in lib64, lib, lib/<triplet> and their usr/ twins); give the root of an extracted glibc system, e.g. from docker export", name, what)
}

// findLoader returns the resolved host path of arch's loader inside root.
func findLoader(root, arch string) (string, bool) {
	info := arches[arch]
	dirs := []string{"lib64", "usr/lib64", "lib", "usr/lib", "lib/" + info.triplet, "usr/lib/" + info.triplet}
	for _, d := range dirs {
		if p, err := resolveIn(root, d+"/"+info.loader); err == nil && isRegular(p) {
			return p, true
		}
	}
	// Old layouts without the ld-linux symlink: lib/<triplet>/ld-2.31.so.
	for _, d := range dirs[4:] {
		matches, _ := filepath.Glob(filepath.Join(root, d, "ld-[0-9]*.so"))
		for _, m := range matches {
			if p, err := resolveIn(root, strings.TrimPrefix(m, root)); err == nil && isRegular(p) {
				return p, true
			}
		}
	}
	return "", false
}

func isRegular(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// libraryDirs returns the existing library directories of root for arch, as
// resolved host paths, in the order the loader of that system would search
// them: ld.so.conf first, then the multiarch and default directories.
func libraryDirs(root, arch string) []string {
	info := arches[arch]
	var dirs []string
	dirs = append(dirs, ldSoConfDirs(root)...)
	dirs = append(dirs, "/lib/"+info.triplet, "/usr/lib/"+info.triplet)
	if info.lib64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	dirs = append(dirs, "/lib", "/usr/lib")
	var out []string
	for _, d := range dirs {
		p, err := resolveIn(root, d)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// ldSoConfDirs reads etc/ld.so.conf inside root, following include lines
// (globs are taken inside root).
func ldSoConfDirs(root string) []string {
	var dirs []string
	seen := map[string]bool{}
	var read func(rel string, depth int)
	read = func(rel string, depth int) {
		if depth > 8 || seen[rel] {
			return
		}
		seen[rel] = true
		p, err := resolveIn(root, rel)
		if err != nil {
			return
		}
		f, err := os.Open(p)
		if err != nil {
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			switch fields[0] {
			case "include":
				for _, pat := range fields[1:] {
					if !strings.HasPrefix(pat, "/") {
						pat = filepath.Join(filepath.Dir(rel), pat)
					}
					matches, _ := filepath.Glob(filepath.Join(root, pat))
					slices.Sort(matches)
					for _, m := range matches {
						read(strings.TrimPrefix(m, root), depth+1)
					}
				}
			case "hwcap":
			default:
				for _, d := range fields {
					if strings.HasPrefix(d, "/") {
						dirs = append(dirs, d)
					}
				}
			}
		}
	}
	read("/etc/ld.so.conf", 0)
	// Debian's libc6 ships ld.so.conf.d but not ld.so.conf itself.
	if !seen["/etc/ld.so.conf"] || len(dirs) == 0 {
		matches, _ := filepath.Glob(filepath.Join(root, "etc/ld.so.conf.d/*.conf"))
		slices.Sort(matches)
		for _, m := range matches {
			read(strings.TrimPrefix(m, root), 1)
		}
	}
	return dirs
}

// resolveIn resolves p (absolute or relative to root) inside root: every
// symlink, absolute or relative, is followed as if root were "/", and ".."
// never leaves root. It returns the host path of the final target, which
// must exist.
func resolveIn(root, p string) (string, error) {
	var done []string
	todo := splitPath(p)
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := filepath.Join(root, filepath.Join(done...), c)
		fi, err := os.Lstat(cur)
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			hops++
			if hops > 40 {
				return "", fmt.Errorf("%s: too many levels of symbolic links", p)
			}
			target, err := os.Readlink(cur)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				done = nil
			}
			todo = append(splitPath(target), todo...)
			continue
		}
		done = append(done[:len(done):len(done)], c)
	}
	return filepath.Join(root, filepath.Join(done...)), nil
}

func splitPath(p string) []string {
	return strings.Split(filepath.ToSlash(p), "/")
}

var (
	glibcBanner = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`GNU C Library [^\x00\n]*? version (\d+\.\d+(?:\.\d+)?)`)
	})
	versionedName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:libc|ld)-(\d+\.\d+(?:\.\d+)?)\.so$`) })
)

// glibcVersion finds the glibc version of a root: from the banner string in
// libc.so.6 ("GNU C Library ... version 2.31."), else from a versioned file
// name (libc-2.31.so, ld-2.31.so).
func glibcVersion(root string, libDirs []string, loader string) (string, error) {
	var libc string
	for _, d := range libDirs {
		p := filepath.Join(d, "libc.so.6")
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		if r, err := resolveIn(root, strings.TrimPrefix(p, root)); err == nil && isRegular(r) {
			libc = r
			break
		}
	}
	if libc == "" {
		return "", fmt.Errorf("no libc.so.6 in %s; the folder must hold the C library (Debian package libc6)", strings.Join(libDirs, ":"))
	}
	data, err := os.ReadFile(libc)
	if err != nil {
		return "", fmt.Errorf("reading the glibc version: %v", err)
	}
	if m := glibcBanner().FindSubmatch(data); m != nil {
		return string(m[1]), nil
	}
	for _, p := range []string{libc, loader} {
		if m := versionedName().FindStringSubmatch(filepath.Base(p)); m != nil {
			return m[1], nil
		}
	}
	if bytes.Contains(data, []byte("musl")) {
		return "", errors.New(libc + " looks like musl, not glibc; use a glibc root filesystem")
	}
	return "", fmt.Errorf("cannot tell the glibc version of %s: no \"GNU C Library ... version\" string and no versioned file name", libc)
}
