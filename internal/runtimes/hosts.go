package runtimes

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// A host is a program of the runtime's own system that loads an artifact
// the way users load it: the runtime's Python imports an extension module,
// its Node.js requires an N-API addon.
const (
	HostPython = "python3"
	HostNode   = "node"
)

// HostPackages returns the Debian packages that bring host (HostPython or
// HostNode) into the named runtime name, with their dependencies:
// python3.9 on debian:11, python3.11 on 12, python3.13 on 13; nodejs.
// For a folder runtime (not a known name) it returns nil: the folder must
// hold the program already.
func HostPackages(name, host string) ([]string, error) {
	rel, ok := lookupRelease(name)
	if !ok {
		return nil, nil
	}
	switch host {
	case HostPython:
		return []string{"python" + rel.python}, nil
	case HostNode:
		return []string{"nodejs"}, nil
	}
	return nil, fmt.Errorf("unknown host %q: use %s or %s", host, HostPython, HostNode)
}

// Python returns the host path of the runtime's Python 3 interpreter and
// its version ("3.9"): the release's own for a named runtime, else the
// newest python3.X in the root's bin directories.
func (r *Runtime) Python() (path, version string, err error) {
	if rel, ok := lookupRelease(r.Name); ok {
		p, err := r.FindProgram("python" + rel.python)
		return p, rel.python, err
	}
	re := regexp.MustCompile(`^python(3\.\d+)$`)
	var found []string
	for _, d := range binDirs {
		entries, _ := os.ReadDir(filepath.Join(r.Root, d))
		for _, e := range entries {
			if m := re.FindStringSubmatch(e.Name()); m != nil && !slices.Contains(found, m[1]) {
				found = append(found, m[1])
			}
		}
	}
	if len(found) == 0 {
		return "", "", fmt.Errorf("runtime %s has no python3.X in %s; give a root filesystem with Python 3 installed", r.Name, strings.Join(binDirs, ", "))
	}
	slices.SortFunc(found, func(a, b string) int { return versionCompare(a, b) })
	v := found[len(found)-1]
	p, err := r.FindProgram("python" + v)
	return p, v, err
}

// Node returns the host path of the runtime's Node.js.
func (r *Runtime) Node() (string, error) {
	if p, err := r.FindProgram("node"); err == nil {
		return p, nil
	}
	return r.FindProgram("nodejs")
}

// binDirs are where FindProgram looks inside a root, in PATH order.
var binDirs = []string{"usr/local/bin", "usr/bin", "bin", "usr/sbin", "sbin"}

// FindProgram returns the host path of a program inside the runtime: an
// absolute name is taken inside the root, a bare name is looked up in the
// root's bin directories. Symbolic links are resolved inside the root.
func (r *Runtime) FindProgram(name string) (string, error) {
	var tries []string
	if strings.Contains(name, "/") {
		if !filepath.IsAbs(name) {
			return "", fmt.Errorf("%s: give a bare program name or an absolute path inside the runtime", name)
		}
		tries = []string{name}
	} else {
		for _, d := range binDirs {
			tries = append(tries, "/"+d+"/"+name)
		}
	}
	for _, t := range tries {
		p, err := resolveIn(r.Root, t)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("runtime %s has no program %s (looked in %s); add the Debian package that has it with --package", r.Name, name, strings.Join(tries, ", "))
}

// versionCompare orders "3.9" before "3.11".
func versionCompare(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		var x, y int
		fmt.Sscan(as[i], &x)
		fmt.Sscan(bs[i], &y)
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}
