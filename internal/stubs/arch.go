package stubs

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// Arch describes the ELF flavour of a target: everything the writer needs to
// know about a machine to produce a linkable stub. Use [ArchByName] for the
// predefined targets; a custom Arch must fill in every field.
type Arch struct {
	Name    string      // canonical name, e.g. "x86_64"; used in error messages
	Machine elf.Machine // e_machine
	Class   elf.Class   // elf.ELFCLASS32 or elf.ELFCLASS64
	Data    elf.Data    // elf.ELFDATA2LSB or elf.ELFDATA2MSB
	Flags   uint32      // e_flags (ABI bits the linker may check, e.g. ARM EABI/float ABI)

	// PageSize is the maximum page size: PT_LOAD alignment and the modulus
	// for the vaddr/offset congruence between segments.
	PageSize uint64
	// FuncAlign is the alignment of (and minimum distance between) function
	// symbols in .text.
	FuncAlign uint64
	// HashEntSize is the size of a .hash (SysV) word: 4 almost everywhere,
	// 8 on 64-bit s390 (and alpha), where binutils and glibc use 64-bit
	// hash entries.
	HashEntSize int
}

// ByteOrder returns the byte order matching a.Data.
func (a Arch) ByteOrder() binary.ByteOrder {
	if a.Data == elf.ELFDATA2MSB {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// ARM e_flags bits (not all of them are in debug/elf).
const (
	efARMEABIVer5     = 0x05000000
	efARMABIFloatSoft = 0x00000200
	efARMABIFloatHard = 0x00000400
	efPPC64ABIv2      = 2
	efRISCVRVC        = 0x1
	efRISCVFloatDbl   = 0x4
)

var arches = []Arch{
	{Name: "x86_64", Machine: elf.EM_X86_64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, PageSize: 0x1000, FuncAlign: 16, HashEntSize: 4},
	{Name: "i386", Machine: elf.EM_386, Class: elf.ELFCLASS32, Data: elf.ELFDATA2LSB, PageSize: 0x1000, FuncAlign: 16, HashEntSize: 4},
	{Name: "aarch64", Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, PageSize: 0x10000, FuncAlign: 4, HashEntSize: 4},
	// arm is the hard-float EABI5 ABI (Debian armhf, arm-linux-gnueabihf).
	{Name: "arm", Machine: elf.EM_ARM, Class: elf.ELFCLASS32, Data: elf.ELFDATA2LSB, Flags: efARMEABIVer5 | efARMABIFloatHard, PageSize: 0x10000, FuncAlign: 4, HashEntSize: 4},
	// armel is the soft-float EABI5 ABI (arm-linux-gnueabi).
	{Name: "armel", Machine: elf.EM_ARM, Class: elf.ELFCLASS32, Data: elf.ELFDATA2LSB, Flags: efARMEABIVer5 | efARMABIFloatSoft, PageSize: 0x10000, FuncAlign: 4, HashEntSize: 4},
	// powerpc64le is ELFv2 (no function descriptors).
	{Name: "powerpc64le", Machine: elf.EM_PPC64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, Flags: efPPC64ABIv2, PageSize: 0x10000, FuncAlign: 4, HashEntSize: 4},
	{Name: "s390x", Machine: elf.EM_S390, Class: elf.ELFCLASS64, Data: elf.ELFDATA2MSB, PageSize: 0x1000, FuncAlign: 8, HashEntSize: 8},
	// riscv64 is the lp64d ABI with compressed instructions (the Linux default).
	// GNU ld checks the float ABI in e_flags even for shared-library inputs
	// ("can't link double-float modules with soft-float modules").
	{Name: "riscv64", Machine: elf.EM_RISCV, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB, Flags: efRISCVRVC | efRISCVFloatDbl, PageSize: 0x1000, FuncAlign: 4, HashEntSize: 4},
}

var archAliases = map[string]string{
	"amd64":   "x86_64",
	"x86-64":  "x86_64",
	"386":     "i386",
	"i486":    "i386",
	"i586":    "i386",
	"i686":    "i386",
	"x86":     "i386",
	"arm64":   "aarch64",
	"armhf":   "arm",
	"armv7":   "arm",
	"ppc64le": "powerpc64le",
	"riscv":   "riscv64",
}

// ArchByName returns the predefined Arch for a target name. It accepts the
// canonical names listed by [ArchNames] and common aliases (amd64, i686,
// arm64, armhf, ppc64le, ...).
func ArchByName(name string) (Arch, error) {
	n := strings.ToLower(name)
	if c, ok := archAliases[n]; ok {
		n = c
	}
	for _, a := range arches {
		if a.Name == n {
			return a, nil
		}
	}
	return Arch{}, fmt.Errorf("stubs: unsupported architecture %q (supported: %s)", name, strings.Join(ArchNames(), ", "))
}

// ArchNames returns the canonical names of the predefined architectures, sorted.
func ArchNames() []string {
	names := make([]string, len(arches))
	for i, a := range arches {
		names[i] = a.Name
	}
	sort.Strings(names)
	return names
}

func (a Arch) validate() error {
	name := a.Name
	if name == "" {
		name = a.Machine.String()
	}
	switch {
	case a.Machine == elf.EM_NONE:
		return fmt.Errorf("stubs: arch %q: no ELF machine set", name)
	case a.Class != elf.ELFCLASS32 && a.Class != elf.ELFCLASS64:
		return fmt.Errorf("stubs: arch %q: unsupported ELF class %v", name, a.Class)
	case a.Data != elf.ELFDATA2LSB && a.Data != elf.ELFDATA2MSB:
		return fmt.Errorf("stubs: arch %q: unsupported ELF data encoding %v", name, a.Data)
	case a.PageSize == 0 || a.PageSize&(a.PageSize-1) != 0:
		return fmt.Errorf("stubs: arch %q: page size %#x is not a power of two", name, a.PageSize)
	case a.FuncAlign == 0 || a.FuncAlign&(a.FuncAlign-1) != 0 || a.FuncAlign > a.PageSize:
		return fmt.Errorf("stubs: arch %q: function alignment %d is not a power of two <= page size", name, a.FuncAlign)
	case a.HashEntSize != 4 && a.HashEntSize != 8:
		return fmt.Errorf("stubs: arch %q: .hash entry size %d is not 4 or 8", name, a.HashEntSize)
	}
	return nil
}
