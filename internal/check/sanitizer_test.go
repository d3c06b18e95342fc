package check

import (
	"slices"
	"strings"
	"testing"

	"compatbuild/internal/elfinfo"
)

// The kind: GCC runtime libraries without version nodes, the sanitizer
// runtimes, are judged like libgomp, by the target's GCC release: a
// program needing libasan.so.8 runs only where GCC 12's runtime can be
// installed, whatever its glibc floor. Members: ASan (libasan.so.8, GCC
// 12), UBSan (libubsan.so.1, GCC 8), TSan (libtsan.so.2, GCC 12).
func TestSanitizerRuntimesAreJudgedByTheTargetsGCC(t *testing.T) {
	for _, c := range []struct {
		flag, lib, gcc string
		without        string // a release whose GCC runtime lacks lib
		with           string // one whose runtime has it, not installed by default (and whose glibc runs this machine's build)
	}{
		{"-fsanitize=address", "libasan.so.8", "12", "rhel:9", "debian:12"},
		{"-fsanitize=undefined", "libubsan.so.1", "8", "rhel:7", "ubuntu:22.04"},
		{"-fsanitize=thread", "libtsan.so.2", "12", "debian:11", "ubuntu:22.04"},
	} {
		t.Run(c.lib, func(t *testing.T) {
			exe := compile(t, `
#include <stdio.h>
int main(int argc, char **argv) { (void)argv; printf("%d\n", argc * 2); return 0; }`, c.flag)
			info, err := elfinfo.ReadFile(exe)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(info.Needed, c.lib) {
				t.Fatalf("%s linked %v, not %s: the compiler's sanitizer runtime changed", c.flag, info.Needed, c.lib)
			}
			r, err := AnalyzeTargets(info, targets(t, nil, []string{c.without, c.with}))
			if err != nil {
				t.Fatal(err)
			}
			if v := verdictOf(r, c.without); v == nil || v.OK || !slices.ContainsFunc(v.Reasons, func(rs Reason) bool {
				return rs.Library == c.lib && strings.Contains(rs.Why, "sanitizer runtime of GCC "+c.gcc+" and later")
			}) {
				t.Errorf("%s: %+v, want refused for lacking GCC %s's %s", c.without, v, c.gcc, c.lib)
			}
			if v := verdictOf(r, c.with); v == nil || !v.OK || !slices.ContainsFunc(v.Notes, func(n string) bool {
				return strings.Contains(n, c.lib) && strings.Contains(n, "not in its base install")
			}) {
				t.Errorf("%s: %+v, want accepted with a note to install %s", c.with, v, c.lib)
			}
			without := targets(t, nil, []string{c.without}).Distros[0]
			for _, rel := range r.RunsOn {
				if rel.Distro == without.Distro && !without.Glibc.Less(rel.Glibc) {
					t.Errorf("runs on %s, whose GCC runtime has no %s", rel.Name(), c.lib)
				}
			}
		})
	}
}
