package verify

import (
	_ "embed"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"compatbuild/internal/runtimes"
)

// The real hosts: programs of the runtime's own system that load an
// artifact as its users do.
//
//go:embed host/python_host.py
var pythonHost string

//go:embed host/node_host.js
var nodeHost string

// Host kinds (Options.Host).
const (
	// HostDlopen is the default: compatbuild's own dlopen host.
	HostDlopen = "dlopen"
	// HostPython imports extension modules (and wheels) with the
	// runtime's Python 3: debian:11 has 3.9, debian:12 3.11, debian:13
	// 3.13.
	HostPython = runtimes.HostPython
	// HostNode requires N-API addons with the runtime's Node.js.
	HostNode = runtimes.HostNode
)

// hostSpec is a parsed Options.Host.
type hostSpec struct {
	kind string   // HostDlopen, HostPython, HostNode, or "command"
	argv []string // for "command": PROG ARGS with "{}" for the artifact
}

func (h hostSpec) String() string {
	if h.kind == "command" {
		return strings.Join(h.argv, " ")
	}
	return h.kind
}

// parseHost reads Options.Host: "", "dlopen", "python3", "node", or a
// command 'PROG ARGS {}' from the runtime's packages ({} is the artifact's
// path; quotes group words).
func parseHost(s string) (hostSpec, error) {
	switch strings.TrimSpace(s) {
	case "", HostDlopen:
		return hostSpec{kind: HostDlopen}, nil
	case HostPython, "python":
		return hostSpec{kind: HostPython}, nil
	case HostNode, "nodejs":
		return hostSpec{kind: HostNode}, nil
	}
	argv, err := splitWords(s)
	if err != nil {
		return hostSpec{}, fmt.Errorf("--host %q: %v", s, err)
	}
	if !strings.Contains(s, "{}") {
		return hostSpec{}, fmt.Errorf("--host %q: a host command needs {} where the artifact's path goes, e.g. --host 'python3 -c \"import ctypes,sys; ctypes.CDLL(sys.argv[1])\" {}'; or use --host python3 or --host node", s)
	}
	if strings.Contains(argv[0], "{}") {
		return hostSpec{}, fmt.Errorf("--host %q: the first word must be the program to run", s)
	}
	return hostSpec{kind: "command", argv: argv}, nil
}

// splitWords splits s into words at blanks; '...' and "..." group.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quote, have := false, rune(0), false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, have = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in || have {
				words = append(words, cur.String())
				cur.Reset()
			}
			in, have = false, false
			continue
		default:
			cur.WriteRune(r)
		}
		in = true
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if in || have {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty host command")
	}
	return words, nil
}

// hostFor is the host that loads artifact a: wheels always go to Python.
func hostFor(a Artifact, h hostSpec) hostSpec {
	if a.Kind == KindWheel {
		return hostSpec{kind: HostPython}
	}
	return h
}

// hostPackages are the Debian packages a named runtime needs for the
// hosts of arts.
func hostPackages(runtime string, arts []Artifact, h hostSpec) ([]string, error) {
	var out []string
	for _, a := range arts {
		switch k := hostFor(a, h).kind; k {
		case HostPython, HostNode:
			pkgs, err := runtimes.HostPackages(runtime, k)
			if err != nil {
				return nil, err
			}
			out = append(out, pkgs...)
		}
	}
	return out, nil
}

// hostProgram is how one artifact is loaded on one runtime: the host
// program inside the runtime and its arguments.
type hostProgram struct {
	name string // shown in results: "python3.9", "node", the command
	path string // host path of the program inside the runtime
	args []string
	env  []string // extra environment
	// protocol: the program reports on fd 3 (dlopen, Python, Node hosts).
	protocol bool
}

// pythonProgram loads a with the runtime's Python: an extension module
// directly, a wheel from site (its private install directory).
func pythonProgram(rt *runtimes.Runtime, a Artifact, s site, opts Options) (hostProgram, string, error) {
	path, version, err := rt.Python()
	if err != nil {
		return hostProgram{}, "", err
	}
	mode, target := "module", a.abs
	if a.Kind == KindWheel {
		mode, target = "wheel", s.dir
	}
	args := []string{"-s", "-c", pythonHost, mode, target, opts.Call, callMode(opts)}
	if a.Kind == KindWheel {
		args = append(append(append(args, s.names...), "--"), moduleNames(s.mods)...)
	}
	return hostProgram{name: "python" + version, path: path, args: args, protocol: true,
		env: []string{"PYTHONDONTWRITEBYTECODE=1"}}, version, nil
}

func nodeProgram(rt *runtimes.Runtime, a Artifact, opts Options) (hostProgram, error) {
	path, err := rt.Node()
	if err != nil {
		return hostProgram{}, err
	}
	return hostProgram{name: "node", path: path, args: []string{"-e", nodeHost, a.abs, opts.Call, callMode(opts)}, protocol: true}, nil
}

func commandProgram(rt *runtimes.Runtime, a Artifact, h hostSpec) (hostProgram, error) {
	path, err := rt.FindProgram(h.argv[0])
	if err != nil {
		return hostProgram{}, err
	}
	var args []string
	for _, w := range h.argv[1:] {
		args = append(args, strings.ReplaceAll(w, "{}", a.abs))
	}
	// Where no mount namespace keeps the runtime read-only, a Python
	// host must not write bytecode caches into it.
	return hostProgram{name: filepath.Base(h.argv[0]), path: path, args: args, env: []string{"PYTHONDONTWRITEBYTECODE=1"}}, nil
}

func callMode(opts Options) string {
	if opts.ExpectReturn != nil {
		return "int"
	}
	return "void"
}

// hostEnv is the environment of a host program: the caller's, without
// Python's and Node's own search variables, which would bring the
// build machine's modules into the runtime.
func hostEnv(env []string, extra []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PYTHON") || strings.HasPrefix(name, "NODE_") || name == "VIRTUAL_ENV" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}
