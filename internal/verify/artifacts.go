package verify

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"compatbuild/internal/elfinfo"
)

// readArtifacts reads every path and reports all bad ones at once.
func readArtifacts(paths []string) ([]Artifact, error) {
	var arts []Artifact
	var errs []error
	seen := map[string]bool{}
	for _, p := range paths {
		a, err := readArtifact(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[a.abs] {
			continue
		}
		seen[a.abs] = true
		arts = append(arts, a)
	}
	return arts, errors.Join(errs...)
}

func readArtifact(p string) (Artifact, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return Artifact{}, fmt.Errorf("%s: %v", p, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Artifact{}, fmt.Errorf("%s: no such file; give the path of a shared library or executable", p)
	case err != nil:
		return Artifact{}, fmt.Errorf("%s: %v", p, err)
	case fi.IsDir():
		return Artifact{}, fmt.Errorf("%s is a directory; name the shared libraries or executables in it", p)
	case !fi.Mode().IsRegular():
		// Opening a FIFO or a device could block forever or read
		// without end.
		return Artifact{}, fmt.Errorf("%s is not a regular file (%s); verify takes shared libraries, executables and wheels", p, fileType(fi.Mode()))
	}
	if strings.HasSuffix(abs, ".whl") {
		t, err := parseWheelName(p)
		if err != nil {
			return Artifact{}, err
		}
		return Artifact{Path: p, Kind: KindWheel, ABI: t.arch(), abs: abs, wheel: t}, nil
	}
	info, err := elfinfo.ReadFile(abs)
	if errors.Is(err, elfinfo.ErrNotELF) {
		return Artifact{}, fmt.Errorf("%s is not an ELF file; verify takes shared libraries and executables", p)
	}
	if err != nil {
		return Artifact{}, fmt.Errorf("%s: %v", p, strings.TrimPrefix(err.Error(), abs+": "))
	}
	a := Artifact{Path: p, ABI: info.ABI, Kind: string(info.Kind), abs: abs}
	switch info.Kind {
	case elfinfo.SharedLibrary:
		if staticPIE(abs) {
			a.Kind = "static-pie-executable"
		}
	case elfinfo.Executable, elfinfo.PIEExecutable, elfinfo.StaticExecutable:
	case elfinfo.Relocatable:
		return Artifact{}, fmt.Errorf("%s is an object file, not linked yet; link it into a shared library or executable first", p)
	default:
		return Artifact{}, fmt.Errorf("%s is an ELF file of another kind (core dump?); verify takes shared libraries and executables", p)
	}
	if fi.Mode()&0o111 == 0 && a.Kind != string(elfinfo.SharedLibrary) {
		return Artifact{}, fmt.Errorf("%s is an executable without execute permission; chmod +x it", p)
	}
	return a, nil
}

// staticPIE reports whether an ET_DYN file without an interpreter is a
// static-pie executable (DF_1_PIE set) rather than a shared library.
func staticPIE(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	defer func() { recover() }()
	flags, err := f.DynValue(elf.DT_FLAGS_1)
	return err == nil && len(flags) > 0 && flags[0]&uint64(elf.DF_1_PIE) != 0
}

// checkLibPath makes the --lib-path directories absolute and refuses any
// that holds a C library: it would replace the runtime's glibc.
func checkLibPath(dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("--lib-path %s: %v", d, err)
		}
		fi, err := os.Stat(abs)
		if err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--lib-path %s is not a directory; give the directory that holds the artifact's own libraries", d)
		}
		for _, libc := range append([]string{"libc.so.6", "libpthread.so.0", "libdl.so.2"}, loaderNames...) {
			if _, err := os.Stat(filepath.Join(abs, libc)); err == nil {
				return nil, fmt.Errorf("--lib-path %s holds %s, which would replace the runtime's glibc; give a directory with only the artifact's own libraries", d, libc)
			}
		}
		if !slices.Contains(out, abs) {
			out = append(out, abs)
		}
	}
	return out, nil
}

// fileType names a non-regular file's type for messages.
func fileType(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file"
}
