package cli

import (
	"reflect"
	"strings"
	"testing"
)

// compatbuild's own options lead a compiler command line in any order and
// either spelling; the rest is the compiler's.
func TestLeadingOptions(t *testing.T) {
	t.Setenv("COMPATBUILD_TARGET", "")
	for _, c := range []struct {
		args  []string
		floor []string
		abi   string
		rest  []string
	}{
		{[]string{"--glibc", "2.17", "-O2", "x.c"}, []string{"--glibc", "2.17"}, "x86_64", []string{"-O2", "x.c"}},
		{[]string{"--target", "aarch64-linux-gnu", "--glibc=2.17", "x.c"}, []string{"--glibc", "2.17"}, "aarch64", []string{"x.c"}},
		{[]string{"--arch=armhf", "x.c", "--target", "y"}, nil, "arm", []string{"x.c", "--target", "y"}},
		{[]string{"--target=arm64", "--target", "aarch64-unknown-linux-gnu", "x.c"}, nil, "aarch64", []string{"x.c"}},
	} {
		floor, tg, rest, err := leadingOptions(c.args)
		if err != nil || !reflect.DeepEqual(floor, c.floor) || tg.ABI != c.abi || !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("%v: %v %s %v %v", c.args, floor, tg.ABI, rest, err)
		}
	}
	for args, want := range map[string]string{
		"--target aarch64-linux-gnu --arch s390x x.c": "two targets given",
		"--glibc 2.17 --glibc 2.28 x.c":               "--glibc given twice",
		"--target":                                    "--target needs a value",
		"--target mips-linux-gnu x.c":                 "unknown target",
	} {
		if _, _, _, err := leadingOptions(strings.Fields(args)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
	t.Setenv("COMPATBUILD_TARGET", "riscv64-linux-gnu")
	if _, tg, _, err := leadingOptions([]string{"x.c"}); err != nil || tg.ABI != "riscv64" {
		t.Errorf("COMPATBUILD_TARGET: %s %v", tg.ABI, err)
	}
	if _, _, err := floorAndTarget([]string{"--glibc", "2.17", "x.c"}); err == nil || !strings.Contains(err.Error(), "2.27") {
		t.Errorf("riscv64 at 2.17: %v", err)
	}
}
