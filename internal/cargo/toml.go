package cargo

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tomlEntry is one key = value of a TOML document, with its full key path
// (table headers and dotted keys resolved). Inline tables are flattened
// into their keys.
type tomlEntry struct {
	Path []string
	Kind byte   // 's' string, 'a' array, 'o' anything else
	Str  string // the decoded value when Kind is 's'
	Line int
}

// scanTOML reads the key paths and kinds of a TOML document: enough of
// TOML to find cargo's rustflags, linker and target settings without a
// TOML library. Values other than strings are skipped, not decoded.
func scanTOML(src string) ([]tomlEntry, error) {
	p := &tomlScanner{s: src, line: 1}
	var out []tomlEntry
	var table []string
	for {
		p.skipSpaceAndComments(true)
		if p.eof() {
			return out, nil
		}
		if p.peek() == '[' {
			p.i++
			array := !p.eof() && p.peek() == '['
			if array {
				p.i++
			}
			p.skipSpaceAndComments(false)
			key, err := p.key()
			if err != nil {
				return nil, err
			}
			p.skipSpaceAndComments(false)
			closing := "]"
			if array {
				closing = "]]"
			}
			if !strings.HasPrefix(p.s[p.i:], closing) {
				return nil, p.errorf("expected %q after the table name", closing)
			}
			p.i += len(closing)
			table = key
		} else {
			entries, err := p.keyValue(table)
			if err != nil {
				return nil, err
			}
			out = append(out, entries...)
		}
		p.skipSpaceAndComments(false)
		if !p.eof() && p.peek() != '\n' && p.peek() != '\r' {
			return nil, p.errorf("unexpected %q after a value", p.peek())
		}
	}
}

type tomlScanner struct {
	s    string
	i    int
	line int
}

func (p *tomlScanner) eof() bool  { return p.i >= len(p.s) }
func (p *tomlScanner) peek() byte { return p.s[p.i] }

func (p *tomlScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.line, fmt.Sprintf(format, args...))
}

// skipSpaceAndComments skips blanks and comments, and newlines too when
// newlines is set.
func (p *tomlScanner) skipSpaceAndComments(newlines bool) {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t':
			p.i++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.i++
			}
		case newlines && (c == '\n' || c == '\r'):
			if c == '\n' {
				p.line++
			}
			p.i++
		default:
			return
		}
	}
}

