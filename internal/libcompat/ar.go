package libcompat

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
)

// arMember is one object file of an archive.
type arMember struct {
	name string // e.g. "atexit.o"
	data []byte
}

// writeArchive returns a System V/GNU ar archive of members, with the
// symbol index ("/" member) that linkers require and a long-name table
// ("//") when a name does not fit in 15 characters. Timestamps, owners and
// modes are fixed, so equal input gives equal bytes.
func writeArchive(members []arMember) ([]byte, error) {
	// Symbols defined by each member, for the index.
	type entry struct {
		member int
		name   string
	}
	var syms []entry
	for i, m := range members {
		names, err := definedSymbols(m.data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.name, err)
		}
		for _, n := range names {
			syms = append(syms, entry{i, n})
		}
	}

	// Long-name table.
	var longNames bytes.Buffer
	headerNames := make([]string, len(members))
	for i, m := range members {
		if len(m.name) <= 15 {
			headerNames[i] = m.name + "/"
			continue
		}
		headerNames[i] = fmt.Sprintf("/%d", longNames.Len())
		longNames.WriteString(m.name + "/\n")
	}

	pad := func(n int) int { return n + n%2 }

	symtabSize := 4 + 4*len(syms)
	for _, s := range syms {
		symtabSize += len(s.name) + 1
	}
	off := 8 // "!<arch>\n"
	if len(members) > 0 {
		off += 60 + pad(symtabSize)
	}
	if longNames.Len() > 0 {
		off += 60 + pad(longNames.Len())
	}
	offsets := make([]int, len(members))
	for i, m := range members {
		offsets[i] = off
		off += 60 + pad(len(m.data))
	}
	if off > 1<<32-1 {
		return nil, fmt.Errorf("archive too large")
	}

	var out bytes.Buffer
	out.WriteString("!<arch>\n")
	writeMember := func(name string, data []byte) {
		fmt.Fprintf(&out, "%-16s%-12d%-6d%-6d%-8o%-10d`\n", name, 0, 0, 0, 0o644, len(data))
		out.Write(data)
		if len(data)%2 == 1 {
			out.WriteByte('\n')
		}
	}
	if len(members) > 0 {
		var st bytes.Buffer
		binary.Write(&st, binary.BigEndian, uint32(len(syms)))
		for _, s := range syms {
			binary.Write(&st, binary.BigEndian, uint32(offsets[s.member]))
		}
		for _, s := range syms {
			st.WriteString(s.name)
			st.WriteByte(0)
		}
		writeMember("/", st.Bytes())
	}
	if longNames.Len() > 0 {
		writeMember("//", longNames.Bytes())
	}
	for i, m := range members {
		writeMember(headerNames[i], m.data)
	}
	return out.Bytes(), nil
}

// definedSymbols lists the global and weak symbols an ELF object defines
// (what ranlib puts into the index), sorted.
func definedSymbols(obj []byte) ([]string, error) {
	f, err := elf.NewFile(bytes.NewReader(obj))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil && err != elf.ErrNoSymbols {
		return nil, err
	}
	var names []string
	for _, s := range syms {
		b := elf.ST_BIND(s.Info)
		if b != elf.STB_GLOBAL && b != elf.STB_WEAK && b != elf.SymBind(10) /* STB_GNU_UNIQUE */ {
			continue
		}
		if s.Section == elf.SHN_UNDEF || s.Name == "" {
			continue
		}
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return names, nil
}
