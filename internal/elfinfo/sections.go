package elfinfo

import (
	"debug/elf"
	"fmt"
)

// section is the part of a section header the cross-check compares.
type section struct {
	typ    elf.SectionType
	addr   uint64
	off    uint64
	size   uint64
	info   uint32
	entsz  uint64
	number int
}

// maxSections bounds the section count (e_shnum, or section 0's sh_size
// under extended numbering) before the file's size does.
const maxSections = 1 << 20

// sections reads the section header table, if the file has one. A file
// without one (llvm-objcopy --strip-sections, sstrip) is judged by its
// program headers alone, as the loader judges it; a table that cannot be
// read is an error.
func readSections(w *window, h *header) ([]section, error) {
	if h.shoff == 0 {
		return nil, nil
	}
	if h.shent != h.shdrSize() {
		return nil, fmt.Errorf("section header size %d, want %d", h.shent, h.shdrSize())
	}
	n := h.shnum
	if n == 0 {
		// Extended numbering: the count is section 0's sh_size.
		b, err := w.bytes(h.shoff, h.shent, "section header 0")
		if err != nil {
			return nil, fmt.Errorf("section headers cannot be read: %v", err)
		}
		n = h.word(b[pick(h.is64(), 32, 20):])
	}
	if n > maxSections {
		return nil, fmt.Errorf("section header table claims %d sections", n)
	}
	b, err := w.bytes(h.shoff, n*h.shent, "section header table")
	if err != nil {
		return nil, fmt.Errorf("section headers cannot be read: %v", err)
	}
	var out []section
	for i := uint64(0); i < n; i++ {
		s := b[i*h.shent:]
		sec := section{typ: elf.SectionType(h.bo.Uint32(s[4:])), number: int(i)}
		switch sec.typ {
		case elf.SHT_DYNAMIC, elf.SHT_DYNSYM, elf.SHT_GNU_VERNEED, elf.SHT_GNU_VERSYM:
		default:
			continue
		}
		if h.is64() {
			sec.addr, sec.off, sec.size = h.bo.Uint64(s[16:]), h.bo.Uint64(s[24:]), h.bo.Uint64(s[32:])
			sec.info, sec.entsz = h.bo.Uint32(s[44:]), h.bo.Uint64(s[56:])
		} else {
			sec.addr, sec.off, sec.size = uint64(h.bo.Uint32(s[12:])), uint64(h.bo.Uint32(s[16:])), uint64(h.bo.Uint32(s[20:]))
			sec.info, sec.entsz = h.bo.Uint32(s[28:]), uint64(h.bo.Uint32(s[36:]))
		}
		out = append(out, sec)
	}
	return out, nil
}

// disagreement is a section header that describes the dynamic-linking
// data differently from the program headers. Tools (readelf, objdump,
// debug/elf, auditwheel) read the sections; the loader reads the program
// headers. When they differ, a report from either view could be wrong, so
// the file is malformed.
func disagreement(what string, format string, args ...any) error {
	return fmt.Errorf("section headers and program headers disagree about %s: %s; the file was altered after linking (the loader reads the program headers)", what, fmt.Sprintf(format, args...))
}

// crossCheck compares the sections that tools read with what the loader
// reads through PT_DYNAMIC.
func crossCheck(secs []section, h *header, dynProg *prog, d *dynamic, nsyms, nverneed uint64) error {
	if secs == nil {
		return nil
	}
	byType := map[elf.SectionType]*section{}
	for i := range secs {
		s := &secs[i]
		if prev := byType[s.typ]; prev != nil {
			return disagreement(s.typ.String(), "sections %d and %d both have this type", prev.number, s.number)
		}
		byType[s.typ] = s
	}
	if dynProg == nil || d == nil {
		if s := byType[elf.SHT_DYNAMIC]; s != nil {
			return disagreement("the dynamic section", "section %d is SHT_DYNAMIC but there is no PT_DYNAMIC", s.number)
		}
		return nil
	}
	if s := byType[elf.SHT_DYNAMIC]; s == nil {
		return disagreement("the dynamic section", "PT_DYNAMIC at offset %d has no SHT_DYNAMIC section", dynProg.off)
	} else if s.off != dynProg.off {
		return disagreement("the dynamic section", "SHT_DYNAMIC is at offset %d, PT_DYNAMIC at %d", s.off, dynProg.off)
	}
	// Each table that PT_DYNAMIC names must be the section of its type,
	// at the same address and file offset.
	tables := []struct {
		typ  elf.SectionType
		tag  string
		has  bool
		addr uint64
	}{
		{elf.SHT_GNU_VERNEED, "DT_VERNEED (.gnu.version_r)", d.hasVerneed, d.verneed},
		{elf.SHT_GNU_VERSYM, "DT_VERSYM (.gnu.version)", d.hasVersym, d.versym},
		{elf.SHT_DYNSYM, "DT_SYMTAB (.dynsym)", d.hasSymtab, d.symtab},
	}
	for _, t := range tables {
		s := byType[t.typ]
		switch {
		case s == nil && !t.has:
			continue
		case s == nil:
			return disagreement(t.tag, "PT_DYNAMIC names it at %#x but no section has type %v", t.addr, t.typ)
		case !t.has:
			return disagreement(t.tag, "section %d (%v) exists but PT_DYNAMIC does not name it", s.number, t.typ)
		case s.addr != t.addr:
			return disagreement(t.tag, "section %d is at address %#x, PT_DYNAMIC says %#x", s.number, s.addr, t.addr)
		}
		off, _, err := h.offset(t.addr, t.tag)
		if err != nil {
			return err
		}
		if s.off != off {
			return disagreement(t.tag, "section %d is at file offset %d, the loaded segment puts it at %d", s.number, s.off, off)
		}
	}
	if s := byType[elf.SHT_GNU_VERNEED]; s != nil && uint64(s.info) != nverneed {
		return disagreement("DT_VERNEED (.gnu.version_r)", "section %d says %d records, the loader's chain holds %d", s.number, s.info, nverneed)
	}
	if s := byType[elf.SHT_DYNSYM]; s != nil && nsyms > 0 {
		if s.entsz != h.symSize() {
			return disagreement("DT_SYMTAB (.dynsym)", "section %d has entry size %d, want %d", s.number, s.entsz, h.symSize())
		}
		if s.size/h.symSize() != nsyms {
			return disagreement("DT_SYMTAB (.dynsym)", "section %d holds %d symbols, the hash table %d", s.number, s.size/h.symSize(), nsyms)
		}
	}
	if s := byType[elf.SHT_GNU_VERSYM]; s != nil && nsyms > 0 && s.size != nsyms*2 {
		return disagreement("DT_VERSYM (.gnu.version)", "section %d holds %d entries, the hash table says %d symbols", s.number, s.size/2, nsyms)
	}
	return nil
}

// sectionAt returns the section of a type at an address, if any.
func sectionAt(secs []section, t elf.SectionType, addr uint64) *section {
	for i := range secs {
		if secs[i].typ == t && secs[i].addr == addr {
			return &secs[i]
		}
	}
	return nil
}
