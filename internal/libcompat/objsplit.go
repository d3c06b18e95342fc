package libcompat

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// splitMember is one archive member cut out of a bigger object.
type splitMember struct {
	symbols []string // the global symbols it defines, sorted
	data    []byte
}

// splitObject cuts an object compiled with -ffunction-sections
// -fdata-sections into one object per defined global symbol (symbols
// sharing a section share an object), so one compiler run yields the
// one-function-per-member archive a linker needs: a program pulls only the
// functions it calls, and a user's own definition of some other function
// of the same source never collides with ours.
//
// Each object holds its symbol's section and every section reachable from
// it through relocations against local symbols (static helpers, constant
// pools, cold parts), copied into each object that needs them; references
// to the other global symbols become undefined references of default
// visibility, which the member defining them or the target's libm
// satisfies. The .eh_frame entries of the kept code are kept, so unwinding
// and backtraces work as in the whole object; the .note sections are
// copied to every object.
func splitObject(o *relObj) ([]splitMember, error) {
	byName := map[string]*relSection{}
	for _, s := range o.sections[1:] {
		if s.typ == elf.SHT_GROUP {
			return nil, fmt.Errorf("section group %s not supported", s.name)
		}
		byName[s.name] = s
	}
	ehFrame := byName[".eh_frame"]

	// Roots grouped by section.
	rootsBySec := map[int][]*relSym{}
	var secOrder []int
	for _, s := range o.symbols[1:] {
		if s.bind == elf.STB_LOCAL || !s.defined() {
			continue
		}
		if _, ok := rootsBySec[s.shndx]; !ok {
			secOrder = append(secOrder, s.shndx)
		}
		rootsBySec[s.shndx] = append(rootsBySec[s.shndx], s)
	}
	var out []splitMember
	writableIn := map[int]string{} // a writable local section → the first member holding it
	for _, si := range secOrder {
		m, kept, err := o.extract(si, rootsBySec[si], ehFrame)
		if err != nil {
			return nil, err
		}
		// A copy of constant data in each member is the same data; a
		// copy of a static variable is another variable. Where two
		// functions share one, it must be a (hidden) global of its own.
		for k := range kept {
			sec := o.sections[k]
			if sec.flags&elf.SHF_WRITE == 0 || strings.HasPrefix(sec.name, ".data.rel.ro") || (o.machine == elf.EM_PPC64 && sec.name == ".toc") {
				continue // constants (relro data and powerpc64's table of addresses are written once, by the loader)
			}
			if first, dup := writableIn[k]; dup {
				return nil, fmt.Errorf("%s and %s share the static variables of %s: give them a hidden global instead", first, m.symbols[0], sec.name)
			}
			writableIn[k] = m.symbols[0]
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].symbols[0] < out[j].symbols[0] })
	return out, nil
}

// extract builds the object of the roots defined in section root.
// kept holds the indexes of o's sections it copies.
func (o *relObj) extract(root int, roots []*relSym, ehFrame *relSection) (m splitMember, kept map[int]bool, err error) {
	isRoot := map[*relSym]bool{}
	var names []string
	for _, r := range roots {
		isRoot[r] = true
		names = append(names, r.name)
	}
	sort.Strings(names)

	// Sections reachable from the root through local symbols.
	keep := map[int]bool{root: true}
	work := []int{root}
	for len(work) > 0 {
		si := work[len(work)-1]
		work = work[:len(work)-1]
		for _, r := range o.sections[si].relas {
			if r.sym.bind == elf.STB_LOCAL && r.sym.defined() && !keep[r.sym.shndx] {
				keep[r.sym.shndx] = true
				work = append(work, r.sym.shndx)
			}
		}
	}

	n := &relObj{machine: o.machine, flags: o.flags, sections: []*relSection{nil}, symbols: []*relSym{{}}}
	newIndex := map[int]int{}
	for i, s := range o.sections[1:] {
		i++
		switch {
		case keep[i]:
		case s.typ == elf.SHT_NOTE, s.name == ".note.GNU-stack", s.typ == shtRISCVAttributes, s.name == ".comment" && len(s.relas) == 0:
			// notes (GNU-stack, gnu.property), RISC-V's ISA attributes
			// and the compiler's name (.comment) describe every
			// function
		default:
			continue
		}
		c := *s
		c.relas = nil
		newIndex[i] = len(n.sections)
		n.sections = append(n.sections, &c)
	}

	// Symbols: the kept sections' locals, the roots, and whatever the kept
	// relocations reference (other roots become undefined references).
	// The null symbol stays the null symbol: relocations that name no
	// symbol (RISC-V's R_RISCV_RELAX) point at it.
	newSym := map[*relSym]*relSym{o.symbols[0]: n.symbols[0]}
	mapSym := func(s *relSym) *relSym {
		if c, ok := newSym[s]; ok {
			return c
		}
		c := *s
		switch {
		case s.defined() && (s.bind == elf.STB_LOCAL || isRoot[s]):
			ni, ok := newIndex[s.shndx]
			if !ok {
				return nil
			}
			c.shndx = ni
		case s.defined():
			c = relSym{name: s.name, bind: elf.STB_GLOBAL, typ: elf.STT_NOTYPE, shndx: int(elf.SHN_UNDEF)}
		}
		cp := &c
		newSym[s] = cp
		n.symbols = append(n.symbols, cp)
		return cp
	}
	for _, s := range o.symbols[1:] {
		if s.defined() && keep[s.shndx] && (s.bind == elf.STB_LOCAL || isRoot[s]) {
			mapSym(s)
		}
	}
	for i, s := range o.sections[1:] {
		i++
		if !keep[i] {
			continue
		}
		dst := n.sections[newIndex[i]]
		for _, r := range s.relas {
			ns := mapSym(r.sym)
			if ns == nil {
				return splitMember{}, nil, fmt.Errorf("%s: relocation against %q in a section not kept", s.name, r.sym.name)
			}
			dst.relas = append(dst.relas, relRela{off: r.off, sym: ns, typ: r.typ, addend: r.addend})
		}
	}
	if ehFrame != nil {
		eh, err := o.filterEhFrame(ehFrame, keep, mapSym)
		if err != nil {
			return splitMember{}, nil, err
		}
		if eh != nil {
			n.sections = append(n.sections, eh)
		}
	}
	data, err := n.bytes()
	if err != nil {
		return splitMember{}, nil, fmt.Errorf("member %s: %v", names[0], err)
	}
	return splitMember{symbols: names, data: data}, keep, nil
}

