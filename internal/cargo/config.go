package cargo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"compatbuild/internal/buildenv"
)

// cargoConfig is what compatbuild needs to know of cargo's configuration
// (config files, CARGO_* variables and --config options) to add its
// linker flag without losing the user's rustflags.
type cargoConfig struct {
	// Where build.rustflags and target.<triple>.rustflags are set ("" if
	// nowhere), and their value when the winning definition is a string.
	buildRustflags, targetRustflags   string
	buildRustflagsStr, targetFlagsStr *string
	// target.'cfg(...)'.rustflags definitions, as "file: cfg(...)".
	cfgRustflags []string
	// target.<triple>.linker and build.target, with where they are set.
	linker, linkerFrom           string
	buildTarget, buildTargetFrom string
	// triple is the Rust target whose tables are read.
	triple string
	// rustflags are every definition of target and build rustflags, in
	// precedence order (cargo joins config arrays across files).
	rustflags []rustflagsDef
}

// envTripleOf is a Rust triple as cargo spells it in variable names.
func envTripleOf(triple string) string {
	return strings.ToUpper(strings.ReplaceAll(triple, "-", "_"))
}

// configFiles lists cargo's config files for dir, highest precedence
// first: .cargo/config.toml (or the older .cargo/config) in dir and each
// parent, then in $CARGO_HOME.
func configFiles(dir string, getenv func(string) string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(d string) {
		for _, name := range []string{"config", "config.toml"} {
			p := filepath.Join(d, name)
			if seen[p] {
				continue
			}
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				seen[p] = true
				out = append(out, p)
				return // cargo reads config when both exist
			}
		}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	for d := dir; ; {
		add(filepath.Join(d, ".cargo"))
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	home := getenv("CARGO_HOME")
	if home == "" {
		if h := getenv("HOME"); h != "" {
			home = filepath.Join(h, ".cargo")
		}
	}
	if home != "" {
		add(home)
	}
	return out
}

// readConfig gathers cargoConfig from --config options (highest
// precedence, the last one first), CARGO_* variables, then config files.
func readConfig(dir string, cliConfigs []string, getenv func(string) string, lookup func(string) (string, bool)) (*cargoConfig, error) {
	return readConfigFor(buildenv.RustTarget, dir, cliConfigs, getenv, lookup)
}

// readConfigFor is readConfig for the Rust target triple.
func readConfigFor(triple, dir string, cliConfigs []string, getenv func(string) string, lookup func(string) (string, bool)) (*cargoConfig, error) {
	c := &cargoConfig{triple: triple}
	envTriple := envTripleOf(triple)
	for i := len(cliConfigs) - 1; i >= 0; i-- {
		v := cliConfigs[i]
		entries, err := scanTOML(v)
		if err != nil || len(entries) != 1 || !strings.Contains(v, "=") {
			p := v
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			data, rerr := readBounded(p)
			if rerr != nil {
				continue // cargo itself reports a --config it cannot use
			}
			if entries, err = scanTOML(string(data)); err != nil {
				return nil, fmt.Errorf("reading cargo config %s: %v", v, err)
			}
			c.add(entries, "--config "+v)
			continue
		}
		c.add(entries, "--config "+v)
	}
	if v, ok := lookup("CARGO_TARGET_" + envTriple + "_RUSTFLAGS"); ok {
		c.setTargetFlags("CARGO_TARGET_"+envTriple+"_RUSTFLAGS", nil)
		c.rustflags = append(c.rustflags, rustflagsDef{"target", "CARGO_TARGET_" + envTriple + "_RUSTFLAGS", strings.Fields(v)})
	}
	if v, ok := lookup("CARGO_BUILD_RUSTFLAGS"); ok {
		c.setBuildFlags("CARGO_BUILD_RUSTFLAGS", nil)
		c.rustflags = append(c.rustflags, rustflagsDef{"build", "CARGO_BUILD_RUSTFLAGS", strings.Fields(v)})
	}
	if v := getenv("CARGO_TARGET_" + envTriple + "_LINKER"); v != "" && c.linker == "" {
		c.linker, c.linkerFrom = v, "CARGO_TARGET_"+envTriple+"_LINKER"
	}
	if v := getenv("CARGO_BUILD_TARGET"); v != "" && c.buildTargetFrom == "" {
		c.buildTarget, c.buildTargetFrom = v, "CARGO_BUILD_TARGET"
	}
	for _, f := range configFiles(dir, getenv) {
		data, err := readBounded(f)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading cargo config: %v", err)
		}
		entries, err := scanTOML(string(data))
		if err != nil {
			return nil, fmt.Errorf("reading cargo config %s: %v", f, err)
		}
		c.add(entries, f)
	}
	return c, nil
}

func (c *cargoConfig) setTargetFlags(from string, str *string) {
	if c.targetRustflags == "" {
		c.targetRustflags, c.targetFlagsStr = from, str
	}
}

