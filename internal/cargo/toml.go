package cargo

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// tomlEntry is one key = value of a TOML document, with its full key path
// (table headers, dotted keys and inline tables resolved).
type tomlEntry struct {
	Path []string
	Kind byte     // 's' string, 'a' array, 'o' anything else
	Str  string   // the value when Kind is 's'
	List []string // the string items when Kind is 'a'
}

// maxConfigBytes bounds a cargo configuration file or --config value:
// real ones are a few hundred bytes, and the TOML decoder's memory grows
// with its input.
const maxConfigBytes = 1 << 20

// scanTOML decodes a TOML document (cargo's config.toml, or a --config
// value) with BurntSushi/toml and lists its values, sorted by key path.
// Arrays of tables give the values of their last table. A syntax error is
// one line naming the line of the document.
func scanTOML(src string) ([]tomlEntry, error) {
	if len(src) > maxConfigBytes {
		return nil, fmt.Errorf("larger than %d KiB; a cargo configuration is a few lines", maxConfigBytes>>10)
	}
	var doc map[string]any
	if _, err := toml.Decode(src, &doc); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, fmt.Errorf("line %d: %s", perr.Position.Line, oneLineText(perr.Message))
		}
		return nil, errors.New(oneLineText(err.Error()))
	}
	var out []tomlEntry
	walkTOML(nil, doc, &out)
	return out, nil
}

func walkTOML(path []string, table map[string]any, out *[]tomlEntry) {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := append(slices.Clip(path), k)
		switch v := table[k].(type) {
		case map[string]any:
			walkTOML(p, v, out)
		case []map[string]any:
			if len(v) > 0 {
				walkTOML(p, v[len(v)-1], out)
			}
		case string:
			*out = append(*out, tomlEntry{Path: p, Kind: 's', Str: v})
		case []any:
			e := tomlEntry{Path: p, Kind: 'a'}
			for _, item := range v {
				if s, ok := item.(string); ok {
					e.List = append(e.List, s)
				}
			}
			*out = append(*out, e)
		default:
			*out = append(*out, tomlEntry{Path: p, Kind: 'o'})
		}
	}
}

func oneLineText(s string) string {
	return strings.Join(strings.Fields(s), " ")
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
