package verify

import (
	"errors"
	"fmt"
	"strings"

	"compatbuild/internal/target"
)

// loaderNames are the dynamic loaders of the ABIs compatbuild builds for;
// a --lib-path directory holding one would replace the runtime's glibc.
var loaderNames = []string{"ld-linux-x86-64.so.2", "ld-linux.so.2", "ld-linux-aarch64.so.1",
	"ld-linux-armhf.so.3", "ld64.so.2", "ld64.so.1", "ld-linux-riscv64-lp64d.so.1"}

// runtimeArch decides the Debian architecture of the runtimes: the one
// given (in any spelling internal/target knows, or a Debian name), else
// the artifacts' own, which must then all be of one architecture.
func runtimeArch(arts []Artifact, given string) (string, error) {
	if given != "" {
		if t, err := target.Parse(given); err == nil {
			return t.Debian, nil
		}
		if _, ok := abiOfArch[given]; ok {
			return given, nil // armel and other Debian names
		}
		return "", fmt.Errorf("--arch %s: unknown architecture; use a Debian name (amd64, i386, arm64, armhf, ppc64el, s390x, riscv64) or a triple", given)
	}
	var abis []string
	for _, a := range arts {
		if a.ABI == "any" {
			continue // a pure-Python wheel runs on any architecture
		}
		if !containsString(abis, a.ABI) {
			abis = append(abis, a.ABI)
		}
	}
	if len(abis) > 1 {
		return "", errors.New("the artifacts are of several architectures (" + strings.Join(abis, ", ") + "): verify each architecture's in its own run, or pick the runtimes' with --arch")
	}
	if len(abis) == 0 {
		return "", nil
	}
	t, ok := target.ByABI(abis[0])
	if !ok {
		return "", fmt.Errorf("no runtime architecture known for %s artifacts", abis[0])
	}
	return t.Debian, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
