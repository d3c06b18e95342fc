package buildenv

import (
	"errors"
	"strings"
)

// A program linked with -static carries the build machine's glibc, which is
// no build for an old glibc: compatbuild's driver refuses -static at the
// link, but a go build only reaches its link after compiling everything,
// and then the message names flags the user wrote elsewhere. The go
// command's own flags are searched before it starts.

// GoStaticFlag returns the user's flag that asks the external linker for a
// static program, and where it is, from the go command's arguments, GOFLAGS
// and CGO_LDFLAGS: -static or -static-pie inside -extldflags of -ldflags
// (-ldflags '-linkmode external -extldflags "-static"',
// -ldflags=-extldflags=-static, a per-package pattern=flags value), or in
// CGO_LDFLAGS. flag is "" when there is none.
func GoStaticFlag(args []string, goflags, cgoLDFlags string) (flag, where string) {
	for _, w := range splitQuoted(cgoLDFlags) {
		if isStaticFlag(w) {
			return w, "CGO_LDFLAGS"
		}
	}
	check := func(list []string, where string) (string, string) {
		for i := 0; i < len(list); i++ {
			a := list[i]
			name, value, hasValue := strings.Cut(strings.TrimPrefix(a, "-"), "=")
			if !strings.HasPrefix(a, "-") || (name != "ldflags" && name != "-ldflags") {
				continue
			}
			if !hasValue {
				if i+1 >= len(list) {
					continue
				}
				i++
				value = list[i]
			}
			if f := extldStatic(value); f != "" {
				return f, where + " -ldflags " + quoteIfSpaced(value)
			}
		}
		return "", ""
	}
	// GOFLAGS is split at blanks only; each element is one -flag=value.
	if f, w := check(strings.Fields(goflags), "GOFLAGS"); f != "" {
		return f, w
	}
	if len(args) > 0 && args[0] == "--" {
		return "", ""
	}
	return check(args, "the go command's")
}

// extldStatic finds -static in the -extldflags of one -ldflags value.
func extldStatic(ldflags string) string {
	// A per-package value: pattern=flags (the pattern has no blank and
	// does not start with '-').
	if pat, rest, ok := strings.Cut(ldflags, "="); ok && !strings.HasPrefix(pat, "-") && !strings.ContainsAny(pat, " \t") {
		ldflags = rest
	}
	words := splitQuoted(ldflags)
	for i := 0; i < len(words); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(words[i], "-"), "=")
		if !strings.HasPrefix(words[i], "-") || name != "extldflags" {
			continue
		}
		if !hasValue {
			if i+1 >= len(words) {
				continue
			}
			i++
			value = words[i]
		}
		for _, w := range splitQuoted(value) {
			if isStaticFlag(w) {
				return w
			}
		}
	}
	return ""
}

func isStaticFlag(w string) bool {
	return w == "-static" || w == "--static" || w == "-static-pie"
}

func quoteIfSpaced(s string) string {
	if strings.ContainsAny(s, " \t") {
		return "'" + s + "'"
	}
	return s
}

// splitQuoted splits s at blanks, with '...' and "..." grouping, as the go
// command splits -ldflags and CGO_LDFLAGS. An unterminated quote takes
// the rest.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quote, in := byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// ErrStatic is the refusal's explanation, after the flag and its place.
var ErrStatic = errors.New("a static program carries the build machine's glibc, which is no build for an old glibc; drop it (compatbuild links glibc dynamically, for the floor and later; -static-libgcc and -static-libstdc++ are fine), or build a static program for musl without compatbuild")
