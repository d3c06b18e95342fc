package verify

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// KindWheel is the Artifact.Kind of a Python wheel (.whl).
const KindWheel = "wheel"

// maxWheelBytes bounds what a wheel may unpack to.
const maxWheelBytes = 4 << 30

// wheelTags are a wheel's compatibility tags, from its file name
// {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl (PEP 427); each
// part may be a '.'-separated set.
type wheelTags struct {
	python, abi, platform []string
}

func parseWheelName(p string) (wheelTags, error) {
	base := strings.TrimSuffix(filepath.Base(p), ".whl")
	parts := strings.Split(base, "-")
	if len(parts) < 5 || len(parts) > 6 {
		return wheelTags{}, fmt.Errorf("%s: not a wheel file name (NAME-VERSION-PYTHON-ABI-PLATFORM.whl); keep the name pip and build gave it", p)
	}
	n := len(parts)
	return wheelTags{
		python:   strings.Split(parts[n-3], "."),
		abi:      strings.Split(parts[n-2], "."),
		platform: strings.Split(parts[n-1], "."),
	}, nil
}

// arch is the compatbuild ABI name of a wheel's platform tags ("any" for
// pure-Python wheels).
func (t wheelTags) arch() string {
	abiOf := map[string]string{"x86_64": "x86_64", "aarch64": "aarch64", "i686": "i386", "ppc64le": "powerpc64le",
		"s390x": "s390x", "armv7l": "arm", "riscv64": "riscv64"}
	for _, p := range t.platform {
		if p == "any" {
			return "any"
		}
		for suffix, abi := range abiOf {
			if strings.HasSuffix(p, "_"+suffix) {
				return abi
			}
		}
	}
	return "unknown"
}

