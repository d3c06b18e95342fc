package libcompat

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a glibc release, e.g. {2, 17}.
type Version struct {
	Major, Minor int
}

// ParseVersion parses "2.17" (an optional "GLIBC_" prefix is accepted).
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(s, "GLIBC_")
	maj, min, ok := strings.Cut(t, ".")
	if !ok {
		return Version{}, fmt.Errorf("libcompat: bad glibc version %q (want e.g. 2.17)", s)
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return Version{}, fmt.Errorf("libcompat: bad glibc version %q (want e.g. 2.17)", s)
	}
	return Version{a, b}, nil
}

// MustVersion is ParseVersion for constants; it panics on error.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Less reports whether v is an older release than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	return v.Minor < w.Minor
}

// AtLeast reports whether v is w or newer.
func (v Version) AtLeast(w Version) bool { return !v.Less(w) }

// IsZero reports whether v is the zero Version ("unknown" where a release
// may not be known).
func (v Version) IsZero() bool { return v == Version{} }
