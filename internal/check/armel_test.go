package check

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/elfinfo"
)

// The ARM kind: e_flags' float ABI and PT_INTERP together say which ARM
// ABI a program is. A soft-float program with armel's loader is an armel
// program: judged against the releases shipping armel (Debian 7-12,
// Ubuntu 12.04), with no manylinux tag (auditwheel has no armel
// platform). A soft-float program naming armhf's loader, or a hard-float
// one naming armel's, fails with the mismatch. The programs are linked by
// arm's GNU ld and given the e_flags a soft- or hard-float toolchain
// writes (EABI 5 with EF_ARM_ABI_FLOAT_SOFT 0x200 or _HARD 0x400).
func TestArmFloatABIAndLoader(t *testing.T) {
	gates := targets(t, []string{"manylinux2014"}, []string{"debian:11", "debian:12", "debian:13", "ubuntu:20.04"})
	gates.Glibc = abidb.MustParseVersion("2.17")
	dir := t.TempDir()
	libc := crossLibc(t, "arm", dir, gates.Glibc)
	program := func(name, interp string, flags uint32) *FileReport {
		out := filepath.Join(dir, name)
		crossLink(t, "arm", libc, out, "-e", "0", "--dynamic-linker", interp)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		binary.LittleEndian.PutUint32(data[36:], flags) // Elf32_Ehdr.e_flags
		os.WriteFile(out, data, 0o755)
		info, err := elfinfo.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		r, err := AnalyzeTargets(info, gates)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const soft, hard = 0x05000200, 0x05000400

	r := program("armel", "/lib/ld-linux.so.3", soft)
	if r.ABI != "armel" || r.InterpProblem != "" || r.Manylinux != "" || len(r.ManylinuxBlockers) != 1 || !strings.Contains(r.ManylinuxBlockers[0].Why, "no armel") {
		t.Errorf("armel program: abi %s, problem %q, tag %q, blockers %+v", r.ABI, r.InterpProblem, r.Manylinux, r.ManylinuxBlockers)
	}
	for _, rel := range r.RunsOn {
		if !rel.Ships("armel") {
			t.Errorf("armel program runs on %s, which ships no armel", rel.ID)
		}
	}
	for id, want := range map[string]bool{"debian:11": true, "debian:12": true, "debian:13": false, "ubuntu:20.04": false, "manylinux_2_17": false} {
		if v := verdictOf(r, id); v.OK != want {
			t.Errorf("armel program, %s: ok=%v, want %v (%+v)", id, v.OK, want, v.Reasons)
		}
	}
	if v := verdictOf(r, "manylinux_2_17"); len(v.Reasons) == 0 || !strings.Contains(v.Reasons[0].Why, "no armel") {
		t.Errorf("manylinux verdict: %+v", v.Reasons)
	}

	for _, c := range []struct {
		name, interp string
		flags        uint32
		want         string
	}{
		{"soft-armhf", "/lib/ld-linux-armhf.so.3", soft, "the program is soft-float code"},
		{"hard-armel", "/lib/ld-linux.so.3", hard, "the program is hard-float code"},
	} {
		r := program(c.name, c.interp, c.flags)
		if !strings.Contains(r.InterpProblem, c.want) || len(r.RunsOn) != 0 || r.Manylinux != "" || r.Status != StatusAbove {
			t.Errorf("%s: problem %q, runs on %d, tag %q, status %s", c.name, r.InterpProblem, len(r.RunsOn), r.Manylinux, r.Status)
		}
	}
	// The armhf program is judged as before.
	if r := program("armhf", "/lib/ld-linux-armhf.so.3", hard); r.ABI != "arm" || r.InterpProblem != "" || !strings.HasSuffix(r.Manylinux, "_armv7l") {
		t.Errorf("armhf program: abi %s, problem %q, tag %q", r.ABI, r.InterpProblem, r.Manylinux)
	}
}
