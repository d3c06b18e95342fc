package cargo

import (
	"fmt"
	"strings"
)

// A static C runtime (rustc's +crt-static target feature) links glibc
// statically: that is not an old-glibc build, and rustc then asks the
// linker for -static-pie, which compatbuild refuses only after every crate
// has compiled, in words the user never wrote. So the flag is found
// before cargo starts, wherever cargo would take it from, and named.

// crtStatic returns the rustc flag in flags that leaves +crt-static in
// force (-C target-feature=+crt-static in any of rustc's spellings; a later
// -crt-static cancels it), or "" if none does.
func crtStatic(flags []string) string {
	on := ""
	for i := 0; i < len(flags); i++ {
		f := flags[i]
		var value, shown string
		switch {
		case f == "-C" || f == "--codegen":
			if i+1 >= len(flags) {
				continue
			}
			value, shown = flags[i+1], f+" "+flags[i+1]
			i++
		case strings.HasPrefix(f, "-C"):
			value, shown = strings.TrimPrefix(f, "-C"), f
		case strings.HasPrefix(f, "--codegen="):
			value, shown = strings.TrimPrefix(f, "--codegen="), f
		default:
			continue
		}
		feats, ok := strings.CutPrefix(value, "target-feature=")
		if !ok {
			continue
		}
		for _, feat := range strings.Split(feats, ",") {
			switch strings.TrimSpace(feat) {
			case "+crt-static":
				on = shown
			case "-crt-static":
				on = ""
			}
		}
	}
	return on
}

// checkCrtStatic refuses a build whose target rustflags (from the source
// cargo takes them from: CARGO_ENCODED_RUSTFLAGS, else RUSTFLAGS, else
// the target's config rustflags, else build.rustflags) or 'cargo rustc --'
// arguments turn on +crt-static.
func checkCrtStatic(c *cargoConfig, lookup func(string) (string, bool), tail []string, glibc string) error {
	refuse := func(flag, where string) error {
		return fmt.Errorf("%s sets %q: a static C runtime (+crt-static) copies the build machine's glibc into the program, which is no build for glibc %s; drop it (compatbuild links glibc dynamically, for %s and later), or build a static program for the musl target (x86_64-unknown-linux-musl) without compatbuild", where, flag, glibc, glibc)
	}
	if len(tail) > 1 {
		if f := crtStatic(tail[1:]); f != "" {
			return refuse(f, "the rustc arguments after --")
		}
	}
	if v, ok := lookup("CARGO_ENCODED_RUSTFLAGS"); ok {
		if f := crtStatic(strings.Split(v, "\x1f")); f != "" {
			return refuse(f, "CARGO_ENCODED_RUSTFLAGS")
		}
		return nil
	}
	if v, ok := lookup("RUSTFLAGS"); ok {
		if f := crtStatic(strings.Fields(v)); f != "" {
			return refuse(f, "RUSTFLAGS")
		}
		return nil
	}
	target := c.flagsFor("target")
	if len(target) == 0 {
		target = c.flagsFor("build")
	}
	for _, d := range target {
		if f := crtStatic(d.flags); f != "" {
			return refuse(f, d.from)
		}
	}
	return nil
}

// rustflagsDef is one definition of rustflags cargo would apply to the
// target: where it is and its flags.
type rustflagsDef struct {
	kind  string // "target" (target.<triple> or a matching cfg) or "build"
	from  string // "CARGO_BUILD_RUSTFLAGS", "/p/.cargo/config.toml: [build] rustflags", ...
	flags []string
}

// flagsFor returns the definitions of one kind.
func (c *cargoConfig) flagsFor(kind string) []rustflagsDef {
	var out []rustflagsDef
	for _, d := range c.rustflags {
		if d.kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// rustflagsOf turns a config value (a string of blank-separated flags or
// an array) into flags.
func rustflagsOf(e tomlEntry) []string {
	if e.Kind == 's' {
		return strings.Fields(e.Str)
	}
	return e.List
}

// cfgMatches evaluates a target.'cfg(...)' key for the target compatbuild
// builds for (x86_64-unknown-linux-gnu): unix, target_os = "linux",
// target_env = "gnu", all(), any(), not()... A predicate it does not know
// is false, as is a malformed expression.
func cfgMatches(key string) bool {
	inner, ok := strings.CutPrefix(key, "cfg(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return false
	}
	p := &cfgParser{s: strings.TrimSuffix(inner, ")")}
	v := p.expr()
	p.space()
	return v && p.ok && p.i == len(p.s)
}

// targetCfg are the cfg values of buildenv.RustTarget.
var targetCfg = map[string]string{
	"target_os": "linux", "target_family": "unix", "target_env": "gnu", "target_arch": "x86_64",
	"target_pointer_width": "64", "target_vendor": "unknown", "target_endian": "little",
}

type cfgParser struct {
	s  string
	i  int
	ok bool
}

func (p *cfgParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *cfgParser) ident() string {
	p.space()
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '_' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] >= 'A' && p.s[p.i] <= 'Z' || p.s[p.i] >= '0' && p.s[p.i] <= '9') {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *cfgParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *cfgParser) expr() bool {
	p.ok = true
	name := p.ident()
	if name == "" {
		p.ok = false
		return false
	}
	switch name {
	case "all", "any", "not":
		if !p.eat('(') {
			p.ok = false
			return false
		}
		var vals []bool
		for !p.eat(')') {
			vals = append(vals, p.expr())
			if !p.ok {
				return false
			}
			if !p.eat(',') {
				if !p.eat(')') {
					p.ok = false
					return false
				}
				break
			}
		}
		switch name {
		case "not":
			return len(vals) == 1 && !vals[0]
		case "all":
			for _, v := range vals {
				if !v {
					return false
				}
			}
			return true
		default:
			for _, v := range vals {
				if v {
					return true
				}
			}
			return false
		}
	}
	if p.eat('=') {
		p.space()
		if !p.eat('"') {
			p.ok = false
			return false
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != '"' {
			p.i++
		}
		if p.i >= len(p.s) {
			p.ok = false
			return false
		}
		value := p.s[start:p.i]
		p.i++
		return targetCfg[name] == value
	}
	return name == "unix"
}
