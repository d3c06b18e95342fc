// Package elfinfo reads what decides where an ELF file can run: its ABI,
// the libraries it needs (DT_NEEDED), where it looks for them (DT_RPATH,
// DT_RUNPATH), the symbol versions it requires (DT_VERNEED) and which
// imported symbols carry those versions.
//
// It reads what the loader reads: the program headers, PT_DYNAMIC and the
// tables it points to (DT_STRTAB/DT_STRSZ, DT_SYMTAB with DT_HASH or
// DT_GNU_HASH for the symbol count, DT_VERSYM, DT_VERNEED/DT_VERNEEDNUM),
// not the section headers, which the loader ignores and a file may lack.
// Where a file has section headers, they must describe the same tables, or
// the file is malformed: a report from either view could then be wrong.
//
// Every count and offset a file claims is checked against the bytes it
// holds before anything is allocated for it, so memory per file is bounded
// by the file's real tables, and all readers together by MemoryBudget.
// Every malformation is an error that names the file; it never panics.
package elfinfo

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
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
	// Flags is the header's e_flags, as written (processor-specific).
	Flags uint32
	// ARM is, for ARM (EM_ARM) files, what e_flags says of the ABI
	// (ARMFlags); zero for other machines.
	ARM    ARMFlags
	Kind   Kind
	Soname string
	Needed []string
	// Rpath and Runpath are DT_RPATH and DT_RUNPATH split at ':', as
	// written ($ORIGIN not expanded); nil when absent.
	Rpath   []string
	Runpath []string
	Needs   []Need
	Imports []Import // only symbols with a version
	// Unbound lists undefined, non-weak dynamic symbols with no version:
	// what the linker found in no versioned library (a plugin's host API,
	// or a libc function the linked libc lacked).
	Unbound []string
	// UnboundWeak lists the undefined weak dynamic symbols with no version.
	UnboundWeak []string
	// Notes lists the notes of the PT_NOTE segments, in file order (at
	// most 64; see readNotes).
	Notes []Note
	// Interp is the program interpreter (PT_INTERP) the kernel starts
	// the file with, e.g. /lib64/ld-linux-x86-64.so.2; "" when the file
	// names none (shared libraries, static executables).
	Interp string
}

// ReadFile opens and reads path. Only a regular file is read: a FIFO or a
// device is an error, never a read that waits forever or never ends. The
// file is opened without blocking (a FIFO's open would wait for a writer)
// and judged by the descriptor, so a path swapped after a check cannot
// slip through.
func ReadFile(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, &NotRegularError{Mode: st.Mode()})
	}
	return Read(path, f, st.Size())
}

// NotRegularError is returned for a path that is not a regular file.
type NotRegularError struct{ Mode os.FileMode }

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch {
	case e.Mode&os.ModeNamedPipe != 0:
		what = "a FIFO (named pipe)"
	case e.Mode&os.ModeDevice != 0:
		what = "a device"
	case e.Mode&os.ModeSocket != 0:
		what = "a socket"
	case e.Mode.IsDir():
		what = "a directory"
	}
	return what + ", not an ELF file: name the built file itself"
}

// Read reads an ELF file of the given size from r; path names it in errors.
func Read(path string, r io.ReaderAt, size int64) (*File, error) {
	var magic [4]byte
	if n, _ := r.ReadAt(magic[:], 0); n < 4 || string(magic[:]) != elf.ELFMAG {
		return nil, ErrNotELF
	}
	info, err := read(path, &window{r: r, size: uint64(max(size, 0))})
	if err != nil {
		return nil, fmt.Errorf("%s: malformed ELF file: %v", path, err)
	}
	return info, nil
}

// maxTables bounds the string, symbol and version tables of one file, as a
// second line behind the checks against the bytes present (which a file
// system without SEEK_HOLE cannot make for a sparse file). The largest
// real libraries hold a few tens of megabytes.
const maxTables = 1 << 30

