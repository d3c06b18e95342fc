package verify

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Inconclusive: the artifact started a program of this machine that the
// runtime does not have (it ran `ls`, and only /bin/sh comes with every
// runtime), and that program could not run on the runtime's glibc. On the
// target the target's own program would have run, so the cell proves
// neither that the artifact works there nor that it does not. The reason
// names the program and the --package that brings the target's.
const Inconclusive Status = "inconclusive"

// ExitInconclusive is verify's exit status when no cell failed but some
// were inconclusive.
const ExitInconclusive = 3

// loaderVersionLine is the loader's refusal of a program for a symbol
// version its glibc lacks: "PROG: LIB: version `GLIBC_2.34' not found
// (required by WHO)" (glibc's elf/dl-version.c; quotes ` or ').
var loaderVersionLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("^(\\S+): (\\S+): version [`'](GLIBC_[0-9.]+)' not found \\(required by (.+)\\)$")
})

// foreignProgram finds, in a run's output, a program of this machine
// (outside the runtime's root, not the artifact, not its host program)
// that the loader refused to start under the runtime. It returns the
// program's path and the newest glibc version the loader's lines say it
// needs (the loader prints one line per missing version: GLIBC_2.33, then
// GLIBC_2.36, ...), or "" when there is none. A program given by name
// (system("ls") says "ls") is looked up in PATH, as the shell that
// started it did.
func foreignProgram(output, root string, ours []string) (prog, need string) {
	for _, line := range strings.Split(output, "\n") {
		m := loaderVersionLine().FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		p := m[1]
		if !strings.Contains(p, "/") {
			if lp, err := exec.LookPath(p); err == nil {
				p = lp
			}
		}
		if abs, err := filepath.Abs(p); err == nil && strings.Contains(p, "/") {
			p = abs
		}
		if strings.HasPrefix(p, root+"/") || slices.Contains(ours, p) || (prog != "" && p != prog) {
			continue
		}
		v := strings.TrimPrefix(m[3], "GLIBC_")
		if prog == "" || versionLess(need, v) {
			prog, need = p, v
		}
	}
	return prog, need
}

// judgeForeign turns a failed result whose run shows a foreign program
// (see foreignProgram) into an inconclusive one that says what ran.
func judgeForeign(res Result, root, glibc string, ours []string) Result {
	if res.Status != Fail || res.TimedOut {
		return res
	}
	prog, need := foreignProgram(res.Output, root, ours)
	if prog == "" {
		return res
	}
	res.Status = Inconclusive
	res.Reason = fmt.Sprintf("the artifact started %s, this machine's program, which cannot run on glibc %s (it needs GLIBC_%s); %s to verify with the target's (then: %s)",
		prog, glibc, need, packageHint(prog), res.Reason)
	return res
}

// packageHint says which --package brings the target's own prog: the
// Debian package that owns it on this machine (dpkg -S, trying the
// merged-/usr spelling too), else the general form.
func packageHint(prog string) string {
	if pkg := debianOwner(prog); pkg != "" {
		return "add its package with --package " + pkg
	}
	return "add the Debian package that has it with --package NAME"
}

func debianOwner(prog string) string {
	tries := []string{prog}
	if rest, ok := strings.CutPrefix(prog, "/usr"); ok {
		tries = append(tries, rest)
	} else {
		tries = append(tries, "/usr"+prog)
	}
	for _, p := range tries {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		out, err := exec.CommandContext(ctx, "dpkg-query", "-S", p).Output()
		cancel()
		if err != nil {
			continue
		}
		// "coreutils: /bin/ls"; diversions and several owners say more.
		line, _, _ := strings.Cut(string(out), "\n")
		owners, path, ok := strings.Cut(line, ": ")
		if ok && path == p && !strings.ContainsAny(owners, " ") {
			pkg, _, _ := strings.Cut(owners, ":") // "libc-bin:amd64"
			return pkg
		}
	}
	return ""
}

// Inconclusive reports whether any cell was inconclusive.
func (r *Report) Inconclusive() bool {
	return slices.ContainsFunc(r.Results, func(res Result) bool { return res.Status == Inconclusive })
}
