package driver

import (
	"fmt"
	"os"
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

// invocation is what the driver needs to know about a compiler command line
// (response files already expanded: expandArgs).
type invocation struct {
	compileOnly bool   // -c, -S, -E or dependency-only: no link
	dryRun      bool   // -###: the compiler prints its commands, runs none
	hasInputs   bool   // any input file or library
	output      string // the file the link writes: see linkOutput
	static      string // "-static" or "-static-pie" if given
	shared      bool
	profile     bool // -pg, -p: the executable starts with gcrt1.o
	m32         bool
	// noStartFiles: -nostartfiles or -nostdlib, the user links start
	// code of their own (the output check then does not ask for
	// compatbuild's; see checkStartFiles).
	noStartFiles bool
	noOutput     bool // the linker is asked for --version or --help, and may write nothing
}

// parseArgs reads an expanded command line (expandArgs). Its error is a
// one-line message for a command line whose output cannot be told for
// sure (see linkOutput).
func parseArgs(args []string) (invocation, error) {
	var inv invocation
	var driverOut string
	var linker []string // what reaches the linker through -Wl, and -Xlinker, in order
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
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
		case a == "-nostartfiles" || a == "-nostdlib":
			inv.noStartFiles = true
		case (a == "-o" || a == "--output") && i+1 < len(args):
			driverOut = args[i+1]
			i++
		case strings.HasPrefix(a, "--output="):
			driverOut = a[len("--output="):]
		case strings.HasPrefix(a, "-o") && len(a) > 2:
			driverOut = a[2:]
		case strings.HasPrefix(a, "-Wl,"):
			linker = append(linker, strings.Split(a[len("-Wl,"):], ",")...)
		case a == "-Xlinker" && i+1 < len(args):
			linker = append(linker, args[i+1])
			i++
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
	out, noOutput, err := linkOutput(linker)
	if err != nil {
		return inv, err
	}
	inv.noOutput = noOutput
	switch {
	case out != "":
		inv.output = out
	case driverOut != "":
		inv.output = driverOut
	default:
		inv.output = "a.out"
	}
	return inv, nil
}

// The output of a link, the way gcc and clang decide it (verified with gcc
// 12, clang 14, GNU ld 2.40, gold, lld 14 and mold): the compiler's own
// spellings are -o X, -oX, --output=X and --output X, the last one wins,
// and the default is a.out; the compiler passes it to the linker as -o X
// in front of everything the user passes through -Wl, and -Xlinker, so a
// linker-level -o (-Wl,-o,X, -Wl,-oX, -Wl,--output=X, -Xlinker -o
// -Xlinker X, also inside a linker response file -Wl,@file) wins over
// the compiler's, and among those the last one wins.
//
// Linkers disagree on a few spellings: GNU ld reads -Wl,-output=X as
// -o utput=X and gold as --output=X; GNU ld takes the abbreviation
// --outp=X for --output=X and --out=X for --out-implib=X, the others
// refuse both. The driver cannot know which file such a link writes, so
// it refuses them with a one-line error rather than check the wrong file.

// linkerOptionsWithValue are the linker options (as compilers pass them:
// -Wl,-soname,NAME) whose value is the next argument, so that a value
// such as "-o" is not taken for an option.
var linkerOptionsWithValue = map[string]bool{
	"-soname": true, "-h": true, "-rpath": true, "-rpath-link": true, "-T": true,
	"-e": true, "-u": true, "-y": true, "-Map": true, "-z": true, "-m": true,
	"-l": true, "-L": true, "-F": true, "-f": true, "-R": true, "-Y": true, "-A": true, "-b": true,
	"--soname": true, "--rpath": true, "--rpath-link": true, "--script": true, "--entry": true,
	"--undefined": true, "--trace-symbol": true, "--defsym": true, "--library": true,
	"--library-path": true, "--version-script": true, "--dynamic-list": true, "--Map": true,
	"--wrap": true, "--exclude-libs": true, "--dependency-file": true, "--section-start": true,
	"-Ttext": true, "-Tdata": true, "-Tbss": true, "--just-symbols": true, "--filter": true,
	"--auxiliary": true, "-dynamic-linker": true, "--dynamic-linker": true, "-plugin": true,
	"--plugin": true, "-plugin-opt": true, "--plugin-opt": true, "--hash-style": true,
}

// linkOutput finds the output named in what the compiler passes to the
// linker ("" when nothing there names one); noOutput says the linker is
// asked for --version, -v or --help, which may write nothing.
func linkOutput(tokens []string) (out string, noOutput bool, err error) {
	tokens, err = expandLinkerFiles(tokens, 0)
	if err != nil {
		return "", false, err
	}
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		name, value, hasValue := strings.Cut(t, "=")
		switch {
		case t == "--version" || t == "-v" || t == "-V" || t == "--help" || t == "--target-help":
			noOutput = true
		case t == "-o" || t == "--output":
			if i+1 < len(tokens) {
				out = tokens[i+1]
				i++
			}
		case name == "--output" && hasValue:
			out = value
		case name == "-output" || (len(name) > 2 && len(name) < len("--output") && strings.HasPrefix("--output", name)):
			return "", false, fmt.Errorf("the linker option %s names the output in a way linkers read differently (GNU ld, gold, lld and mold disagree): write -o FILE instead", t)
		case strings.HasPrefix(t, "-o") && !strings.HasPrefix(t, "--"):
			out = t[2:]
		case linkerOptionsWithValue[t]:
			i++
		}
	}
	return out, noOutput, nil
}

// expandLinkerFiles expands the linker's own response files (-Wl,@file),
// which the linker reads the way gcc reads the compiler's. Only regular
// files are read here: the linker must still find a pipe's content.
func expandLinkerFiles(tokens []string, depth int) ([]string, error) {
	if !hasResponseFile(tokens) {
		return tokens, nil
	}
	var out []string
	for _, t := range tokens {
		if len(t) < 2 || t[0] != '@' {
			out = append(out, t)
			continue
		}
		st, err := os.Stat(t[1:])
		if err != nil {
			out = append(out, t)
			continue
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("the linker response file %s is not a regular file (a pipe or device): compatbuild cannot read it without taking it from the linker, and must know what the link writes; write it to a file", t)
		}
		if depth >= 16 || st.Size() > maxResponseBytes {
			return nil, fmt.Errorf("the linker response file %s is too large or nested too deep (%d levels)", t, depth)
		}
		data, err := os.ReadFile(t[1:])
		if err != nil {
			out = append(out, t)
			continue
		}
		inner, err := expandLinkerFiles(splitResponseFile(string(data)), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
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
