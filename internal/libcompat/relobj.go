package libcompat

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
)

// relObj is an ELF64 little-endian relocatable object (x86_64, aarch64,
// riscv64) as a list of sections, symbols and relocations, so libcompat
// can cut one compiled object into one archive member per function
// (splitObject) and copy members of GCC's libquadmath.a with their
// symbols hidden (hideAndRename), then write them back (bytes). Only what compilers emit
// for C is modelled: PROGBITS, NOBITS, NOTE and mergeable sections, RELA
// relocations, .eh_frame; section groups and anything else are errors.
type relObj struct {
	machine  elf.Machine
	flags    uint32        // e_flags: RISC-V's float ABI, and the like
	sections []*relSection // [0] is the null section
	symbols  []*relSym     // [0] is the null symbol
}

type relSection struct {
	name      string
	typ       elf.SectionType
	flags     elf.SectionFlag
	addralign uint64
	entsize   uint64
	data      []byte // nil for SHT_NOBITS
	size      uint64 // of SHT_NOBITS sections
	relas     []relRela
}

type relSym struct {
	name  string
	bind  elf.SymBind
	typ   elf.SymType
	other uint8 // visibility
	shndx int   // section index, or elf.SHN_UNDEF / SHN_ABS
	value uint64
	size  uint64
}

type relRela struct {
	off    uint64
	sym    *relSym
	typ    uint32
	addend int64
}

func (s *relSym) defined() bool {
	return s.shndx != int(elf.SHN_UNDEF) && s.shndx < int(elf.SHN_LORESERVE)
}

const (
	shtLLVMAddrsig     = elf.SectionType(0x6fff4c03) // SHT_LLVM_ADDRSIG
	shtRISCVAttributes = elf.SectionType(0x70000003) // SHT_RISCV_ATTRIBUTES: the ISA the object needs
)

// parseRelObj reads a relocatable object as compilers write them for C.
func parseRelObj(data []byte) (*relObj, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Type != elf.ET_REL || f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("not a 64-bit little-endian relocatable object")
	}
	// debug/elf does not keep e_flags; ELF64's is at byte 48.
	o := &relObj{machine: f.Machine, flags: binary.LittleEndian.Uint32(data[48:52])}
	secMap := make([]*relSection, len(f.Sections)) // ELF index → section kept
	var symtab *elf.Section
	o.sections = append(o.sections, nil)
	for i, s := range f.Sections {
		switch s.Type {
		case elf.SHT_NULL, elf.SHT_STRTAB, elf.SHT_RELA:
			continue
		case shtLLVMAddrsig:
			// clang's list of address-significant symbols, by symbol
			// index: a hint for identical code folding that splitting
			// would invalidate, and without it the linker folds nothing.
			continue
		case elf.SHT_SYMTAB:
			symtab = s
			continue
		case elf.SHT_PROGBITS, elf.SHT_NOBITS, elf.SHT_NOTE, elf.SHT_INIT_ARRAY, elf.SHT_FINI_ARRAY, elf.SectionType(0x70000001): // SHT_X86_64_UNWIND
		case shtRISCVAttributes:
			if f.Machine != elf.EM_RISCV {
				return nil, fmt.Errorf("section %s: type %v not supported", s.Name, s.Type)
			}
		default:
			return nil, fmt.Errorf("section %s: type %v not supported", s.Name, s.Type)
		}
		rs := &relSection{name: s.Name, typ: s.Type, flags: s.Flags, addralign: s.Addralign, entsize: s.Entsize}
		if s.Type == elf.SHT_NOBITS {
			rs.size = s.Size
		} else if rs.data, err = s.Data(); err != nil {
			return nil, fmt.Errorf("section %s: %v", s.Name, err)
		}
		secMap[i] = rs
		o.sections = append(o.sections, rs)
	}
	if symtab == nil {
		return nil, fmt.Errorf("no symbol table")
	}
	index := map[*relSection]int{}
	for i, s := range o.sections {
		index[s] = i
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	o.symbols = append(o.symbols, &relSym{})
	for _, s := range syms {
		rs := &relSym{name: s.Name, bind: elf.ST_BIND(s.Info), typ: elf.ST_TYPE(s.Info), other: s.Other, value: s.Value, size: s.Size}
		switch {
		case s.Section == elf.SHN_UNDEF || s.Section == elf.SHN_ABS:
			rs.shndx = int(s.Section)
		case s.Section == elf.SHN_COMMON:
			return nil, fmt.Errorf("common symbol %s: compile with -fno-common", s.Name)
		case int(s.Section) < len(secMap) && secMap[s.Section] != nil:
			rs.shndx = index[secMap[s.Section]]
		default:
			return nil, fmt.Errorf("symbol %s in unsupported section %d", s.Name, s.Section)
		}
		if rs.typ == elf.STT_SECTION {
			rs.name = ""
		}
		o.symbols = append(o.symbols, rs)
	}
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		if int(s.Info) >= len(secMap) || secMap[s.Info] == nil {
			return nil, fmt.Errorf("%s applies to an unsupported section", s.Name)
		}
		target := secMap[s.Info]
		raw, err := s.Data()
		if err != nil {
			return nil, err
		}
		for off := 0; off+24 <= len(raw); off += 24 {
			var r elf.Rela64
			binary.Read(bytes.NewReader(raw[off:off+24]), binary.LittleEndian, &r)
			si := int(elf.R_SYM64(r.Info))
			if si >= len(o.symbols) {
				return nil, fmt.Errorf("%s: bad symbol index %d", s.Name, si)
			}
			target.relas = append(target.relas, relRela{off: r.Off, sym: o.symbols[si], typ: elf.R_TYPE64(r.Info), addend: r.Addend})
		}
	}
	return o, nil
}

