package verify

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"compatbuild/internal/runtimes"
)

// A host that cannot start proves nothing about the artifact: the
// runtime's node aborting for a file it misses, or its Python lacking its
// standard library, is the runtime's problem (or verify's), not the
// addon's. So before Python or Node.js loads the artifact, it runs once
// with nothing to load (python3 -c pass, node -e 0) under the same
// runtime, started the same way; if that fails, the cell is
// INCONCLUSIVE with the host's own words, never FAIL.

// smokeArgs are the arguments that start a host and load nothing.
var smokeArgs = map[string][]string{
	HostPython: {"-s", "-c", "pass"},
	HostNode:   {"-e", "0"},
}

// smokeCache remembers, per runtime and host program, what the smoke
// test said ("" when the host started).
type smokeCache map[string]string

// hostBroken returns why the host program prog of kind cannot start on r
// without any artifact, or "".
func (c smokeCache) hostBroken(ctx context.Context, r *runtimes.Runtime, kind string, prog hostProgram) string {
	args, ok := smokeArgs[kind]
	if !ok {
		return ""
	}
	key := r.Root + "\x00" + prog.path
	if why, done := c[key]; done {
		return why
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := r.CommandEnv(ctx, hostEnv(os.Environ(), prog.env), prog.path, args...)
	out := &capped{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 2 * time.Second
	why := ""
	if err := cmd.Run(); err != nil {
		code, sig := exitStatus(cmd)
		status := fmt.Sprintf("exit status %d", code)
		if sig != "" {
			status = "killed by " + sig
		}
		why = fmt.Sprintf("the runtime's %s does not start even without the artifact (%s %s: %s; %s), so this run proves nothing about the artifact; the runtime or verify is at fault, please report it",
			prog.name, prog.name, strings.Join(args, " "), status, firstLine(out.buf.String()))
	}
	c[key] = why
	return why
}

// firstLine is the first non-empty line of s, or "(no output)".
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return "(no output)"
}