func isBareKeyChar(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// key reads a dotted key: bare, "basic" or 'literal' parts.
func (p *tomlScanner) key() ([]string, error) {
	var parts []string
	for {
		p.skipSpaceAndComments(false)
		if p.eof() {
			return nil, p.errorf("expected a key")
		}
		switch c := p.peek(); {
		case c == '"' || c == '\'':
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			parts = append(parts, s)
		case isBareKeyChar(c):
			start := p.i
			for !p.eof() && isBareKeyChar(p.peek()) {
				p.i++
			}
			parts = append(parts, p.s[start:p.i])
		default:
			return nil, p.errorf("unexpected %q in a key", c)
		}
		p.skipSpaceAndComments(false)
		if p.eof() || p.peek() != '.' {
			return parts, nil
		}
		p.i++
	}
}

// keyValue reads key = value under table.
func (p *tomlScanner) keyValue(table []string) ([]tomlEntry, error) {
	key, err := p.key()
	if err != nil {
		return nil, err
	}
	if p.eof() || p.peek() != '=' {
		return nil, p.errorf("expected '=' after key %s", strings.Join(key, "."))
	}
	p.i++
	p.skipSpaceAndComments(false)
	path := append(append([]string{}, table...), key...)
	return p.value(path)
}

// value reads one value; inline tables give the entries inside them.
func (p *tomlScanner) value(path []string) ([]tomlEntry, error) {
	if p.eof() {
		return nil, p.errorf("expected a value")
	}
	line := p.line
	switch p.peek() {
	case '"', '\'':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return []tomlEntry{{Path: path, Kind: 's', Str: s, Line: line}}, nil
	case '[':
		p.i++
		for {
			p.skipSpaceAndComments(true)
			if p.eof() {
				return nil, p.errorf("unterminated array")
			}
			if p.peek() == ']' {
				p.i++
				return []tomlEntry{{Path: path, Kind: 'a', Line: line}}, nil
			}
			if _, err := p.value(nil); err != nil {
				return nil, err
			}
			p.skipSpaceAndComments(true)
			if !p.eof() && p.peek() == ',' {
				p.i++
			}
		}
	case '{':
		p.i++
		var out []tomlEntry
		for {
			p.skipSpaceAndComments(false)
			if p.eof() {
				return nil, p.errorf("unterminated inline table")
			}
			switch p.peek() {
			case '}':
				p.i++
				return append(out, tomlEntry{Path: path, Kind: 'o', Line: line}), nil
			case ',':
				p.i++
				continue
			}
			entries, err := p.keyValue(path)
			if err != nil {
				return nil, err
			}
			out = append(out, entries...)
		}
	}
	// Numbers, booleans, dates: up to the end of the value.
	start := p.i
	for !p.eof() && !strings.ContainsRune(",]}#\n\r", rune(p.peek())) {
		p.i++
	}
	if strings.TrimSpace(p.s[start:p.i]) == "" {
		return nil, p.errorf("expected a value")
	}
	return []tomlEntry{{Path: path, Kind: 'o', Line: line}}, nil
}

// str reads any of TOML's four string forms and returns its value.
func (p *tomlScanner) str() (string, error) {
	quote := p.peek()
	if strings.HasPrefix(p.s[p.i:], strings.Repeat(string(quote), 3)) {
		delim := strings.Repeat(string(quote), 3)
		p.i += 3
		if strings.HasPrefix(p.s[p.i:], "\r\n") {
			p.i += 2
			p.line++
		} else if strings.HasPrefix(p.s[p.i:], "\n") {
			p.i++
			p.line++
		}
		end := strings.Index(p.s[p.i:], delim)
		if end < 0 {
			return "", p.errorf("unterminated multi-line string")
		}
		// Up to two quotes may directly precede the closing delimiter.
		for extra := 0; extra < 2 && p.i+end+3 < len(p.s) && p.s[p.i+end+3] == quote; extra++ {
			end++
		}
		raw := p.s[p.i : p.i+end]
		p.line += strings.Count(raw, "\n")
		p.i += end + 3
		if quote == '\'' {
			return raw, nil
		}
		return unescapeBasic(raw, true, p)
	}
	p.i++
	start := p.i
	for {
		if p.eof() || p.peek() == '\n' {
			return "", p.errorf("unterminated string")
		}
		c := p.peek()
		if c == quote {
			raw := p.s[start:p.i]
			p.i++
			if quote == '\'' {
				return raw, nil
			}
			return unescapeBasic(raw, false, p)
		}
		if c == '\\' && quote == '"' {
			p.i++
		}
		p.i++
	}
}

func unescapeBasic(raw string, multiline bool, p *tomlScanner) (string, error) {
	if !strings.Contains(raw, `\`) {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(raw) {
			return "", p.errorf("bad escape at the end of a string")
		}
		switch e := raw[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(e)
		case 'u', 'U':
			n := 4
			if e == 'U' {
				n = 8
			}
			if i+n >= len(raw) {
				return "", p.errorf("bad \\%c escape", e)
			}
			r, err := strconv.ParseUint(raw[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", p.errorf("bad \\%c escape", e)
			}
			b.WriteRune(rune(r))
			i += n
		default:
			if multiline && (e == ' ' || e == '\t' || e == '\n' || e == '\r') {
				// Line-ending backslash: trim the newline and following blanks.
				for i < len(raw) && strings.ContainsRune(" \t\r\n", rune(raw[i])) {
					i++
				}
				i--
				continue
			}
			return "", p.errorf("bad escape \\%c", e)
		}
	}
	return b.String(), nil
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