// bytes writes the object: sections in order, each followed by its
// relocations, then .symtab (locals first), .strtab and .shstrtab. Equal
// objects give equal bytes.
func (o *relObj) bytes() ([]byte, error) {
	le := binary.LittleEndian
	type outSec struct {
		hdr  elf.Section64
		data []byte
	}
	var shstr, strtab bytes.Buffer
	shstr.WriteByte(0)
	strtab.WriteByte(0)
	shNames := map[string]uint32{}
	shname := func(s string) uint32 {
		if off, ok := shNames[s]; ok {
			return off
		}
		off := uint32(shstr.Len())
		shstr.WriteString(s)
		shstr.WriteByte(0)
		shNames[s] = off
		return off
	}
	strOff := map[string]uint32{"": 0}
	str := func(s string) uint32 {
		if off, ok := strOff[s]; ok {
			return off
		}
		off := uint32(strtab.Len())
		strtab.WriteString(s)
		strtab.WriteByte(0)
		strOff[s] = off
		return off
	}

	// Output section indexes: content sections keep their order, each
	// RELA section follows its target.
	outIndex := map[*relSection]int{}
	n := 1
	for _, s := range o.sections[1:] {
		outIndex[s] = n
		n++
		if len(s.relas) > 0 {
			n++
		}
	}
	symtabIdx, strtabIdx, shstrtabIdx := n, n+1, n+2

	// Symbols: null, locals, globals.
	var order []*relSym
	for _, s := range o.symbols[1:] {
		if s.bind == elf.STB_LOCAL {
			order = append(order, s)
		}
	}
	firstGlobal := len(order) + 1
	for _, s := range o.symbols[1:] {
		if s.bind != elf.STB_LOCAL {
			order = append(order, s)
		}
	}
	symIndex := map[*relSym]int{o.symbols[0]: 0} // relocations naming no symbol
	var symtab bytes.Buffer
	binary.Write(&symtab, le, elf.Sym64{})
	for i, s := range order {
		symIndex[s] = i + 1
		shndx := uint16(s.shndx)
		if s.defined() {
			shndx = uint16(outIndex[o.sections[s.shndx]])
		}
		binary.Write(&symtab, le, elf.Sym64{Name: str(s.name), Info: elf.ST_INFO(s.bind, s.typ), Other: s.other, Shndx: shndx, Value: s.value, Size: s.size})
	}

	secs := []outSec{{}}
	for _, s := range o.sections[1:] {
		size := uint64(len(s.data))
		if s.typ == elf.SHT_NOBITS {
			size = s.size
		}
		secs = append(secs, outSec{elf.Section64{Name: shname(s.name), Type: uint32(s.typ), Flags: uint64(s.flags), Addralign: s.addralign, Entsize: s.entsize, Size: size}, s.data})
		if len(s.relas) == 0 {
			continue
		}
		var rb bytes.Buffer
		for _, r := range s.relas {
			si, ok := symIndex[r.sym]
			if !ok {
				return nil, fmt.Errorf("relocation in %s against a symbol that is not written", s.name)
			}
			binary.Write(&rb, le, elf.Rela64{Off: r.off, Info: elf.R_INFO(uint32(si), r.typ), Addend: r.addend})
		}
		secs = append(secs, outSec{elf.Section64{Name: shname(".rela" + s.name), Type: uint32(elf.SHT_RELA), Flags: uint64(elf.SHF_INFO_LINK), Link: uint32(symtabIdx), Info: uint32(outIndex[s]), Addralign: 8, Entsize: 24}, rb.Bytes()})
	}
	secs = append(secs,
		outSec{elf.Section64{Name: shname(".symtab"), Type: uint32(elf.SHT_SYMTAB), Link: uint32(strtabIdx), Info: uint32(firstGlobal), Addralign: 8, Entsize: 24}, symtab.Bytes()},
		outSec{elf.Section64{Name: shname(".strtab"), Type: uint32(elf.SHT_STRTAB), Addralign: 1}, strtab.Bytes()},
	)
	shname(".shstrtab")
	secs = append(secs, outSec{elf.Section64{Name: shNames[".shstrtab"], Type: uint32(elf.SHT_STRTAB), Addralign: 1}, shstr.Bytes()})
	if len(secs) != shstrtabIdx+1 {
		return nil, fmt.Errorf("internal error: %d sections, want %d", len(secs), shstrtabIdx+1)
	}

	var out bytes.Buffer
	out.Write(make([]byte, 64))
	for i := 1; i < len(secs); i++ {
		s := &secs[i]
		if a := s.hdr.Addralign; a > 1 {
			for uint64(out.Len())%a != 0 {
				out.WriteByte(0)
			}
		}
		s.hdr.Off = uint64(out.Len())
		if elf.SectionType(s.hdr.Type) != elf.SHT_NOBITS {
			s.hdr.Size = uint64(len(s.data))
			out.Write(s.data)
		}
	}
	for out.Len()%8 != 0 {
		out.WriteByte(0)
	}
	shoff := out.Len()
	for _, s := range secs {
		binary.Write(&out, le, s.hdr)
	}
	hdr := elf.Header64{
		Type: uint16(elf.ET_REL), Machine: uint16(o.machine), Version: uint32(elf.EV_CURRENT), Flags: o.flags,
		Shoff: uint64(shoff), Ehsize: 64, Shentsize: 64, Shnum: uint16(len(secs)), Shstrndx: uint16(shstrtabIdx),
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var h bytes.Buffer
	binary.Write(&h, le, hdr)
	b := out.Bytes()
	copy(b, h.Bytes())
	return b, nil
}

// globalDefs returns the names of the object's defined global and weak
// symbols, sorted.
func (o *relObj) globalDefs() []string {
	var out []string
	for _, s := range o.symbols[1:] {
		if s.bind != elf.STB_LOCAL && s.defined() {
			out = append(out, s.name)
		}
	}
	sort.Strings(out)
	return out
}

// undefinedRefs returns the names of the symbols the object references
// but does not define, sorted.
func (o *relObj) undefinedRefs() []string {
	var out []string
	for _, s := range o.symbols[1:] {
		if s.bind != elf.STB_LOCAL && s.shndx == int(elf.SHN_UNDEF) && s.name != "" {
			out = append(out, s.name)
		}
	}
	sort.Strings(out)
	return out
}
