// Package stubs writes stub ELF shared objects: libraries that contain no
// real code but export exactly a given set of versioned dynamic symbols, so
// that a link against them binds references only to those symbol versions
// (e.g. memcpy@GLIBC_2.2.5 rather than memcpy@@GLIBC_2.14).
//
// The output is an ET_DYN object with .hash, .gnu.hash, .dynsym, .dynstr,
// .gnu.version, .gnu.version_d, .text, .tbss (only if there are TLS symbols),
// .dynamic, .bss and .shstrtab sections, three PT_LOAD segments (R, RX, RW),
// PT_DYNAMIC, PT_TLS (if needed) and PT_GNU_STACK. Functions point into a
// zero-filled .text, data objects get distinct, suitably aligned addresses
// of their size in .bss, and TLS symbols offsets of their size in .tbss;
// each address belongs to one object, whatever number of names it has.
//
// Output is a pure function of the input: the same Arch and Library always
// produce the same bytes. Dynamic symbols are ordered as .gnu.hash requires
// (stably by hash bucket); everything else follows input order.
//
// Symbols with the same Alias are one object, as glibc's environ, _environ
// and __environ are: they share one address. A linker that copies such an
// object into an executable (a copy relocation) finds the other names by
// that address (GNU ld and gold pair a weak name with the strong one at the
// same address; lld and mold take every name there) and defines them all
// at the copy, so the library's own references reach the copy too.
package stubs

import (
	"fmt"
	"io"
	"strings"
)

// Kind is the type of a symbol.
type Kind uint8

const (
	Func   Kind = iota // STT_FUNC, placed in .text
	Object             // STT_OBJECT, placed in .bss with Size bytes
	TLS                // STT_TLS, placed in .tbss with Size bytes
)

