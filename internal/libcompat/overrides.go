package libcompat

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// OverrideName is the archive of the override parts (catalogue/overrides.tsv),
// which the sysroot's libc.so reads after libc.so.6; it is built with
// libcompat_polyfill.a.
const OverrideName = "libcompat_override.a"

// Override is one line of catalogue/overrides.tsv: a function of the
// target's glibc that a catalogue member replaces (hidden) in the outputs
// it is linked into, because the member's newer symbols change what the
// function must do (posix_spawn must run the newer file actions).
type Override struct {
	Line     int
	Function string // the replaced function, e.g. "posix_spawn"
	Member   string // the libc.tsv polyfill member that replaces it, e.g. "spawn"
	// With is the member's symbol whose polyfill makes the replacement
	// necessary ("" for any): at targets that have it, the function is
	// left alone.
	With string
	Note string
}

// Overrides returns catalogue/overrides.tsv's lines in file order.
func Overrides() ([]Override, error) {
	c, err := catalogue()
	if err != nil {
		return nil, err
	}
	return c.overrides, nil
}

const overridesFile = "catalogue/overrides.tsv"

// parseOverrides reads overrides.tsv (absent: none) into c, whose entries
// are parsed already, and checks each line on its own and against them.
func parseOverrides(tables fs.FS, c *parsedCatalogue) []string {
	data, err := fs.ReadFile(tables, overridesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []string{err.Error()}
	}
	members := map[string][]string{} // libc.tsv polyfill member → its symbols
	for _, e := range c.entries {
		if e.Table == "libc" && e.Status == StatusPolyfill {
			members[e.Member] = append(members[e.Member], e.Symbol)
		}
	}
	var errs []string
	prev := ""
	seen := map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: %s", overridesFile, n, fmt.Sprintf(format, args...)))
		}
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || strings.TrimSpace(f[3]) == "" {
			bad("want function<TAB>member<TAB>with<TAB>note, with a note saying what the replacement does differently")
			continue
		}
		o := Override{Line: n, Function: f[0], Member: f[1], With: f[2], Note: strings.TrimSpace(f[3])}
		if o.With == "-" {
			o.With = ""
		}
		switch syms, ok := members[o.Member]; {
		case !isCIdent(o.Function):
			bad("%q is not a function name", o.Function)
		case prev != "" && o.Function < prev:
			bad("%s is out of order (after %s): keep the table sorted", o.Function, prev)
		case seen[o.Function]:
			bad("%s is listed twice", o.Function)
		case !ok:
			bad("%s: %q is not a polyfill member of catalogue/libc.tsv", o.Function, o.Member)
		case o.With != "" && !slices.Contains(syms, o.With):
			bad("%s: %s is not a symbol of member %s", o.Function, o.With, o.Member)
		}
		if _, isCat := c.bySym[o.Function]; isCat {
			bad("%s is a catalogue symbol; only functions every target has are overridden", o.Function)
		}
		prev = o.Function
		seen[o.Function] = true
		c.overrides = append(c.overrides, o)
	}
	return errs
}

// activeOverrides lists, sorted, the functions member replaces at a target
// where the member holds symbols.
func activeOverrides(overrides []Override, member string, symbols []string) []string {
	var out []string
	for _, o := range overrides {
		if o.Member == member && (o.With == "" || slices.Contains(symbols, o.With)) {
			out = append(out, o.Function)
		}
	}
	slices.Sort(out)
	return out
}

// overrideObjects returns libcompat_override.a's members for the polyfill
// members objs: one per member that replaces functions, compiled from the
// member's source with -DCOMPAT_LATE, defining the replacements and the
// symbol (__compat_override_<member>) by which the member pulls it in.
func overrideObjects(objs []object) []object {
	var out []object
	for _, o := range objs {
		if len(o.overrides) == 0 {
			continue
		}
		out = append(out, object{
			member:    o.member + "_override",
			src:       o.src,
			symbols:   o.overrides,
			overrides: o.overrides,
			late:      true,
		})
	}
	return out
}

// validateOverrides checks overrides.tsv against the ABI data: each
// replaced function is one every release from 2.17 on lets a link bind.
func validateOverrides(overrides []Override) []string {
	db, err := x86()
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for _, o := range overrides {
		for _, r := range db.Releases() {
			if r.Less(v217) {
				continue
			}
			if _, _, ok := db.LibraryOf(o.Function, r); !ok {
				bad = append(bad, fmt.Sprintf("%s:%d: %s: glibc %s does not export it; only functions every target has are overridden", overridesFile, o.Line, o.Function, r))
				break
			}
		}
	}
	return bad
}
