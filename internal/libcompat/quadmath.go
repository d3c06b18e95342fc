package libcompat

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The _Float128 polyfills (src/common/polyfill/math/float128.c and the
// long double functions computed in _Float128) call GCC's libquadmath
// (sinq, expq, powq, ...), which comes from the same glibc sources as
// glibc's own _Float128 functions. Its static archive is linked into
// libcompat_m.a rather than its shared library: libquadmath.so.0 is not on
// old or minimal systems (manylinux does not allow it) and itself needs a
// newer glibc than 2.17. The members the polyfills reach are copied with
// every global symbol made hidden, so a shared library linking them
// exports none of them; lgammaq's reference to glibc's signgam (through a
// PC-relative relocation a shared object cannot have) is renamed to a
// private variable, since lgammaf128 sets signgam itself.

// quadmathPrefix names the copied members in libcompat_m.a, apart from
// libcompat's own.
const quadmathPrefix = "quadmath_"

// quadmathRenames are the undefined references rewritten in the copies.
var quadmathRenames = map[string]string{"signgam": "__compat_quadmath_signgam"}

// findQuadmath asks the compiler where its libquadmath.a is; "" when it
// has none.
func findQuadmath(ctx context.Context, cc []string) string {
	args := append(append([]string{}, cc[1:]...), "-print-file-name=libquadmath.a")
	out, err := exec.CommandContext(ctx, cc[0], args...).Output()
	if err != nil {
		return ""
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		return ""
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// quadmathMembers returns the members of the libquadmath archive data that
// the objects referencing need (transitively), rewritten: globals hidden,
// quadmathRenames applied, names prefixed. want lists the undefined
// symbols of libcompat's objects; those libquadmath does not define are
// ignored.
func quadmathMembers(data []byte, want []string) ([]arMember, error) {
	members, err := parseArchive(data)
	if err != nil {
		return nil, err
	}
	type obj struct {
		name string
		o    *relObj
	}
	var objs []obj
	definer := map[string]int{}
	for _, m := range members {
		o, err := parseRelObj(m.data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.name, err)
		}
		if o.machine != elf.EM_X86_64 {
			return nil, fmt.Errorf("%s: %v object, want x86_64", m.name, o.machine)
		}
		for _, s := range o.globalDefs() {
			if _, dup := definer[s]; !dup {
				definer[s] = len(objs)
			}
		}
		objs = append(objs, obj{m.name, o})
	}
	need := map[int]bool{}
	work := append([]string{}, want...)
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		i, ok := definer[s]
		if !ok || need[i] {
			continue
		}
		need[i] = true
		work = append(work, objs[i].o.undefinedRefs()...)
	}
	var out []arMember
	for i, ob := range objs {
		if !need[i] {
			continue
		}
		for _, s := range ob.o.symbols[1:] {
			if s.bind != elf.STB_LOCAL && s.defined() {
				s.other = s.other&^3 | uint8(elf.STV_HIDDEN)
			}
			if to, ok := quadmathRenames[s.name]; ok && !s.defined() {
				s.name = to
			}
		}
		data, err := ob.o.bytes()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", ob.name, err)
		}
		out = append(out, arMember{name: quadmathPrefix + ob.name, data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// parseArchive returns the object members of a System V/GNU ar archive.
func parseArchive(data []byte) ([]arMember, error) {
	if !bytes.HasPrefix(data, []byte("!<arch>\n")) {
		return nil, fmt.Errorf("not an ar archive")
	}
	var out []arMember
	var longNames []byte
	for off := 8; off+60 <= len(data); {
		h := data[off : off+60]
		name := strings.TrimRight(string(h[:16]), " ")
		size, err := strconv.Atoi(strings.TrimSpace(string(h[48:58])))
		if err != nil || size < 0 || off+60+size > len(data) {
			return nil, fmt.Errorf("bad member header at %d", off)
		}
		body := data[off+60 : off+60+size]
		off += 60 + size + size%2
		switch {
		case name == "/" || name == "/SYM64/":
			continue
		case name == "//":
			longNames = body
			continue
		case strings.HasPrefix(name, "/"):
			at, err := strconv.Atoi(name[1:])
			if err != nil || at >= len(longNames) {
				return nil, fmt.Errorf("bad long name %q", name)
			}
			end := bytes.IndexByte(longNames[at:], '\n')
			if end < 0 {
				return nil, fmt.Errorf("bad long name %q", name)
			}
			name = strings.TrimSuffix(string(longNames[at:at+end]), "/")
		default:
			name = strings.TrimSuffix(name, "/")
		}
		out = append(out, arMember{name: name, data: body})
	}
	return out, nil
}
