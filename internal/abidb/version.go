package abidb

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a glibc release or the number of a version node: 2.17 is
// release 2.17 and the node GLIBC_2.17; GLIBC_2.3.4 is Version{2, 3, 4}.
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion reads "2.17" or "2.3.4". It accepts nothing else: no
// "GLIBC_" prefix, no leading zeros, no missing parts.
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("malformed glibc version %q: want MAJOR.MINOR such as 2.17", s)
	}
	var nums [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || (len(p) > 1 && p[0] == '0') || p[0] == '+' {
			return Version{}, fmt.Errorf("malformed glibc version %q: want MAJOR.MINOR such as 2.17", s)
		}
		nums[i] = n
	}
	return Version{nums[0], nums[1], nums[2]}, nil
}

// MustParseVersion is ParseVersion for constants in code and tests.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (v Version) String() string {
	if v.Patch != 0 {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// IsZero reports whether v is the zero Version, used for "none".
func (v Version) IsZero() bool { return v == Version{} }

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	for _, d := range [3]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		if d < 0 {
			return -1
		}
		if d > 0 {
			return 1
		}
	}
	return 0
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// NodeVersion returns the number in a numbered version node name such as
// GLIBC_2.3.4 or GLIBCXX_3.4.30, with the family prefix ("GLIBC").
// Symbol-less markers (GLIBC_ABI_DT_RELR) and GLIBC_PRIVATE have no number.
func NodeVersion(node string) (family string, v Version, ok bool) {
	i := strings.LastIndexByte(node, '_')
	if i <= 0 {
		return "", Version{}, false
	}
	parts := strings.Split(node[i+1:], ".")
	if len(parts) > 3 {
		return "", Version{}, false
	}
	var nums [3]int
	for j, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "", Version{}, false
		}
		nums[j] = n
	}
	if len(parts) == 1 {
		// GCC_7.0.0 style nodes always have a dot; "FOO_1" is a family
		// with a major number only.
		return node[:i], Version{Major: nums[0]}, true
	}
	return node[:i], Version{nums[0], nums[1], nums[2]}, true
}

// The releases the embedded data covers, known without decoding it:
// every ABI's lists end at NewestRelease, and all but the younger ports
// (powerpc64le 2.19, riscv64 2.27) start at OldestRelease. A test keeps
// these in step with the data.
var (
	OldestRelease = Version{Major: 2, Minor: 17}
	NewestRelease = Version{Major: 2, Minor: 44}
)

// CheckTarget accepts a glibc version a user can name as a floor: a release
// the database covers (2.17–2.44), or any older version that is a GLIBC_
// version node on some ABI (2.12, 2.3.4). Anything else is an error that
// says what is accepted.
func CheckTarget(s string) (Version, error) {
	v, err := ParseVersion(s)
	if err != nil {
		return Version{}, fmt.Errorf("%v (e.g. 2.17 for CentOS 7, 2.28 for RHEL 8, 2.31 for Ubuntu 20.04)", err)
	}
	// The common case, a release in range, needs no decoding: every
	// compiler call through compatbuild checks its floor.
	if v.Patch == 0 && !v.Less(OldestRelease) && !NewestRelease.Less(v) {
		return v, nil
	}
	for _, abi := range ABIs {
		db := MustLoad(abi)
		if _, err := db.releaseBit(v); err == nil && v.Patch == 0 && !v.Less(db.First()) {
			return v, nil
		}
		if r, ok := db.NodeRelease("GLIBC_" + v.String()); ok && r == v {
			return v, nil
		}
	}
	return Version{}, fmt.Errorf("glibc %s is not a glibc release or version node: use a release from 2.17 to %s, or an older version node such as 2.12 or 2.3.4", s, lastKnown)
}
