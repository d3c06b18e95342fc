package check

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/target"
)

// gateIDs are the distro gates every ABI's program is judged against: a
// release passes exactly when it ships the ABI (the programs need glibc
// 2.27 at most, which every one of them has).
var gateIDs = []string{"rhel:7", "rhel:8", "debian:10", "debian:11", "debian:13", "ubuntu:18.04", "ubuntu:20.04",
	"amazonlinux:1", "amazonlinux:2023", "sles:15sp3", "fedora:28", "fedora:40"}

// The kinds, on every ABI, with programs linked by that ABI's own GNU ld:
//   - a program names its ABI's standard loader: judged by its needs, and
//     its runs-on list, --distro gates and manylinux tag respect its
//     architecture (a release counts only if it ships it; the tag comes
//     from a policy that lists it);
//   - a program names another loader (a Nix store path, /opt/custom, the
//     loader of another ABI): it fails every gate with the reason and the
//     fix, runs nowhere and has no manylinux tag.
func TestInterpreterAndArchitectureOnEveryABI(t *testing.T) {
	gates := targets(t, []string{"manylinux2014", "manylinux_2_31"}, gateIDs)
	gates.Glibc = abidb.MustParseVersion("2.27")
	for _, c := range crossABIs {
		t.Run(c.abi, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			libc := crossLibc(t, c.abi, dir, gates.Glibc)
			std := target.StandardInterp(c.abi)[0]
			link := func(name, interp string) *elfinfo.File {
				out := filepath.Join(dir, name)
				crossLink(t, c.abi, libc, out, "-e", "0", "--dynamic-linker", interp)
				info, err := elfinfo.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if info.Interp != interp {
					t.Fatalf("%s: Interp %q, want %q", name, info.Interp, interp)
				}
				return info
			}

			r, err := AnalyzeTargets(link("std", std), gates)
			if err != nil {
				t.Fatal(err)
			}
			if r.InterpProblem != "" {
				t.Errorf("standard loader %s: %s", std, r.InterpProblem)
			}
			if len(r.RunsOn) == 0 {
				t.Error("runs on nothing")
			}
			for _, rel := range r.RunsOn {
				if !rel.Ships(c.abi) {
					t.Errorf("runs on %s, which ships no %s", rel.ID, c.abi)
				}
			}
			for _, d := range gates.Distros {
				v := verdictOf(r, d.ID)
				if v.OK != d.Ships(c.abi) {
					t.Errorf("%s: ok=%v, but ships %s: %v; reasons %+v", d.ID, v.OK, c.abi, d.Ships(c.abi), v.Reasons)
				}
				if !v.OK && (len(v.Reasons) != 1 || !strings.Contains(v.Reasons[0].Why, "ships no "+distros.ABIName(c.abi))) {
					t.Errorf("%s: reasons %+v, want the missing architecture", d.ID, v.Reasons)
				}
			}
			arch := distros.WheelArch(c.abi)
			if !strings.HasSuffix(r.Manylinux, "_"+arch) {
				t.Errorf("tag %q is not a %s tag", r.Manylinux, arch)
			}
			for _, p := range gates.Manylinux {
				_, listed := p.Allowed[arch]
				if v := verdictOf(r, p.Tag(arch)); v.OK != listed {
					t.Errorf("%s: ok=%v, but the policy lists %s: %v", p.Name, v.OK, arch, listed)
				}
			}
			if p, ok := distros.PolicyByTag(strings.TrimSuffix(r.Manylinux, "_"+arch)); !ok || p.Allowed[arch] == nil {
				t.Errorf("tag %q comes from no policy listing %s", r.Manylinux, arch)
			}
			if r.Status != StatusAbove && c.abi == "riscv64" {
				t.Error("riscv64 passed rhel:8, which ships no riscv64")
			}

			bad := []string{"/nix/store/abcd-glibc-2.38/lib/" + filepath.Base(std), "/opt/custom/ld.so", std + ".old"}
			for _, other := range target.All() {
				if other.ABI != c.abi {
					bad = append(bad, target.StandardInterp(other.ABI)[0])
				}
			}
			for i, interp := range bad {
				r, err := AnalyzeTargets(link("bad"+string(rune('a'+i)), interp), gates)
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != StatusAbove || len(r.RunsOn) != 0 || r.Manylinux != "" {
					t.Errorf("%s: status %s, runs on %d releases, tag %q", interp, r.Status, len(r.RunsOn), r.Manylinux)
				}
				if !strings.Contains(r.InterpProblem, interp) || !strings.Contains(r.InterpProblem, "patchelf --set-interpreter "+std) {
					t.Errorf("%s: problem %q", interp, r.InterpProblem)
				}
				for _, v := range r.Verdicts {
					if v.OK || v.Reasons[0].Why != r.InterpProblem {
						t.Errorf("%s: verdict %s ok=%v reasons %+v", interp, v.Target, v.OK, v.Reasons)
					}
				}
			}
		})
	}
}

