package driver

// The output check: what a link wrote is read back and judged against the
// target before the driver says the link succeeded.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/cachefs"
	"compatbuild/internal/check"
	"compatbuild/internal/elfinfo"
	"compatbuild/internal/libcompat"
	"compatbuild/internal/procgroup"
	"compatbuild/internal/sysroot"
)

// verify reads the linked output and fails the link (removing the output)
// if it needs a newer glibc than the target.
func verify(ctx context.Context, opt Options, sr *sysroot.Sysroot, compiler string, linkArgs []string, out string, startFiles bool) (int, error) {
	info, err := elfinfo.ReadFile(out)
	if err != nil {
		// An output that cannot be judged is not passed on: a later
		// incremental build would take it as done.
		os.Remove(out)
		return 2, errorf("verifying %s after the link: %v; removed it", out, err)
	}
	if info.ABI != sr.Arch {
		os.Remove(out)
		return 2, errorf("%s is %s code, but the link was for %s; removed it. Use a compiler for the target (see 'compatbuild cc --help')", out, info.ABI, sr.Arch)
	}
	if startFiles && (info.Kind == elfinfo.Executable || info.Kind == elfinfo.PIEExecutable) && !info.HasNote(libcompat.StartNoteOwner, libcompat.StartNoteType) {
		// The compiler found another crt1.o/Scrt1.o before the
		// sysroot's: its start code may call __libc_start_main in a way
		// the target's glibc does not (2.34's start files pass no
		// constructors to it, so on an older glibc they never run).
		os.Remove(out)
		return 2, errorf("%s was linked without compatbuild's start files for glibc %s: the compiler took crt1.o or Scrt1.o from somewhere other than the sysroot %s (missing there during the link, or replaced by a compiler spec or wrapper); removed it. Link again: compatbuild checks and repairs the sysroot before each link. Pass -nostartfiles only if you link start code of your own", out, opt.Glibc, sr.Dir)
	}
	if why := check.InterpProblem(info); why != "" {
		// -Wl,--dynamic-linker or a compiler spec named another loader.
		os.Remove(out) // before any message: stderr may be a closed pipe
		fmt.Fprintf(opt.Stderr, "compatbuild: %s: %s; removed it\n", out, why)
		return 1, nil
	}
	if len(info.Unbound) > 0 {
		// A shared library may link with undefined symbols. One that the
		// polyfills define means they were not built yet: build, relink.
		if retry, err := addMissing(ctx, sr, info.Unbound); err != nil {
			return 2, err
		} else if retry {
			code, diag, err := runLink(ctx, compiler, linkArgs, opt.Stdout)
			opt.Stderr.Write(diag)
			if err != nil || code != 0 {
				return codeOf(code, err), err
			}
			return verify(ctx, opt, sr, compiler, linkArgs, out, startFiles)
		}
		// One that a newer glibc defines would fail to load on the target.
		var others []string
		for _, lib := range info.Needed {
			if !abidb.IsGlibcSoname(lib) {
				others = append(others, lib)
			}
		}
		if bad := newerGlibcSymbols(info.Unbound, opt.Glibc, sr.Arch, sr.Headers, others); len(bad) > 0 {
			os.Remove(out) // before any message: stderr may be a closed pipe
			for _, line := range bad {
				fmt.Fprintf(opt.Stderr, "compatbuild: %s\n", line)
			}
			fmt.Fprintf(opt.Stderr, "compatbuild: %s would fail to load on glibc %s (undefined symbol); removed it\n", out, opt.Glibc)
			return 1, nil
		}
	}
	if check.SurelyWithin(info, opt.Glibc) && !check.NeedsFamily(info, "GLIBCXX") {
		return checkInputs(opt, sr, linkArgs, out, info)
	}
	rep, err := check.Analyze(info, opt.Glibc)
	if err != nil {
		return 2, errorf("verifying %s after the link: %v", out, err)
	}
	if rep.Status == check.StatusAbove {
		// Removed before any message: stderr may be a closed pipe.
		os.Remove(out)
		// The trace relinks with -o of a temporary file, but an output
		// named to the linker itself (-Wl,-o,X) wins over that and
		// writes X again: remove it again before saying anything.
		var trace strings.Builder
		traceReferences(ctx, &trace, compiler, linkArgs, rep)
		os.Remove(out)
		fmt.Fprintf(opt.Stderr, "compatbuild: %s needs glibc %s, above the target %s; removed it. Why:\n", out, rep.Glibc.Floor, opt.Glibc)
		(&check.Report{Target: opt.Glibc.String(), Files: []*check.FileReport{rep}}).WriteFiles(opt.Stderr)
		io.WriteString(opt.Stderr, trace.String())
		return 1, nil
	}
	if rep.GLIBCXX != nil {
		// --glibc gates glibc alone (check --distro/--manylinux gate the
		// rest), but what this costs the user is said in their terms.
		where := "no distribution release compatbuild knows ships it"
		if len(rep.RunsOn) > 0 {
			var names []string
			for _, r := range rep.RunsOn {
				if len(names) == 5 {
					names = append(names, "…")
					break
				}
				names = append(names, r.Name()+"+")
			}
			where = "it loads on " + strings.Join(names, ", ") + " only, not on every glibc " + opt.Glibc.String() + " system"
		}
		fmt.Fprintf(opt.Stderr, "compatbuild: note: %s needs %s (libstdc++ of GCC %s) from the target's libstdc++.so.6: %s; link with -static-libstdc++ -static-libgcc to carry it instead\n", out, rep.GLIBCXX.Version, rep.GLIBCXX.GCC, where)
	}
	return checkInputs(opt, sr, linkArgs, out, info)
}

// traceReferences relinks with --trace-symbol for the forcing symbols so
// the user learns which input brought each in.
func traceReferences(ctx context.Context, w io.Writer, compiler string, linkArgs []string, rep *check.FileReport) {
	var trace []string
	for _, req := range rep.Glibc.Forcing {
		for _, s := range req.Symbols {
			trace = append(trace, "-Wl,--trace-symbol="+s)
		}
	}
	if len(trace) == 0 {
		return
	}
	tmp, err := os.CreateTemp(cachefs.TempRoot(), "compatbuild-trace-")
	if err != nil {
		return
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	args := append(append(slices.Clip(linkArgs), trace...), "-o", tmp.Name())
	cmd := exec.CommandContext(ctx, compiler, args...)
	cmd.Env = childEnv(ctx)
	var outb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outb, &outb
	procgroup.Prepare(ctx, cmd).Run()
	for _, line := range strings.Split(outb.String(), "\n") {
		if strings.Contains(line, ": reference to ") || strings.Contains(line, ": definition of ") {
			fmt.Fprintf(w, "compatbuild: linker: %s\n", strings.TrimSpace(line))
		}
	}
}
