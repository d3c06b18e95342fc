// Package target names the Linux ABIs compatbuild links for and says how
// each ecosystem spells them: the GNU triple of Debian's cross compilers
// (aarch64-linux-gnu), the Rust target (aarch64-unknown-linux-gnu), Go's
// GOARCH (arm64), Debian's architecture (arm64), CMake's processor name,
// the qemu-user program that runs it on another machine, and the first
// glibc release that supports it.
//
// Facts come from: glibc's supported-ports list and its abilists (first
// releases: aarch64 2.17, powerpc64le 2.19, riscv64 2.27), Debian's
// multiarch triplets and cross-toolchain package names
// (gcc-<triple>, libc6-dev-<arch>-cross), rustc's target list and
// go tool dist list.
package target

import (
	"debug/elf"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
)

// Target is one Linux glibc ABI.
type Target struct {
	// ABI is the name internal/abidb, internal/stubs and internal/check
	// use: x86_64, i386, aarch64, arm, powerpc64le, s390x, riscv64.
	ABI string
	// Triple is the GNU triple of Debian's cross toolchain and multiarch
	// directories (aarch64-linux-gnu, arm-linux-gnueabihf, i686-linux-gnu).
	Triple string
	// Rust is the Rust target triple (aarch64-unknown-linux-gnu).
	Rust string
	// GOARCH (and for arm GOARM) are Go's names.
	GOARCH, GOARM string
	// Debian is Debian's architecture name (arm64, armhf, ppc64el).
	Debian string
	// CMake is CMAKE_SYSTEM_PROCESSOR for a CMake toolchain file.
	CMake string
	// Qemu is the qemu-user program that runs the ABI's programs on an
	// x86_64 machine; empty where the machine runs them itself (x86_64,
	// i386).
	Qemu string
	// First is the first glibc release with this ABI that compatbuild
	// can link for (2.17 at the oldest).
	First abidb.Version
	// Machine is the ELF e_machine of its objects.
	Machine elf.Machine
	// Class is the ELF class (32 or 64 bit).
	Class elf.Class
}

var v217 = abidb.MustParseVersion("2.17")

// all lists the targets, host first. The arm target is the hard-float
// EABI (armhf): what Debian, Ubuntu and Raspberry Pi OS ship.
var all = []Target{
	{ABI: "x86_64", Triple: "x86_64-linux-gnu", Rust: "x86_64-unknown-linux-gnu", GOARCH: "amd64", Debian: "amd64", CMake: "x86_64", First: v217, Machine: elf.EM_X86_64, Class: elf.ELFCLASS64},
	{ABI: "i386", Triple: "i686-linux-gnu", Rust: "i686-unknown-linux-gnu", GOARCH: "386", Debian: "i386", CMake: "i686", First: v217, Machine: elf.EM_386, Class: elf.ELFCLASS32},
	{ABI: "aarch64", Triple: "aarch64-linux-gnu", Rust: "aarch64-unknown-linux-gnu", GOARCH: "arm64", Debian: "arm64", CMake: "aarch64", Qemu: "qemu-aarch64", First: v217, Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64},
	{ABI: "arm", Triple: "arm-linux-gnueabihf", Rust: "armv7-unknown-linux-gnueabihf", GOARCH: "arm", GOARM: "7", Debian: "armhf", CMake: "armv7l", Qemu: "qemu-arm", First: v217, Machine: elf.EM_ARM, Class: elf.ELFCLASS32},
	{ABI: "powerpc64le", Triple: "powerpc64le-linux-gnu", Rust: "powerpc64le-unknown-linux-gnu", GOARCH: "ppc64le", Debian: "ppc64el", CMake: "ppc64le", Qemu: "qemu-ppc64le", First: abidb.MustParseVersion("2.19"), Machine: elf.EM_PPC64, Class: elf.ELFCLASS64},
	{ABI: "s390x", Triple: "s390x-linux-gnu", Rust: "s390x-unknown-linux-gnu", GOARCH: "s390x", Debian: "s390x", CMake: "s390x", Qemu: "qemu-s390x", First: v217, Machine: elf.EM_S390, Class: elf.ELFCLASS64},
	{ABI: "riscv64", Triple: "riscv64-linux-gnu", Rust: "riscv64gc-unknown-linux-gnu", GOARCH: "riscv64", Debian: "riscv64", CMake: "riscv64", Qemu: "qemu-riscv64", First: abidb.MustParseVersion("2.27"), Machine: elf.EM_RISCV, Class: elf.ELFCLASS64},
}

// All returns every target, x86_64 first.
func All() []Target { return append([]Target(nil), all...) }

// Host is the x86_64 target: what compatbuild links for when no target is
// named.
func Host() Target { return all[0] }

// IsHost reports whether t is the default x86_64 target.
func (t Target) IsHost() bool { return t.ABI == "" || t.ABI == all[0].ABI }

// Native reports whether this machine runs t's programs without an
// emulator: its own architecture, and i386 on x86_64.
func (t Target) Native() bool {
	switch runtime.GOARCH {
	case "amd64":
		return t.ABI == "x86_64" || t.ABI == "i386"
	default:
		return t.GOARCH == runtime.GOARCH
	}
}