var (
	manylinuxTag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^manylinux_(\d+)_(\d+)_`) })
	legacyTags   = map[string]string{"manylinux1": "2.5", "manylinux2010": "2.12", "manylinux2014": "2.17"}
)

// platformGlibc is the glibc a platform tag needs: "" for any and
// linux_*, which pip installs on every glibc; ok is false for tags pip on
// glibc Linux never takes (musllinux, macOS, Windows).
func platformGlibc(tag string) (glibc string, ok bool) {
	switch {
	case tag == "any" || strings.HasPrefix(tag, "linux_"):
		return "", true
	case manylinuxTag().MatchString(tag):
		m := manylinuxTag().FindStringSubmatch(tag)
		return m[1] + "." + m[2], true
	}
	for legacy, v := range legacyTags {
		if strings.HasPrefix(tag, legacy+"_") {
			return v, true
		}
	}
	return "", false
}

// pythonMatches says whether a CPython of version py ("3.9") takes a
// wheel with python tag pt and abi tag at, as pip decides it: abi3 wheels
// from their minimum version on, version-specific ones on their version
// only, pure pyXY wheels on that version and later.
func pythonMatches(py, pt, at string) bool {
	cur := strings.ReplaceAll(py, ".", "")
	ver := func(tag, prefix string) (int, bool) {
		v, err := strconv.Atoi(strings.TrimPrefix(tag, prefix))
		return v, err == nil && strings.HasPrefix(tag, prefix)
	}
	curN, _ := strconv.Atoi(cur)
	less := func(tag string) bool { // tag's X.Y <= cur, comparing 3.9 < 3.10
		n, _ := strconv.Atoi(tag)
		a, b := splitPyVer(n), splitPyVer(curN)
		return a[0] == b[0] && a[1] <= b[1]
	}
	switch {
	case at == "abi3":
		n, ok := ver(pt, "cp")
		return ok && less(strconv.Itoa(n))
	case at == "none":
		if pt == "py3" {
			return true
		}
		if n, ok := ver(pt, "py"); ok {
			return less(strconv.Itoa(n))
		}
		n, ok := ver(pt, "cp")
		return ok && strconv.Itoa(n) == cur
	}
	n, ok := ver(pt, "cp")
	return ok && strconv.Itoa(n) == cur && strings.HasPrefix(at, "cp"+cur)
}

// splitPyVer turns 39 into [3 9] and 313 into [3 13].
func splitPyVer(n int) [2]int {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		return [2]int{n, 0}
	}
	major, _ := strconv.Atoi(s[:1])
	minor, _ := strconv.Atoi(s[1:])
	return [2]int{major, minor}
}

// wheelVerdict decides, as pip would, whether a wheel installs on a
// runtime with CPython py and glibc: skip (with why) when no python tag
// fits this Python; fail when only the glibc of a manylinux tag is too
// new.
func wheelVerdict(t wheelTags, py, glibc, runtime string) (skip, fail string) {
	pyOK := false
	for _, pt := range t.python {
		for _, at := range t.abi {
			pyOK = pyOK || pythonMatches(py, pt, at)
		}
	}
	if !pyOK {
		return fmt.Sprintf("the wheel is for %s-%s; %s's Python is %s, so pip there would not install it (verify it on a runtime with a matching Python)",
			strings.Join(t.python, "."), strings.Join(t.abi, "."), runtime, py), ""
	}
	var needs []string
	for _, p := range t.platform {
		g, ok := platformGlibc(p)
		if !ok {
			continue
		}
		if g == "" || !versionLess(glibc, g) {
			return "", ""
		}
		needs = append(needs, p+" needs glibc "+g)
	}
	if len(needs) == 0 {
		return "", fmt.Sprintf("the wheel's platform tag %s is not for glibc Linux; pip on %s would not install it", strings.Join(t.platform, "."), runtime)
	}
	return "", fmt.Sprintf("the wheel's tag %s; pip on %s (glibc %s) would not install it", strings.Join(needs, ", "), runtime, glibc)
}

// versionLess compares glibc versions such as 2.31 and 2.5.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < 2; i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// installWheel unpacks a wheel into dir as pip lays out a site directory
// (the contents of NAME.data/purelib and platlib at the top; scripts,
// headers and data left out) and returns its top-level import names: from
// *.dist-info/top_level.txt, else the top-level packages and modules whose
// names are Python identifiers. A wheel without any may still hold
// extension modules (see extensionModules).
func installWheel(whl, dir string) ([]string, error) {
	zr, err := zip.OpenReader(whl)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable wheel (zip) file: %v", whl, err)
	}
	defer zr.Close()
	var total uint64
	var topLevel []string
	names := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") {
			continue
		}
		first, rest, _ := strings.Cut(name, "/")
		if strings.HasSuffix(first, ".data") {
			kind, inner, _ := strings.Cut(rest, "/")
			if kind != "purelib" && kind != "platlib" {
				continue
			}
			name = inner
			first, _, _ = strings.Cut(name, "/")
		}
		clean := path.Clean(name)
		if name == "" || path.IsAbs(name) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, "\\") {
			return nil, fmt.Errorf("%s: the wheel holds a file outside its directory (%s); it is malformed", whl, f.Name)
		}
		total += f.UncompressedSize64
		if total > maxWheelBytes {
			return nil, fmt.Errorf("%s: unpacks to more than %d GiB; it is not a wheel compatbuild will install", whl, maxWheelBytes>>30)
		}
		if err := unpack(f, filepath.Join(dir, filepath.FromSlash(clean))); err != nil {
			return nil, fmt.Errorf("%s: unpacking %s: %v", whl, f.Name, err)
		}
		switch {
		case strings.HasSuffix(first, ".dist-info"):
			if strings.HasSuffix(clean, "/top_level.txt") {
				data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(clean)))
				for _, l := range strings.Fields(string(data)) {
					topLevel = append(topLevel, strings.ReplaceAll(l, "/", "."))
				}
			}
		case strings.Contains(clean, "/"):
			names[first] = true
		case strings.HasSuffix(first, ".py"):
			names[strings.TrimSuffix(first, ".py")] = true
		case strings.HasSuffix(first, ".so") || strings.Contains(first, ".so."):
			mod, _, _ := strings.Cut(first, ".")
			names[mod] = true
		}
	}
	// Only identifiers are import names: a directory such as pkg.libs
	// (auditwheel's bundled libraries), NAME.dist-info, NAME.data or
	// __pycache__ is not a package.
	if len(topLevel) == 0 {
		for n := range names {
			if pyIdentifier().MatchString(n) && n != "__pycache__" {
				topLevel = append(topLevel, n)
			}
		}
	}
	topLevel = slices.DeleteFunc(topLevel, func(n string) bool {
		return slices.ContainsFunc(strings.Split(n, "."), func(p string) bool { return !pyIdentifier().MatchString(p) })
	})
	slices.Sort(topLevel)
	topLevel = slices.Compact(topLevel)
	return topLevel, nil
}

func unpack(f *zip.File, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	mode := os.FileMode(0o644)
	if f.Mode()&0o111 != 0 {
		mode = 0o755
	}
	w, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	// The zip reader checks the size and CRC the directory declares.
	if _, err := io.Copy(w, io.LimitReader(r, int64(f.UncompressedSize64)+1)); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// sharedObjects lists the .so files under dir (a wheel's extension
// modules), for the host-library check.
func sharedObjects(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.Contains(d.Name(), ".so") {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out
}
