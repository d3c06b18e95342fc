package driver

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// optionsWithValue are compiler options whose value is the next argument
// when not attached ("-o out", "-I dir"). Knowing them keeps their values
// from being mistaken for input files.
var optionsWithValue = map[string]bool{
	"-o": true, "-I": true, "-L": true, "-D": true, "-U": true, "-l": true,
	"-include": true, "-imacros": true, "-isystem": true, "-iquote": true,
	"-idirafter": true, "-iprefix": true, "-iwithprefix": true, "-isysroot": true,
	"-x": true, "-MF": true, "-MT": true, "-MQ": true, "-Xlinker": true,
	"-Xassembler": true, "-Xpreprocessor": true, "-Xclang": true, "-T": true,
	"-u": true, "-e": true, "--param": true, "-aux-info": true, "-B": true,
	"-z": true, "-target": true, "--target": false, "-arch": true,
}

// invocation is what the driver needs to know about a compiler command line.
type invocation struct {
	compileOnly bool   // -c, -S, -E or dependency-only: no link
	dryRun      bool   // -###: the compiler prints its commands, runs none
	hasInputs   bool   // any input file or library
	output      string // -o value, "" for the default
	static      string // "-static" or "-static-pie" if given
	shared      bool
	profile     bool // -pg, -p: the executable starts with gcrt1.o
	m32         bool
}

// maxResponseDepth bounds @file nesting, as a loop of files would
// otherwise never end (gcc stops at 2000).
const maxResponseDepth = 10

func parseArgs(args []string) invocation {
	var inv invocation
	inv.scan(args, 0)
	return inv
}

// scan reads args into inv. Response files (@file, which rustc and other
// tools use for long command lines) are read in place, as the compiler
// will; one that cannot be read is an input named "@file", as for gcc.
func (inv *invocation) scan(args []string, depth int) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case len(a) > 1 && a[0] == '@' && depth < maxResponseDepth:
			if data, err := os.ReadFile(a[1:]); err == nil {
				inv.scan(splitResponseFile(string(data)), depth+1)
			} else {
				inv.hasInputs = true
			}
		case a == "-c" || a == "-S" || a == "-E" || a == "-M" || a == "-MM" || a == "-fsyntax-only":
			inv.compileOnly = true
		case a == "-###":
			inv.dryRun = true
		case a == "-static" || a == "-static-pie":
			inv.static = a
		case a == "-shared":
			inv.shared = true
		case a == "-pg" || a == "-p" || a == "--profile":
			inv.profile = true
		case a == "-m32" || a == "-mx32":
			inv.m32 = true
		case a == "-o" && i+1 < len(args):
			inv.output = args[i+1]
			i++
		case strings.HasPrefix(a, "-o") && len(a) > 2:
			inv.output = a[2:]
		case a == "-l" && i+1 < len(args):
			inv.hasInputs = true
			i++
		case strings.HasPrefix(a, "-l") && len(a) > 2:
			inv.hasInputs = true
		case optionsWithValue[a]:
			i++
		case a == "-" || !strings.HasPrefix(a, "-") && a != "":
			inv.hasInputs = true
		}
	}
}

// splitResponseFile splits a response file the way gcc (libiberty's
// buildargv) does: arguments are separated by white space; single and
// double quotes group; a backslash takes the next character literally,
// inside quotes too.
func splitResponseFile(s string) []string {
	var args []string
	var cur strings.Builder
	inArg, escaped := false, false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			cur.WriteByte(c)
			escaped = false
		case c == '\\':
			escaped, inArg = true, true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inArg = c, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}

// dropZOption removes the linker option -z flag in every spelling
// (-Wl,-z,flag; -Wl,-zflag; -Xlinker -z -Xlinker flag; -z flag) and
// reports whether it found one.
func dropZOption(args []string, flag string) ([]string, bool) {
	var out []string
	dropped := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-Wl,"):
			parts := strings.Split(a[len("-Wl,"):], ",")
			var keep []string
			for j := 0; j < len(parts); j++ {
				switch {
				case parts[j] == "-z" && j+1 < len(parts) && parts[j+1] == flag:
					j++
					dropped = true
				case parts[j] == "-z"+flag || parts[j] == "-z,"+flag:
					dropped = true
				default:
					keep = append(keep, parts[j])
				}
			}
			if len(keep) > 0 {
				out = append(out, "-Wl,"+strings.Join(keep, ","))
			}
		case a == "-Xlinker" && i+3 < len(args) && args[i+1] == "-z" && args[i+2] == "-Xlinker" && args[i+3] == flag:
			i += 3
			dropped = true
		case a == "-z" && i+1 < len(args) && args[i+1] == flag:
			i++
			dropped = true
		case a == "-z"+flag:
			dropped = true
		default:
			out = append(out, a)
		}
	}
	return out, dropped
}

// dropZInResponseFiles is dropZOption for the response files among args
// (nested ones included): each @file that holds the option is copied
// without it into dir (made by scratch on first need) and the argument
// points at the copy. It reports whether it dropped any.
func dropZInResponseFiles(args []string, flag string, scratch func() (string, error)) ([]string, bool, error) {
	return dropZInResponseFilesAt(args, flag, scratch, 0)
}

func dropZInResponseFilesAt(args []string, flag string, scratch func() (string, error), depth int) ([]string, bool, error) {
	out := args // copied before the first change
	changed := false
	for i, a := range args {
		if len(a) < 2 || a[0] != '@' || depth >= maxResponseDepth {
			continue
		}
		data, err := os.ReadFile(a[1:])
		if err != nil {
			continue // the compiler takes it as an input named @file
		}
		inner, nested, err := dropZInResponseFilesAt(splitResponseFile(string(data)), flag, scratch, depth+1)
		if err != nil {
			return nil, false, err
		}
		inner, here := dropZOption(inner, flag)
		if !nested && !here {
			continue
		}
		dir, err := scratch()
		if err != nil {
			return nil, false, err
		}
		f, err := os.CreateTemp(dir, "args-*.rsp")
		if err == nil {
			_, err = f.WriteString(joinResponseFile(inner))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return nil, false, fmt.Errorf("rewriting response file %s: %v", a[1:], err)
		}
		if !changed {
			out = slices.Clone(args)
		}
		out[i] = "@" + f.Name()
		changed = true
	}
	return out, changed, nil
}

// joinResponseFile writes args so that splitResponseFile (and gcc) reads
// them back unchanged: one per line, special characters escaped.
func joinResponseFile(args []string) string {
	var b strings.Builder
	for _, a := range args {
		if a == "" {
			b.WriteString("''")
		}
		for i := 0; i < len(a); i++ {
			if strings.IndexByte(" \t\n\r\v\f'\"\\", a[i]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(a[i])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
