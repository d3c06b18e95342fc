package runtimes

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// qemuPrograms are Debian qemu-user's programs for the architectures whose
// programs this machine cannot run itself.
var qemuPrograms = map[string]string{
	"amd64": "qemu-x86_64", "i386": "qemu-i386", "arm64": "qemu-aarch64",
	"armhf": "qemu-arm", "armel": "qemu-arm", "ppc64el": "qemu-ppc64le",
	"s390x": "qemu-s390x", "riscv64": "qemu-riscv64", "mips64el": "qemu-mips64el",
	"loong64": "qemu-loongarch64",
}

// nativeOn lists, per GOARCH of this machine, the Debian architectures
// whose programs it runs without an emulator (x86_64 kernels run i386).
var nativeOn = map[string][]string{
	"amd64": {"amd64", "i386"}, "arm64": {"arm64", "armhf", "armel"},
	"386": {"i386"}, "arm": {"armhf", "armel"}, "ppc64le": {"ppc64el"},
	"s390x": {"s390x"}, "riscv64": {"riscv64"}, "mips64le": {"mips64el"},
	"loong64": {"loong64"},
}

// Native reports whether this machine runs arch's programs itself.
func Native(arch string) bool {
	return slices.Contains(nativeOn[runtime.GOARCH], arch)
}

// emulatorFor returns the command that runs arch's programs here: nil
// when the machine runs them itself, else Debian's qemu-user program
// (qemu-aarch64, or its -static build), found on PATH.
func emulatorFor(arch string) ([]string, error) {
	if Native(arch) {
		return nil, nil
	}
	prog, ok := qemuPrograms[arch]
	if !ok {
		return nil, fmt.Errorf("no emulator known for %s programs on this %s machine", arch, runtime.GOARCH)
	}
	for _, name := range []string{prog, prog + "-static"} {
		if p, err := exec.LookPath(name); err == nil {
			return []string{p}, nil
		}
	}
	return nil, fmt.Errorf("running %s programs on this %s machine needs %s: install Debian's qemu-user (apt-get install qemu-user)", arch, runtime.GOARCH, prog)
}

// debianLacks lists the architectures a Debian release has no port of
// (riscv64 became an official architecture in Debian 13).
var debianLacks = map[string][]string{
	"debian:11": {"riscv64", "loong64"},
	"debian:12": {"riscv64", "loong64"},
	"debian:13": {"loong64"},
}

func checkPort(rel debianRelease, arch string) error {
	if slices.Contains(debianLacks[rel.name], arch) {
		var has []string
		for _, r := range debianReleases {
			if !slices.Contains(debianLacks[r.name], arch) {
				has = append(has, r.name)
			}
		}
		if len(has) == 0 {
			return fmt.Errorf("%s has no %s port; no named runtime has one: use an extracted root filesystem", rel.name, arch)
		}
		return fmt.Errorf("%s has no %s port; use %s", rel.name, arch, has[0])
	}
	return nil
}

// suiteHasArch reads the Architectures field of the suite's Release file
// that apt-get update fetched into workDir, and says so plainly when the
// mirror carries no packages for arch (Debian 11 LTS keeps only amd64,
// arm64, armhf and i386 on the main mirror).
func suiteHasArch(workDir string, req fetchRequest) error {
	files, _ := filepath.Glob(filepath.Join(workDir, "state/lists", "*Release"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			v, ok := strings.CutPrefix(line, "Architectures:")
			if !ok {
				continue
			}
			archs := strings.Fields(v)
			if !slices.Contains(archs, req.arch) {
				return fmt.Errorf("the mirror %s carries no %s packages for %s (%s) (its architectures: %s); use another runtime for %s, e.g. a newer Debian release", req.mirror.URI, req.arch, req.rel.name, req.rel.suite, strings.Join(archs, " "), req.arch)
			}
			return nil
		}
	}
	return nil
}
