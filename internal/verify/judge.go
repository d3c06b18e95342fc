package verify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"compatbuild/internal/runtimes"
)

// judgeLibrary reads the host's report (see host/host.c).
func judgeLibrary(res Result, report *os.File, glibc string, opts Options) Result {
	data, _ := os.ReadFile(report.Name())
	steps := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		steps[key] = val
	}
	if why, ok := steps["mismatch"]; ok && res.ExitCode == hostExitMismatch {
		res.Status, res.Reason = Skip, why
		return res
	}
	// The host says which C library it runs on: anything but the
	// runtime's means the runtime's loader was not the one that ran.
	if libc, ok := steps["libc"]; ok && libc != glibc {
		return failed(res, fmt.Sprintf("the %s host ran on glibc %s, not the runtime's %s: the runtime's loader was not used", res.Host, libc, glibc))
	}
	_, loaded := steps["loaded"]
	_, finished := steps["ok"]
	if res.Call != nil {
		_, res.Call.Called = steps["calling"]
		res.Call.Returned = finished
		if v, ok := steps["returned"]; ok {
			if n, err := strconv.Atoi(v); err == nil {
				res.Call.Value = &n
			}
		}
	}
	died := func(during string) string {
		if res.Signal != "" {
			return fmt.Sprintf("killed by %s %s", res.Signal, during)
		}
		return fmt.Sprintf("the process exited with status %d %s", res.ExitCode, during)
	}
	switch {
	case res.ExitCode == hostExitDlopenFailed && steps["dlopen-failed"] != "":
		res.LoaderError = steps["dlopen-failed"]
		return failed(res, res.LoaderError)
	case !loaded:
		if res.ExitCode == hostExitUsage {
			return failed(res, "the dlopen host refused its arguments: "+lastLine(res.Output))
		}
		return failed(res, died("during dlopen (in a constructor of the library or of one it needs)"))
	case res.ExitCode == hostExitDlsymFailed && steps["dlsym-failed"] != "":
		res.LoaderError = steps["dlsym-failed"]
		return failed(res, fmt.Sprintf("loaded, but %s was not found: %s", opts.Call, res.LoaderError))
	case res.Call != nil && res.Call.Called && !res.Call.Returned:
		if res.Signal == "" && res.ExitCode == 0 {
			return failed(res, fmt.Sprintf("loaded; %s() called exit(0) instead of returning", opts.Call))
		}
		return failed(res, died(fmt.Sprintf("in %s()", opts.Call)))
	case !finished:
		return failed(res, died("after dlopen"))
	case res.Signal != "" || res.ExitCode != 0:
		return failed(res, died("at exit (in a destructor or atexit handler)"))
	}
	// The reason says what was loaded and how: the dlopen host opened the
	// library, Python imported these modules, node require()d the addon.
	what, plain := "loaded", "loaded with dlopen(RTLD_NOW)"
	switch {
	case strings.HasPrefix(res.Host, "python") && steps["loaded"] != "":
		what = "imported " + strings.Join(strings.Fields(steps["loaded"]), ", ")
		plain = what
	case res.Host == HostNode:
		plain = "loaded with require()"
	}
	switch {
	case res.Call == nil:
		res.Status, res.Reason = Pass, plain
	case opts.ExpectReturn == nil:
		res.Status, res.Reason = Pass, fmt.Sprintf("%s; %s() returned", what, opts.Call)
	case res.Call.Value == nil && steps["returned-other"] != "":
		return failed(res, fmt.Sprintf("%s; %s() returned %s, not an integer", what, opts.Call, steps["returned-other"]))
	case res.Call.Value == nil:
		return failed(res, fmt.Sprintf("%s; %s() returned but the host did not report its value", what, opts.Call))
	case *res.Call.Value != *opts.ExpectReturn:
		return failed(res, fmt.Sprintf("%s; %s() returned %d, want %d", what, opts.Call, *res.Call.Value, *opts.ExpectReturn))
	default:
		res.Status, res.Reason = Pass, fmt.Sprintf("%s; %s() returned %d", what, opts.Call, *res.Call.Value)
	}
	return res
}

// loaderMessage returns the dynamic loader's own error if it refused to
// start prog: the first line of the output, starting with the program's
// path, in one of the loader's formats. Nothing of the program ran before
// it, so a program cannot fake it by accident.
func loaderMessage(prog, output string) string {
	line, _, _ := strings.Cut(output, "\n")
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, prog+": ") {
		return ""
	}
	if strings.Contains(line, ": error while loading shared libraries: ") ||
		(strings.Contains(line, ": version `") && strings.Contains(line, "' not found (required by ")) ||
		strings.Contains(line, ": symbol lookup error: ") ||
		strings.Contains(line, ": undefined symbol: ") {
		return line
	}
	return ""
}

func judgeExecutable(res Result, prog string, expect int) Result {
	if res.Signal == "" && res.ExitCode != 0 {
		if m := loaderMessage(prog, res.Output); m != "" {
			res.LoaderError = m
			return failed(res, m)
		}
	}
	switch {
	case res.Signal != "":
		return failed(res, "killed by "+res.Signal)
	case res.ExitCode != expect:
		reason := fmt.Sprintf("exit status %d, want %d", res.ExitCode, expect)
		if l := lastLine(res.Output); l != "(no output)" {
			reason += "; last output line: " + l
		}
		return failed(res, reason)
	}
	res.Status, res.Reason = Pass, fmt.Sprintf("exit status %d", res.ExitCode)
	return res
}

// hostLibDirs are where a runtime's loader looks last, on the host's own
// file system, for libraries the library path does not have.
var hostLibDirs = []string{"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/"}

// checkHostLibraries fails a result whose artifact took libraries from the
// host instead of the runtime.
func checkHostLibraries(ctx context.Context, res Result, r *runtimes.Runtime, files []string, libPath []string) Result {
	var libs []runtimes.Library
	for _, f := range files {
		l, _ := r.Libraries(ctx, f)
		libs = append(libs, l...)
	}
	seen := map[string]bool{}
	for _, l := range libs {
		if seen[l.Name+"\x00"+l.Path] {
			continue
		}
		seen[l.Name+"\x00"+l.Path] = true
		if l.Path == "" || l.InRuntime(r) || !slices.ContainsFunc(hostLibDirs, func(d string) bool { return strings.HasPrefix(l.Path, d) }) {
			continue
		}
		if slices.ContainsFunc(libPath, func(d string) bool { return strings.HasPrefix(l.Path, d+"/") }) {
			continue
		}
		res.HostLibraries = append(res.HostLibraries, Library{Name: l.Name, Path: l.Path})
	}
	if len(res.HostLibraries) == 0 {
		return res
	}
	var names []string
	for _, l := range res.HostLibraries {
		names = append(names, fmt.Sprintf("%s is not in the runtime and the loader took the host's %s", l.Name, l.Path))
	}
	msg := strings.Join(names, "; ") + " (add the Debian package with --package, or the directory with --lib-path)"
	if res.Status == Pass {
		return failed(res, res.Reason+", but "+msg)
	}
	res.Reason += "; also " + msg
	return res
}

// capped keeps the first max bytes written and counts the rest.
type capped struct {
	max     int
	buf     bytes.Buffer
	dropped int64
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if room >= len(p) {
		return c.buf.Write(p)
	}
	if room > 0 {
		c.buf.Write(p[:room])
	}
	c.dropped += int64(len(p) - max(room, 0))
	return len(p), nil
}

var _ io.Writer = (*capped)(nil)