// filterEhFrame returns the .eh_frame records describing the kept
// sections: the FDEs whose initial location is in one, and the CIEs they
// use, with their relocations; nil when there are none.
func (o *relObj) filterEhFrame(eh *relSection, keep map[int]bool, mapSym func(*relSym) *relSym) (*relSection, error) {
	le := binary.LittleEndian
	relAt := map[uint64]relRela{}
	for _, r := range eh.relas {
		relAt[r.off] = r
	}
	type record struct {
		start, end uint64
		cie        uint64 // for FDEs: offset of their CIE
		isCIE      bool
	}
	var recs []record
	for off := uint64(0); off+4 <= uint64(len(eh.data)); {
		length := uint64(le.Uint32(eh.data[off:]))
		if length == 0 {
			break
		}
		if length == 0xffffffff {
			return nil, fmt.Errorf(".eh_frame: 64-bit records not supported")
		}
		end := off + 4 + length
		if end > uint64(len(eh.data)) || length < 4 {
			return nil, fmt.Errorf(".eh_frame: record at %d overruns the section", off)
		}
		id := uint64(le.Uint32(eh.data[off+4:]))
		r := record{start: off, end: end, isCIE: id == 0}
		if !r.isCIE {
			r.cie = off + 4 - id
		}
		recs = append(recs, r)
		off = end
	}
	// FDEs to keep, and their CIEs.
	wantCIE := map[uint64]bool{}
	keepFDE := map[uint64]bool{}
	for _, r := range recs {
		if r.isCIE {
			continue
		}
		pc, ok := relAt[r.start+8]
		if !ok {
			return nil, fmt.Errorf(".eh_frame: FDE at %d has no relocation for its initial location", r.start)
		}
		if pc.sym.defined() && keep[pc.sym.shndx] {
			keepFDE[r.start] = true
			wantCIE[r.cie] = true
		}
	}
	if len(keepFDE) == 0 {
		return nil, nil
	}
	out := &relSection{name: eh.name, typ: eh.typ, flags: eh.flags, addralign: eh.addralign, entsize: eh.entsize}
	newCIE := map[uint64]uint64{}
	for _, r := range recs {
		if !(r.isCIE && wantCIE[r.start]) && !keepFDE[r.start] {
			continue
		}
		at := uint64(len(out.data))
		out.data = append(out.data, eh.data[r.start:r.end]...)
		if r.isCIE {
			newCIE[r.start] = at
		} else {
			cie, ok := newCIE[r.cie]
			if !ok {
				return nil, fmt.Errorf(".eh_frame: FDE at %d precedes its CIE", r.start)
			}
			le.PutUint32(out.data[at+4:], uint32(at+4-cie))
		}
		for _, rel := range eh.relas {
			if rel.off < r.start || rel.off >= r.end {
				continue
			}
			ns := mapSym(rel.sym)
			if ns == nil {
				return nil, fmt.Errorf(".eh_frame: relocation against %q in a section not kept", rel.sym.name)
			}
			out.relas = append(out.relas, relRela{off: rel.off - r.start + at, sym: ns, typ: rel.typ, addend: rel.addend})
		}
	}
	return out, nil
}