func read(path string, w *window) (*File, error) {
	h, err := parseHeader(w)
	if err != nil {
		return nil, err
	}
	info := &File{Path: path, Machine: h.machine, Class: h.class, Order: "little", Flags: h.flags}
	if h.machine == elf.EM_ARM {
		info.ARM = armFlags(h.flags)
	}
	if h.data == elf.ELFDATA2MSB {
		info.Order = "big"
	}
	if info.ABI, err = abiOf(h); err != nil {
		return nil, err
	}
	switch h.typ {
	case elf.ET_REL:
		info.Kind = Relocatable
		return info, nil
	case elf.ET_EXEC, elf.ET_DYN:
	default:
		info.Kind = Other
		return info, nil
	}
	secs, err := readSections(w, h)
	if err != nil {
		return nil, err
	}
	info.Notes = readNotes(w, h)
	if info.Interp, err = readInterp(w, h); err != nil {
		return nil, err
	}
	dynProg := h.prog(elf.PT_DYNAMIC)
	if dynProg == nil {
		if err := crossCheck(secs, h, nil, nil, 0, 0); err != nil {
			return nil, err
		}
		info.Kind = StaticExecutable
		return info, nil
	}
	d, err := parseDynamic(w, h, dynProg)
	if err != nil {
		return nil, err
	}
	nsyms, exact, err := d.symbolCount(w, h)
	if err != nil {
		return nil, err
	}
	if !exact && d.hasSymtab {
		// No hash chain says where .dynsym ends. A section header that
		// names the same table does; else the next table bounds it.
		if s := sectionAt(secs, elf.SHT_DYNSYM, d.symtab); s != nil && s.size/h.symSize() >= nsyms {
			nsyms = s.size / h.symSize()
		} else if _, avail, err := h.offset(d.symtab, "DT_SYMTAB"); err == nil {
			nsyms = max(nsyms, d.symbolsEnd(h, avail))
		}
		exact = secs != nil
	}
	if d.hasSymtab && d.syment != 0 && d.syment != h.symSize() {
		return nil, fmt.Errorf("DT_SYMENT is %d, want %d", d.syment, h.symSize())
	}
	// Claimed sizes are checked against the file before the budget is
	// asked for them, so a lie cannot make a reader wait for, or take,
	// memory the file does not back.
	var symOff, verOff uint64
	if nsyms > 0 {
		if !d.hasSymtab {
			return nil, errors.New("PT_DYNAMIC has a hash table but no DT_SYMTAB")
		}
		var avail uint64
		if symOff, avail, err = h.offset(d.symtab, "DT_SYMTAB"); err != nil {
			return nil, err
		}
		if nsyms > avail/h.symSize() {
			return nil, fmt.Errorf("the hash table claims %d symbols, but DT_SYMTAB's segment holds %d", nsyms, avail/h.symSize())
		}
		if d.hasVersym {
			if verOff, avail, err = h.offset(d.versym, "DT_VERSYM"); err != nil {
				return nil, err
			}
			if nsyms > avail/2 {
				return nil, fmt.Errorf("the hash table claims %d symbols, but DT_VERSYM's segment holds %d entries", nsyms, avail/2)
			}
		}
	}
	if d.hasStrsz && d.strsz > w.size {
		return nil, fmt.Errorf("DT_STRSZ claims %d bytes in a file of %d", d.strsz, w.size)
	}
	if claimed := d.strsz + nsyms*(h.symSize()+2); claimed > maxTables {
		return nil, fmt.Errorf("its dynamic tables claim %d bytes, more than any real file's (%d)", claimed, uint64(maxTables))
	}
	need := d.strsz + min(nsyms, symbolChunk)*(h.symSize()+2)
	acquire(need)
	defer release(need)

	strtab, err := d.strings(w, h)
	if err != nil {
		return nil, err
	}
	str := newStrtab(strtab).at
	for _, off := range d.needed {
		s, err := str(off, "DT_NEEDED")
		if err != nil {
			return nil, err
		}
		info.Needed = append(info.Needed, s)
	}
	if d.hasSoname {
		if info.Soname, err = str(d.soname, "DT_SONAME"); err != nil {
			return nil, err
		}
	}
	if d.hasRpath {
		s, err := str(d.rpath, "DT_RPATH")
		if err != nil {
			return nil, err
		}
		info.Rpath = strings.Split(s, ":")
	}
	if d.hasRunpath {
		s, err := str(d.runpath, "DT_RUNPATH")
		if err != nil {
			return nil, err
		}
		info.Runpath = strings.Split(s, ":")
	}
	recs, files, err := d.versionNeeds(w, h)
	if err != nil {
		return nil, err
	}
	compare := nsyms
	if !exact {
		compare = 0 // no count of the loader's own to compare
	}
	if err := crossCheck(secs, h, dynProg, d, compare, files); err != nil {
		return nil, err
	}
	byIndex := map[uint16]int{}
	for _, rec := range recs {
		lib, err := str(rec.file, "version need file name")
		if err != nil {
			return nil, err
		}
		ver, err := str(rec.name, "version need name")
		if err != nil {
			return nil, err
		}
		idx := rec.index & 0x7fff
		if _, dup := byIndex[idx]; !dup {
			byIndex[idx] = len(info.Needs)
		}
		info.Needs = append(info.Needs, Need{Library: lib, Version: ver, Weak: rec.flags&uint16(elf.VER_FLG_WEAK) != 0, Index: idx})
	}
	if err := info.readSymbols(w, h, d, nsyms, symOff, verOff, str, byIndex); err != nil {
		return nil, err
	}
	info.Kind = kindOf(h, d, info)
	return info, nil
}

// kindOf tells executables from libraries. A PIE is an ET_DYN with an
// interpreter. libc.so.6 has one too (it can be run to print its version)
// but is a library: DF_1_PIE settles it, and for older linkers that did not
// set it, a soname does. A static PIE (-static-pie) has PT_DYNAMIC for its
// self-relocation but no interpreter and needs nothing.
func kindOf(h *header, d *dynamic, info *File) Kind {
	hasInterp := h.prog(elf.PT_INTERP) != nil
	pie := d.flags1&uint64(elf.DF_1_PIE) != 0
	switch {
	case h.typ == elf.ET_EXEC:
		return Executable
	case !hasInterp && pie && len(info.Needed) == 0 && len(info.Needs) == 0:
		return StaticExecutable
	case hasInterp && (pie || info.Soname == ""):
		return PIEExecutable
	}
	return SharedLibrary
}

