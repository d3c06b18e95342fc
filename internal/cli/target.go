package cli

import (
	"fmt"
	"os"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/target"
)

// targetFrom reads a --target/--arch value, else COMPATBUILD_TARGET, else
// x86_64.
func targetFrom(value string) (target.Target, error) {
	from := "--target"
	if value == "" {
		value, from = os.Getenv("COMPATBUILD_TARGET"), "COMPATBUILD_TARGET"
	}
	if value == "" {
		return target.Host(), nil
	}
	t, err := target.Parse(value)
	if err != nil {
		return target.Target{}, fmt.Errorf("%s: %v", from, err)
	}
	return t, nil
}

// leadingOptions takes compatbuild's own options from the front of a
// compiler command line, in any order: --glibc X.Y, --target TRIPLE and
// --arch ARCH (the same thing), each also as --opt=value. The rest is the
// compiler's. The floor is returned as a leading "--glibc X.Y" for
// floorFrom, or not at all.
func leadingOptions(args []string) (floorArgs []string, t target.Target, rest []string, err error) {
	var tv string
	for len(args) > 0 {
		name, value, hasValue := strings.Cut(args[0], "=")
		if name != "--glibc" && name != "--target" && name != "--arch" {
			break
		}
		if !hasValue {
			if len(args) < 2 {
				return nil, target.Target{}, nil, fmt.Errorf("%s needs a value, e.g. %s", name, map[string]string{"--glibc": "--glibc 2.17", "--target": "--target aarch64-linux-gnu", "--arch": "--arch arm64"}[name])
			}
			value, args = args[1], args[2:]
		} else {
			args = args[1:]
		}
		if name == "--glibc" {
			if floorArgs != nil {
				return nil, target.Target{}, nil, fmt.Errorf("--glibc given twice")
			}
			floorArgs = []string{"--glibc", value}
			continue
		}
		if tv != "" && !sameTarget(tv, value) {
			return nil, target.Target{}, nil, fmt.Errorf("two targets given, %s and %s: give one", tv, value)
		}
		tv = value
	}
	t, err = targetFrom(tv)
	return floorArgs, t, args, err
}

// floorAndTarget is leadingOptions and floorFrom together: the floor (from
// the arguments or COMPATBUILD_GLIBC), checked against the target's first
// glibc release.
func floorAndTarget(args []string) (glibc targetFloor, rest []string, err error) {
	floorArgs, t, rest, err := leadingOptions(args)
	if err != nil {
		return targetFloor{}, nil, err
	}
	// compatbuild's options after the compiler's would reach the
	// compiler: gcc reads a bare --target as --target-help, prints its
	// help and links nothing.
	for _, a := range rest {
		name, _, _ := strings.Cut(a, "=")
		if a == "--target" || name == "--glibc" || name == "--arch" {
			return targetFloor{}, nil, fmt.Errorf("%s comes after the compiler's arguments, where the compiler would read it: put compatbuild's --glibc, --target and --arch first (compatbuild cc --glibc 2.17 --target aarch64-linux-gnu -O2 ...)", name)
		}
	}
	v, more, err := floorFrom(append(floorArgs, rest...))
	if err != nil {
		return targetFloor{}, nil, err
	}
	if err := t.CheckRelease(v); err != nil {
		return targetFloor{}, nil, err
	}
	return targetFloor{v, t}, more, nil
}

// targetFloor is a glibc floor on a target.
type targetFloor struct {
	Glibc  abidb.Version
	Target target.Target
}

// targetFlag adds --target and --arch (one meaning) to a flag set.
func targetFlag(fs interface {
	StringVar(p *string, name, value, usage string)
}) *string {
	v := new(string)
	fs.StringVar(v, "target", "", "target `TRIPLE` or architecture: "+target.Names()+" (default $COMPATBUILD_TARGET, else x86_64)")
	fs.StringVar(v, "arch", "", "the same as --target (arm64, armhf, i386, ppc64el, s390x, riscv64 ...)")
	return v
}

// sameTarget reports whether two target spellings name one target.
func sameTarget(a, b string) bool {
	ta, errA := target.Parse(a)
	tb, errB := target.Parse(b)
	return errA == nil && errB == nil && ta.ABI == tb.ABI
}
