// Package elfinfo reads what decides where an ELF file can run: its ABI,
// the libraries it needs (DT_NEEDED), the symbol versions it requires
// (.gnu.version_r) and which imported symbols carry those versions.
//
// It reads only the dynamic-linking metadata, through debug/elf, and turns
// every malformation into an error that names the file; it never panics on
// hostile input.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotELF is returned for files that do not start with the ELF magic.
// Directory scans skip them quietly.
var ErrNotELF = errors.New("not an ELF file")

// Kind is what sort of linked ELF file this is.
type Kind string

const (
	Executable       Kind = "executable"        // ET_EXEC, dynamically linked
	PIEExecutable    Kind = "pie-executable"    // ET_DYN with an interpreter
	SharedLibrary    Kind = "shared-library"    // ET_DYN without one
	StaticExecutable Kind = "static-executable" // no dynamic section at all
	Relocatable      Kind = "relocatable"       // .o: not linked yet
	Other            Kind = "other"             // core dumps and the like
)

// Need is one version a file requires from one library.
type Need struct {
	Library string // DT_NEEDED-style file name from verneed, e.g. libc.so.6
	Version string // version node, e.g. GLIBC_2.34
	Weak    bool   // VER_FLG_WEAK: the loader only warns if it is missing
	Index   uint16
}

// Import is an undefined dynamic symbol bound to a version.
type Import struct {
	Name    string
	Version string
	Library string
	Weak    bool // STB_WEAK reference: NULL at run time if absent
}

// File is the dynamic-linking summary of one ELF file.
type File struct {
	Path    string
	ABI     string // compatbuild ABI name (x86_64, i386, aarch64, ...)
	Machine elf.Machine
	Class   elf.Class
	Order   string // "little" or "big"
	Kind    Kind
	Soname  string
	Needed  []string
	Needs   []Need
	Imports []Import // only symbols with a version
	// Unbound lists undefined, non-weak dynamic symbols with no version:
	// what the linker found in no versioned library (a plugin's host API,
	// or a libc function the linked libc lacked).
	Unbound []string
}

// ReadFile opens and reads path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return Read(path, f, st.Size())
}

// Read reads an ELF file of the given size from r; path names it in errors.
func Read(path string, r io.ReaderAt, size int64) (info *File, err error) {
	var magic [4]byte
	if n, _ := r.ReadAt(magic[:], 0); n < 4 || !bytes.Equal(magic[:], []byte(elf.ELFMAG)) {
		return nil, ErrNotELF
	}
	defer func() {
		// debug/elf is hardened but not promised to be panic-free on
		// hostile input; a bad file must never take the scan down.
		if p := recover(); p != nil {
			info, err = nil, fmt.Errorf("%s: malformed ELF file (%v)", path, p)
		}
	}()
	ef, err := elf.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fmt.Errorf("%s: malformed ELF file: %v", path, err)
	}
	info = &File{Path: path, Machine: ef.Machine, Class: ef.Class, Order: "little"}
	if ef.ByteOrder.String() == "BigEndian" {
		info.Order = "big"
	}
	info.ABI, err = abiOf(ef)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	switch ef.Type {
	case elf.ET_REL:
		info.Kind = Relocatable
		return info, nil
	case elf.ET_EXEC, elf.ET_DYN:
	default:
		info.Kind = Other
		return info, nil
	}
	hasInterp, hasDynamic := false, false
	for _, p := range ef.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			hasInterp = true
		case elf.PT_DYNAMIC:
			hasDynamic = true
		}
	}
	switch {
	case !hasDynamic && ef.SectionByType(elf.SHT_DYNAMIC) == nil:
		info.Kind = StaticExecutable
		return info, nil
	case ef.Type == elf.ET_EXEC:
		info.Kind = Executable
	default:
		info.Kind = SharedLibrary
	}
	if err := info.readDynamic(ef); err != nil {
		return nil, fmt.Errorf("%s: malformed ELF file: %v", path, err)
	}
	// A PIE is an ET_DYN with an interpreter. libc.so.6 has one too (it can
	// be run to print its version) but is a library: DF_1_PIE settles it,
	// and for older linkers that did not set it, a soname does.
	if info.Kind == SharedLibrary && hasInterp {
		flags, _ := ef.DynValue(elf.DT_FLAGS_1)
		if (len(flags) > 0 && flags[0]&uint64(elf.DF_1_PIE) != 0) || info.Soname == "" {
			info.Kind = PIEExecutable
		}
	}
	return info, nil
}

func (info *File) readDynamic(ef *elf.File) error {
	var err error
	if ef.SectionByType(elf.SHT_DYNAMIC) != nil {
		if info.Needed, err = ef.DynString(elf.DT_NEEDED); err != nil {
			return fmt.Errorf("reading DT_NEEDED: %v", err)
		}
		sonames, err := ef.DynString(elf.DT_SONAME)
		if err != nil {
			return fmt.Errorf("reading DT_SONAME: %v", err)
		}
		if len(sonames) > 0 {
			info.Soname = sonames[0]
		}
	}
	if ef.SectionByType(elf.SHT_GNU_VERNEED) != nil {
		needs, err := ef.DynamicVersionNeeds()
		if err != nil {
			return fmt.Errorf("reading .gnu.version_r: %v", err)
		}
		for _, n := range needs {
			for _, d := range n.Needs {
				info.Needs = append(info.Needs, Need{Library: n.Name, Version: d.Dep, Weak: d.Flags&elf.VER_FLG_WEAK != 0, Index: d.Index})
			}
		}
	}
	if ef.SectionByType(elf.SHT_DYNSYM) == nil {
		return nil
	}
	syms, err := ef.DynamicSymbols()
	if err != nil {
		return fmt.Errorf("reading .dynsym: %v", err)
	}
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF || s.Name == "" {
			continue
		}
		if s.Version == "" {
			if elf.ST_BIND(s.Info) != elf.STB_WEAK {
				info.Unbound = append(info.Unbound, s.Name)
			}
			continue
		}
		info.Imports = append(info.Imports, Import{
			Name: s.Name, Version: s.Version, Library: s.Library,
			Weak: elf.ST_BIND(s.Info) == elf.STB_WEAK,
		})
	}
	return nil
}

// abiOf names the glibc ABI an ELF header describes, or says why
// compatbuild does not support it.
func abiOf(ef *elf.File) (string, error) {
	little := ef.Data == elf.ELFDATA2LSB
	is64 := ef.Class == elf.ELFCLASS64
	switch {
	case ef.Machine == elf.EM_X86_64 && is64:
		return "x86_64", nil
	case ef.Machine == elf.EM_X86_64:
		return "", errors.New("x32 ABI (EM_X86_64, ELFCLASS32) is not supported: glibc x32 has no abilist here; use x86_64 or i386")
	case ef.Machine == elf.EM_386 && !is64:
		return "i386", nil
	case ef.Machine == elf.EM_AARCH64 && is64 && little:
		return "aarch64", nil
	case ef.Machine == elf.EM_ARM && !is64 && little:
		return "arm", nil
	case ef.Machine == elf.EM_PPC64 && is64 && little:
		return "powerpc64le", nil
	case ef.Machine == elf.EM_S390 && is64:
		return "s390x", nil
	case ef.Machine == elf.EM_RISCV && is64:
		return "riscv64", nil
	}
	order := "little-endian"
	if !little {
		order = "big-endian"
	}
	return "", fmt.Errorf("unsupported architecture %v (%v, %s): compatbuild supports x86_64, i386, aarch64, arm, powerpc64le, s390x and riscv64", ef.Machine, ef.Class, order)
}