// The loaders of neighbouring ABIs are named as such: arm's soft-float
// loader is armel's, not a path that merely happens to be missing.
func TestNeighbourABILoadersAreNamed(t *testing.T) {
	for abi, c := range map[string]struct{ interp, want string }{
		"arm":     {"/lib/ld-linux.so.3", "is the soft-float (armel) loader, but the program is hard-float code"},
		"riscv64": {"/lib/ld-linux-riscv64-lp64.so.1", "soft-float lp64"},
		"x86_64":  {"/lib/ld-linux.so.2", "the i386 loader, but this is x86_64 code"},
	} {
		info := &elfinfo.File{ABI: abi, Kind: elfinfo.PIEExecutable, Interp: c.interp}
		if abi == "arm" {
			info.ARM = elfinfo.ARMFlags{EABI: 5, Float: elfinfo.ARMFloatHard} // an armhf program
		}
		if got := InterpProblem(info); !strings.Contains(got, c.want) || abi != "arm" && !strings.Contains(got, "no system starts it") {
			t.Errorf("%s %s: %q, want it to say %q", abi, c.interp, got, c.want)
		}
		info.Kind = elfinfo.SharedLibrary // a library's PT_INTERP is ignored by the loader that maps it
		if got := InterpProblem(info); got != "" {
			t.Errorf("%s shared library: %q", abi, got)
		}
	}
}

// Text and JSON both carry it, and the exit status is 1 under any gate.
func TestInterpreterInTextAndJSON(t *testing.T) {
	dir := t.TempDir()
	libc := crossLibc(t, "x86_64", dir, abidb.MustParseVersion("2.17"))
	out := filepath.Join(dir, "p_nix")
	crossLink(t, "x86_64", libc, out, "-e", "0", "--dynamic-linker", "/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2")
	for _, gate := range []Targets{{Glibc: abidb.MustParseVersion("2.17")}, targets(t, []string{"manylinux2014"}, nil), targets(t, nil, []string{"rhel:7"})} {
		rep := PathsTargets([]string{out}, gate)
		if rep.ExitCode() != 1 {
			t.Errorf("%v: exit %d, want 1", rep.Targets, rep.ExitCode())
		}
		var text, js bytes.Buffer
		rep.WriteText(&text)
		rep.WriteJSON(&js)
		if !strings.Contains(text.String(), "starts on no standard distribution: its program interpreter is /nix/store/") {
			t.Errorf("text:\n%s", &text)
		}
		if !strings.Contains(js.String(), `"interp": "/nix/store/abcd-glibc-2.38/lib/ld-linux-x86-64.so.2"`) || !strings.Contains(js.String(), `"interp_problem": "its program interpreter (PT_INTERP)`) {
			t.Errorf("json:\n%s", &js)
		}
	}
}