func (c *cargoConfig) setBuildFlags(from string, str *string) {
	if c.buildRustflags == "" {
		c.buildRustflags, c.buildRustflagsStr = from, str
	}
}

// add records the entries of one source; sources come in precedence
// order, so the first definition of a scalar wins.
func (c *cargoConfig) add(entries []tomlEntry, from string) {
	for _, e := range entries {
		var str *string
		if e.Kind == 's' {
			s := e.Str
			str = &s
		}
		p := e.Path
		switch {
		case len(p) == 2 && p[0] == "build" && p[1] == "rustflags":
			c.setBuildFlags(from, str)
			c.rustflags = append(c.rustflags, rustflagsDef{"build", from + ": build.rustflags", rustflagsOf(e)})
		case len(p) == 2 && p[0] == "build" && p[1] == "target" && c.buildTargetFrom == "":
			c.buildTarget, c.buildTargetFrom = e.Str, from
			if e.Kind == 'a' {
				c.buildTarget = "(several targets)"
			}
		case len(p) == 3 && p[0] == "target" && p[2] == "rustflags":
			switch {
			case p[1] == c.triple:
				c.setTargetFlags(from, str)
				c.rustflags = append(c.rustflags, rustflagsDef{"target", from + ": target." + p[1] + ".rustflags", rustflagsOf(e)})
			case strings.HasPrefix(p[1], "cfg("):
				c.cfgRustflags = append(c.cfgRustflags, from+": target.'"+p[1]+"'.rustflags")
				if cfgMatches(p[1]) {
					c.rustflags = append(c.rustflags, rustflagsDef{"target", from + ": target.'" + p[1] + "'.rustflags", rustflagsOf(e)})
				}
			}
		case len(p) == 3 && p[0] == "target" && p[1] == c.triple && p[2] == "linker" && c.linker == "":
			c.linker, c.linkerFrom = e.Str, from
		}
	}
}

// readBounded reads a config file of at most maxConfigBytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err == nil && len(data) > maxConfigBytes {
		err = fmt.Errorf("%s is larger than %d KiB; a cargo configuration is a few lines", path, maxConfigBytes>>10)
	}
	return data, err
}

// linkerPlan is how '-C linker=<wrapper>' reaches rustc for the target's
// crates only: with an explicit --target, cargo applies rustflags to
// target artifacts but not to build scripts and proc-macros.
type linkerPlan struct {
	configArgs []string       // --config options for cargo
	env        []buildenv.Var // CARGO_ENCODED_RUSTFLAGS
}

// planLinker merges the linker flag with the user's rustflags. cargo takes
// rustflags from the first of CARGO_ENCODED_RUSTFLAGS, RUSTFLAGS, the
// target's rustflags (target.<triple> and matching target.'cfg(..)'
// tables, joined) and build.rustflags; compatbuild adds its flag to the one
// in force. Config arrays are joined by cargo itself (a --config array is
// appended to those of the config files).
func planLinker(c *cargoConfig, lookup func(string) (string, bool), wrapper string) (linkerPlan, error) {
	flag := "-Clinker=" + wrapper
	if v, ok := lookup("CARGO_ENCODED_RUSTFLAGS"); ok {
		if v != "" {
			flag = v + "\x1f" + flag
		}
		return linkerPlan{env: []buildenv.Var{{Name: "CARGO_ENCODED_RUSTFLAGS", Value: flag}}}, nil
	}
	if v, ok := lookup("RUSTFLAGS"); ok {
		flags := append(strings.Fields(v), flag)
		return linkerPlan{env: []buildenv.Var{{Name: "CARGO_ENCODED_RUSTFLAGS", Value: strings.Join(flags, "\x1f")}}}, nil
	}
	key, str := "target."+c.triple+".rustflags", c.targetFlagsStr
	if c.targetRustflags == "" && c.buildRustflags != "" {
		if len(c.cfgRustflags) > 0 {
			return linkerPlan{}, fmt.Errorf("cargo config sets both build.rustflags (%s) and %s, and compatbuild cannot tell which of them cargo uses; set the flags in RUSTFLAGS or in [target.%s] rustflags instead", c.buildRustflags, c.cfgRustflags[0], c.triple)
		}
		key, str = "build.rustflags", c.buildRustflagsStr
	}
	if str != nil {
		// A string cannot be joined with an array: extend the string.
		if strings.ContainsAny(wrapper, " \t") {
			return linkerPlan{}, fmt.Errorf("%s is a string in cargo config and the compatbuild wrapper path %q has a space: write rustflags as an array, or set XDG_CACHE_HOME to a path without spaces", key, wrapper)
		}
		return linkerPlan{configArgs: []string{"--config", key + "=" + tomlString(strings.TrimSpace(*str+" "+flag))}}, nil
	}
	return linkerPlan{configArgs: []string{"--config", key + "=[" + tomlString(flag) + "]"}}, nil
}
