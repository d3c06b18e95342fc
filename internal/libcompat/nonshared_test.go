package libcompat

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"slices"
	"sort"
	"testing"
)

// Where an ABI compiles libc_nonshared.a's sources as one unit and cuts it
// apart (archInfo.splitNonshared), the archive has the members a compile
// per source gives, with the same names and functions (the stat family
// stays one member, as a sanitizer's link relies on), each defined the
// same way (binding, visibility, type), referencing nothing more, with
// the same e_flags and descriptive sections: a program pulls what it
// calls and gains no other reference. Checked at each ABI's first release (stat wrappers,
// csu) with its cross compiler, and with clang for x86_64.
func TestNonsharedUnitMatchesPerSourceCompiles(t *testing.T) {
	type compiler struct {
		arch string
		cc   []string
		v    Version
	}
	var cases []compiler
	for _, abi := range append(crossABIs, struct {
		arch, triple string
		first        Version
	}{"x86_64", "x86_64-linux-gnu", Version{2, 17}}) {
		if arches[abi.arch].splitNonshared {
			cases = append(cases, compiler{abi.arch, crossCC(t, abi.triple), abi.first})
		}
	}
	needTools(t, "clang")
	cases = append(cases, compiler{"x86_64", []string{"clang"}, Version{2, 17}}, compiler{"x86_64", []string{"gcc"}, Version{2, 34}})
	if len(cases) < 5 {
		t.Fatalf("only %d ABIs split libc_nonshared.a's unit: the test no longer covers them", len(cases))
	}
	for _, c := range cases {
		t.Run(c.arch+"-"+c.cc[0]+"-"+c.v.String(), func(t *testing.T) {
			t.Parallel()
			arch := arches[c.arch]
			objs := append(nonsharedObjects(c.v), arch.nonshared...)
			split := nonsharedArchive(t, c.cc, arch, objs)
			perSource := arch
			perSource.splitNonshared = false
			whole := nonsharedArchive(t, c.cc, perSource, objs)

			wantDefined := objectSymbols(objs)
			sort.Strings(wantDefined)
			var defined []string
			for sym, m := range split {
				defined = append(defined, sym)
				w, ok := whole[sym]
				if !ok {
					t.Errorf("%s: defined by the unit, by no per-source compile", sym)
					continue
				}
				if m.name != w.name || !slices.Equal(m.defines, w.defines) {
					t.Errorf("%s: in member %s with %v from the unit, in %s with %v compiled alone", sym, m.name, m.defines, w.name, w.defines)
				}
				for _, sec := range w.described {
					if !slices.Contains(m.described, sec) {
						t.Errorf("%s: its member has no %s, which %s compiled alone has", sym, sec, sym)
					}
				}
				if m.flags != w.flags {
					t.Errorf("%s: its member's e_flags are %#x, %#x compiled alone", sym, m.flags, w.flags)
				}
				got, want := m.syms[sym], w.syms[sym]
				if elf.ST_BIND(got.Info) != elf.ST_BIND(want.Info) || elf.ST_TYPE(got.Info) != elf.ST_TYPE(want.Info) || elf.ST_VISIBILITY(got.Other) != elf.ST_VISIBILITY(want.Other) {
					t.Errorf("%s: %v %v %v in the unit's member, %v %v %v compiled alone", sym,
						elf.ST_BIND(got.Info), elf.ST_TYPE(got.Info), elf.ST_VISIBILITY(got.Other),
						elf.ST_BIND(want.Info), elf.ST_TYPE(want.Info), elf.ST_VISIBILITY(want.Other))
				}
				for _, u := range m.undefined {
					if u == "" {
						t.Errorf("%s: its member has an undefined symbol without a name", sym)
					} else if !slices.Contains(w.undefined, u) {
						t.Errorf("%s: its member references %s, which %s compiled alone does not", sym, u, sym)
					}
				}
			}
			sort.Strings(defined)
			if !slices.Equal(defined, wantDefined) {
				t.Errorf("the unit's members define %v, want %v", defined, wantDefined)
			}
		})
	}
}

// nonsharedMember is what one member of libc_nonshared.a defines and
// references.
type nonsharedMember struct {
	name               string
	defines, undefined []string
	syms               map[string]elf.Symbol
	flags              uint32   // e_flags (RISC-V's float ABI, ...)
	described          []string // sections that describe the whole object: notes, .comment, attributes
}

// nonsharedArchive builds libc_nonshared.a's members for objs with cc as
// arch says, and returns them by the global symbols they define.
func nonsharedArchive(t *testing.T, cc []string, arch archInfo, objs []object) map[string]*nonsharedMember {
	t.Helper()
	work := t.TempDir()
	srcs := &sourceDirs{work: work, done: map[string]bool{}}
	if err := srcs.extract("src/"+arch.dir, "src/common/include"); err != nil {
		t.Fatal(err)
	}
	jobs, unit, err := nonsharedJobs(srcs, objs, arch)
	if err != nil {
		t.Fatal(err)
	}
	c, err := startCompile(context.Background(), cc, srcs, arch, jobs, buildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.wait(); err != nil {
		t.Fatal(err)
	}
	members, err := nonsharedMembers(objs, jobs, unit)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*nonsharedMember{}
	for _, m := range members {
		nm := &nonsharedMember{name: m.name, syms: map[string]elf.Symbol{}, flags: binary.LittleEndian.Uint32(m.data[48:52])}
		f, err := elf.NewFile(bytes.NewReader(m.data))
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		for _, sec := range f.Sections {
			if sec.Type == elf.SHT_NOTE || sec.Name == ".comment" || sec.Name == ".note.GNU-stack" || sec.Type == shtRISCVAttributes {
				nm.described = append(nm.described, sec.Name)
			}
		}
		f.Close()
		for _, s := range elfSymbols(t, m.name, m.data) {
			switch {
			case s.Section == elf.SHN_UNDEF:
				nm.undefined = append(nm.undefined, s.Name)
			case elf.ST_BIND(s.Info) != elf.STB_LOCAL && elf.ST_TYPE(s.Info) == elf.STT_FUNC:
				nm.defines = append(nm.defines, s.Name)
				nm.syms[s.Name] = s
			}
		}
		sort.Strings(nm.defines)
		for _, d := range nm.defines {
			out[d] = nm
		}
	}
	return out
}