// readSymbols reads the undefined dynamic symbols and binds each to its
// version need through DT_VERSYM. The tables are read in chunks through
// two reused buffers, so a library with a million symbols costs a few
// hundred kilobytes, not its whole .dynsym.
func (info *File) readSymbols(w *window, h *header, d *dynamic, nsyms, symOff, verOff uint64, str func(uint64, string) (string, error), byIndex map[uint16]int) error {
	if nsyms == 0 {
		return nil
	}
	sz := h.symSize()
	if err := w.check(symOff, nsyms*sz, "dynamic symbol table (DT_SYMTAB)"); err != nil {
		return err
	}
	if err := w.holeFree(symOff, nsyms*sz, "dynamic symbol table (DT_SYMTAB)"); err != nil {
		return err
	}
	if d.hasVersym {
		if err := w.check(verOff, nsyms*2, "symbol version table (DT_VERSYM)"); err != nil {
			return err
		}
	}
	n := min(nsyms, symbolChunk)
	syms, versyms := make([]byte, n*sz), make([]byte, n*2)
	for first := uint64(0); first < nsyms; first += symbolChunk {
		n := min(nsyms-first, symbolChunk)
		if _, err := w.r.ReadAt(syms[:n*sz], int64(symOff+first*sz)); err != nil && err != io.EOF {
			return fmt.Errorf("reading the dynamic symbol table: %v", err)
		}
		if d.hasVersym {
			if _, err := w.r.ReadAt(versyms[:n*2], int64(verOff+first*2)); err != nil && err != io.EOF {
				return fmt.Errorf("reading the symbol version table: %v", err)
			}
		}
		for k := uint64(0); k < n; k++ {
			if first+k == 0 {
				continue // the null symbol
			}
			if err := info.addSymbol(h, syms[k*sz:], versyms, k, d.hasVersym, str, byIndex); err != nil {
				return err
			}
		}
	}
	return nil
}

// symbolChunk is how many symbols one read takes.
const symbolChunk = 16384

func (info *File) addSymbol(h *header, s []byte, versyms []byte, k uint64, hasVersym bool, str func(uint64, string) (string, error), byIndex map[uint16]int) error {
	var name uint32
	var info8 byte
	var shndx uint16
	if h.is64() {
		name, info8, shndx = h.bo.Uint32(s), s[4], h.bo.Uint16(s[6:])
	} else {
		name, info8, shndx = h.bo.Uint32(s), s[12], h.bo.Uint16(s[14:])
	}
	if shndx != uint16(elf.SHN_UNDEF) || name == 0 {
		return nil
	}
	weak := elf.ST_BIND(info8) == elf.STB_WEAK
	sym, err := str(uint64(name), "symbol name")
	if err != nil {
		return err
	}
	idx := uint16(1)
	if hasVersym {
		idx = h.bo.Uint16(versyms[k*2:]) & 0x7fff
	}
	if idx <= 1 {
		if weak {
			info.UnboundWeak = append(info.UnboundWeak, sym)
		} else {
			info.Unbound = append(info.Unbound, sym)
		}
		return nil
	}
	n, ok := byIndex[idx]
	if !ok {
		// An index into DT_VERDEF (the file's own versions) on an
		// undefined symbol binds to nothing the loader checks.
		return nil
	}
	need := info.Needs[n]
	info.Imports = append(info.Imports, Import{Name: sym, Version: need.Version, Library: need.Library, Weak: weak})
	return nil
}

// abiOf names the glibc ABI an ELF header describes, or says why
// compatbuild does not support it.
func abiOf(ef *header) (string, error) {
	little := ef.data == elf.ELFDATA2LSB
	is64 := ef.class == elf.ELFCLASS64
	switch {
	case ef.machine == elf.EM_X86_64 && is64:
		return "x86_64", nil
	case ef.machine == elf.EM_X86_64:
		return "", errors.New("x32 ABI (EM_X86_64, ELFCLASS32) is not supported: glibc x32 has no abilist here; use x86_64 or i386")
	case ef.machine == elf.EM_386 && !is64:
		return "i386", nil
	case ef.machine == elf.EM_AARCH64 && is64 && little:
		return "aarch64", nil
	case ef.machine == elf.EM_ARM && !is64 && little:
		return "arm", nil
	case ef.machine == elf.EM_PPC64 && is64 && little:
		return "powerpc64le", nil
	case ef.machine == elf.EM_S390 && is64:
		return "s390x", nil
	case ef.machine == elf.EM_RISCV && is64:
		return "riscv64", nil
	}
	order := "little-endian"
	if !little {
		order = "big-endian"
	}
	return "", fmt.Errorf("unsupported architecture %v (%v, %s): compatbuild supports x86_64, i386, aarch64, arm, powerpc64le, s390x and riscv64", ef.machine, ef.class, order)
}
