package driver

import "strings"

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
	hasInputs   bool   // any input file or library
	output      string // -o value, "" for the default
	static      string // "-static" or "-static-pie" if given
	shared      bool
	m32         bool
}

func parseArgs(args []string) invocation {
	var inv invocation
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c" || a == "-S" || a == "-E" || a == "-M" || a == "-MM" || a == "-fsyntax-only":
			inv.compileOnly = true
		case a == "-static" || a == "-static-pie":
			inv.static = a
		case a == "-shared":
			inv.shared = true
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
	return inv
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