func (t Target) String() string { return t.Triple }

// EnvTriple is the triple as cargo and the cc crate spell it in
// environment variable names: aarch64_unknown_linux_gnu.
func (t Target) EnvTriple() string { return strings.ReplaceAll(t.Rust, "-", "_") }

// CrossPackages are the Debian packages that give this machine a C (and
// with cxx, C++) cross compiler for t; their dependencies bring the
// target's libc headers and libgcc (libc6-dev-<arch>-cross,
// libgcc-12-dev-<arch>-cross).
func (t Target) CrossPackages(cxx bool) []string {
	if cxx {
		return []string{"g++-" + t.Triple}
	}
	return []string{"gcc-" + t.Triple}
}

// ClangPackages are the Debian packages clang --target=<triple> needs
// besides clang: the target's libc headers and start files, and libgcc.
func (t Target) ClangPackages() []string {
	return []string{"libc6-dev-" + t.Debian + "-cross", "libgcc-12-dev-" + t.Debian + "-cross"}
}

// aliases maps other spellings (Debian, Go, uname -m, Rust, zig) to ABI
// names. Triples are matched separately, by their architecture part.
var aliases = map[string]string{
	"amd64": "x86_64", "x86-64": "x86_64", "x64": "x86_64",
	"386": "i386", "i486": "i386", "i586": "i386", "i686": "i386", "x86": "i386",
	"arm64": "aarch64",
	"armhf": "arm", "armv7": "arm", "armv7l": "arm", "armv7hl": "arm", "armv7a": "arm",
	"ppc64le": "powerpc64le", "ppc64el": "powerpc64le",
	"riscv64gc": "riscv64",
}

// Parse finds the target s names: an ABI name (aarch64), another
// spelling of the architecture (arm64, armhf, i686, ppc64el), a GNU
// triple (aarch64-linux-gnu, arm-linux-gnueabihf) or a Rust triple
// (aarch64-unknown-linux-gnu). Triples must be Linux with glibc (gnu);
// arm triples must be hard-float (gnueabihf).
func Parse(s string) (Target, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "" {
		return Target{}, fmt.Errorf("empty target; use one of %s", Names())
	}
	arch := name
	if strings.Contains(name, "-") {
		parts := strings.Split(name, "-")
		arch = parts[0]
		env := parts[len(parts)-1]
		if len(parts) < 3 || !strings.HasPrefix(env, "gnu") || !slices.Contains(parts, "linux") {
			return Target{}, fmt.Errorf("target %q: compatbuild builds for Linux with glibc, triples like aarch64-linux-gnu or aarch64-unknown-linux-gnu (musl, Windows and macOS targets need other tools)", s)
		}
		isARM := arch == "arm" || strings.HasPrefix(arch, "armv")
		switch {
		case isARM && env != "gnueabihf":
			return Target{}, fmt.Errorf("target %q: compatbuild builds arm for the hard-float EABI only (arm-linux-gnueabihf, Debian's armhf)", s)
		case !isARM && env != "gnu":
			return Target{}, fmt.Errorf("target %q: ABI %q is not one compatbuild builds for; use one of %s", s, env, Names())
		}
		if isARM {
			arch = "arm"
		}
	}
	if a, ok := aliases[arch]; ok {
		arch = a
	}
	for _, t := range all {
		if t.ABI == arch {
			return t, nil
		}
	}
	return Target{}, fmt.Errorf("unknown target %q; use one of %s", s, Names())
}

// ByABI returns the target of an ABI name as internal/elfinfo reports it.
func ByABI(abi string) (Target, bool) {
	for _, t := range all {
		if t.ABI == abi {
			return t, true
		}
	}
	return Target{}, false
}

// ByGOARCH returns the target of a Go architecture (GOARCH=arm64).
func ByGOARCH(goarch string) (Target, error) {
	for _, t := range all {
		if t.GOARCH == goarch {
			return t, nil
		}
	}
	var names []string
	for _, t := range all {
		names = append(names, t.GOARCH)
	}
	return Target{}, fmt.Errorf("GOARCH=%s: compatbuild links cgo for %s", goarch, strings.Join(names, ", "))
}

// ByDebian returns the target of a Debian architecture name.
func ByDebian(arch string) (Target, bool) {
	for _, t := range all {
		if t.Debian == arch {
			return t, true
		}
	}
	return Target{}, false
}

// Names lists the GNU triples, for messages.
func Names() string {
	var out []string
	for _, t := range all {
		out = append(out, t.Triple)
	}
	return strings.Join(out, ", ")
}

// CheckRelease refuses a glibc release older than t's first.
func (t Target) CheckRelease(v abidb.Version) error {
	if v.Less(t.First) {
		return fmt.Errorf("glibc %s has no %s port: the first glibc release for %s is %s; use --glibc %s or later", v, t.ABI, t.Triple, t.First, t.First)
	}
	return nil
}