func (k Kind) String() string {
	switch k {
	case Func:
		return "func"
	case Object:
		return "object"
	case TLS:
		return "tls"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Symbol is one exported dynamic symbol definition.
type Symbol struct {
	Name string
	// Version is the name of the version node the symbol belongs to; it must
	// be one of Library.Versions. An empty Version exports an unversioned
	// symbol (version index 1, "global"); Default is then ignored.
	Version string
	// Default exports name@@Version (the version new links bind to);
	// otherwise the symbol is name@Version, hidden: usable by existing
	// binaries but not by new links.
	Default bool
	Kind    Kind
	// Size is st_size. It matters for objects (copy relocations take their
	// size from it) and TLS; for functions it is informational. Space of
	// this size is reserved for every symbol.
	Size uint64
	// Weak makes the symbol STB_WEAK instead of STB_GLOBAL.
	Weak bool
	// Alias names the object the symbol is one name of: symbols with the
	// same non-empty Alias share one address (and one reserved space, as
	// large as the largest of them). They must be of one Kind. Empty: the
	// symbol is an object of its own.
	Alias string
}

// Version is a version node defined by the library (a verdef entry).
type Version struct {
	Name string
	// Parents are the names of the nodes this one inherits from (extra
	// verdaux entries, "Parent 1: ..." in readelf). Purely informational for
	// linkers; glibc chains each GLIBC_x node to the previous one.
	Parents []string
}

// Versions returns version nodes with the given names and no parents.
func Versions(names ...string) []Version {
	vs := make([]Version, len(names))
	for i, n := range names {
		vs[i] = Version{Name: n}
	}
	return vs
}

// ChainedVersions returns version nodes with the given names where each node
// has the previous one as its parent, as glibc's own libraries do.
func ChainedVersions(names ...string) []Version {
	vs := Versions(names...)
	for i := 1; i < len(vs); i++ {
		vs[i].Parents = []string{names[i-1]}
	}
	return vs
}

// Library describes a stub shared object.
type Library struct {
	Soname string // DT_SONAME and the name of the BASE version definition, e.g. "libc.so.6"
	// Versions are the version nodes to define, in order: Versions[i] gets
	// version index i+2. Nodes without symbols are allowed (and needed: a
	// binary requiring such a node must find it defined).
	Versions []Version
	Symbols  []Symbol // in any order; the same Name may appear with several Versions
	Needed   []string // DT_NEEDED entries, in order
}

// Build returns the stub shared object for lib on arch.
func Build(arch Arch, lib Library) ([]byte, error) {
	if err := arch.validate(); err != nil {
		return nil, err
	}
	if err := lib.validate(); err != nil {
		return nil, err
	}
	b, err := build(arch, &lib)
	if err != nil {
		return nil, fmt.Errorf("stubs: %s for %s: %w", lib.Soname, arch.Name, err)
	}
	return b, nil
}

// Write writes the stub shared object for lib on arch to w.
func Write(w io.Writer, arch Arch, lib Library) error {
	b, err := Build(arch, lib)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// maxSymSize bounds the size of one symbol, so that sums cannot overflow.
const maxSymSize = 1 << 40

func (lib *Library) validate() error {
	if lib.Soname == "" {
		return fmt.Errorf("stubs: library has an empty soname")
	}
	ctx := "stubs: " + lib.Soname
	if err := checkString(lib.Soname); err != nil {
		return fmt.Errorf("%s: soname: %w", ctx, err)
	}
	for i, n := range lib.Needed {
		if err := checkString(n); err != nil {
			return fmt.Errorf("%s: Needed[%d]: %w", ctx, i, err)
		}
	}
	if len(lib.Versions) > 0x7fff-2 {
		return fmt.Errorf("%s: too many versions (%d)", ctx, len(lib.Versions))
	}
	defined := make(map[string]bool, len(lib.Versions))
	for i, v := range lib.Versions {
		if err := checkString(v.Name); err != nil {
			return fmt.Errorf("%s: Versions[%d]: %w", ctx, i, err)
		}
		if defined[v.Name] {
			return fmt.Errorf("%s: version %q defined twice", ctx, v.Name)
		}
		defined[v.Name] = true
	}
	for _, v := range lib.Versions {
		for _, p := range v.Parents {
			if !defined[p] {
				return fmt.Errorf("%s: version %q has parent %q, which is not in Versions", ctx, v.Name, p)
			}
		}
	}
	type key struct{ name, version string }
	seen := make(map[key]bool, len(lib.Symbols))
	aliasKind := map[string]Kind{}
	defaults := make(map[string]string, len(lib.Symbols))
	for i, s := range lib.Symbols {
		if err := checkString(s.Name); err != nil {
			return fmt.Errorf("%s: Symbols[%d]: %w", ctx, i, err)
		}
		id := symName{s.Name, s.Version}
		if s.Version != "" && !defined[s.Version] {
			return fmt.Errorf("%s: symbol %s: version %q is not in Versions", ctx, id, s.Version)
		}
		if s.Kind > TLS {
			return fmt.Errorf("%s: symbol %s: invalid kind %v", ctx, id, s.Kind)
		}
		if s.Size > maxSymSize {
			return fmt.Errorf("%s: symbol %s: size %d too large", ctx, id, s.Size)
		}
		if s.Alias != "" {
			if k, ok := aliasKind[s.Alias]; ok && k != s.Kind {
				return fmt.Errorf("%s: symbol %s: alias %q joins a %v and a %v", ctx, id, s.Alias, k, s.Kind)
			}
			aliasKind[s.Alias] = s.Kind
		}
		k := key{s.Name, s.Version}
		if seen[k] {
			return fmt.Errorf("%s: symbol %s defined twice", ctx, id)
		}
		seen[k] = true
		if s.Default || s.Version == "" {
			if prev, ok := defaults[s.Name]; ok {
				return fmt.Errorf("%s: symbol %s has two default versions (%q and %q)", ctx, s.Name, prev, s.Version)
			}
			defaults[s.Name] = s.Version
		}
	}
	return nil
}

// symName formats as name@version only when printed, to keep validation
// allocation-free.
type symName struct{ name, version string }

func (n symName) String() string {
	if n.version == "" {
		return n.name
	}
	return n.name + "@" + n.version
}

func checkString(s string) error {
	if s == "" {
		return fmt.Errorf("empty name")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("name %q contains a NUL byte", s)
	}
	return nil
}
