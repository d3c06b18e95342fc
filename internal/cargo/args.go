package cargo

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"compatbuild/internal/buildenv"
	"compatbuild/internal/target"
)

// invocation is a cargo command line taken apart: what compatbuild reads
// from it, and the pieces it puts back together for cargo.
type invocation struct {
	toolchain string   // "+nightly", or ""
	pre       []string // cargo options before the subcommand
	sub       string   // the subcommand as given ("b", "build"), or ""
	args      []string // the subcommand's arguments up to "--", without --glibc and --target
	tail      []string // "--" and everything after it, unchanged

	glibc        string // --glibc value
	target       string // --target triple, without a glibc suffix
	targetGlibc  string // the glibc suffix of --target x86_64-unknown-linux-gnu.2.17
	manifestPath string
	packages     []string // -p/--package values
	workspace    bool     // --workspace / --all
	quiet        bool     // -q / --quiet
	formats      []string // --message-format values
	configs      []string // --config values, wherever they appear
	noScan       bool     // --no-scan: do not check what cargo wrote
	scanSkip     []string // --scan-skip patterns
}

// cargo's options before the subcommand that take a value in the next
// argument.
var preValueOptions = map[string]bool{"--config": true, "-Z": true, "--color": true, "-C": true, "--explain": true}

// Subcommand options compatbuild reads (all take a value).
var subValueOptions = map[string]bool{"--target": true, "--manifest-path": true, "-p": true, "--package": true, "--message-format": true, "--config": true, "--glibc": true, "--scan-skip": true}

// parseArgs splits args (everything after 'compatbuild cargo').
func parseArgs(args []string) (*invocation, error) {
	inv := &invocation{}
	seenTarget := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			inv.tail = args[i:]
			break
		}
		if inv.sub == "" && inv.toolchain == "" && strings.HasPrefix(a, "+") {
			// rustup's toolchain override; cargo must get it first.
			inv.toolchain = a
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") {
			name, hasValue = a, false
		}
		takesValue := subValueOptions[name] || (inv.sub == "" && preValueOptions[name])
		if takesValue && !hasValue {
			if i+1 >= len(args) || args[i+1] == "--" {
				return nil, fmt.Errorf("%s needs a value", name)
			}
			value = args[i+1]
			i++
		}
		// Short options written together with their value: -pfoo, -Zflag.
		if !takesValue && len(a) > 2 && a[0] == '-' && a[1] != '-' {
			switch a[:2] {
			case "-p":
				if inv.sub != "" {
					name, value, takesValue = "-p", a[2:], true
				}
			case "-Z", "-C":
				if inv.sub == "" {
					name, value, takesValue = a[:2], a[2:], true
				}
			}
		}
		raw := a
		if takesValue {
			raw = name + "=" + value
			if len(name) == 2 { // short options have no "=" form
				raw = name + value
			}
		}
		switch {
		case name == "--glibc":
			if inv.glibc != "" {
				return nil, fmt.Errorf("--glibc given twice (%s and %s): give the floor once", inv.glibc, value)
			}
			if value == "" {
				return nil, fmt.Errorf("--glibc needs a version, e.g. --glibc 2.17")
			}
			inv.glibc = value
			continue
		case name == "--no-scan" && !hasValue:
			inv.noScan = true
			continue
		case name == "--scan-skip":
			if _, err := filepath.Match(value, ""); err != nil || value == "" {
				return nil, fmt.Errorf("--scan-skip %q: not a pattern", value)
			}
			inv.scanSkip = append(inv.scanSkip, value)
			continue
		case name == "--target" && inv.sub != "":
			if seenTarget {
				return nil, fmt.Errorf("--target given twice: compatbuild cargo builds for one target at a time")
			}
			seenTarget = true
			t, g, err := splitTarget(value)
			if err != nil {
				return nil, err
			}
			inv.target, inv.targetGlibc = t, g
			continue
		case name == "--config":
			inv.configs = append(inv.configs, value)
		case name == "--manifest-path" && inv.sub != "":
			inv.manifestPath = value
		case (name == "-p" || name == "--package") && inv.sub != "":
			inv.packages = append(inv.packages, value)
		case (name == "--workspace" || name == "--all") && inv.sub != "":
			inv.workspace = true
		case name == "-q" || name == "--quiet":
			inv.quiet = true
		case name == "--message-format" && inv.sub != "":
			inv.formats = append(inv.formats, value)
			continue // put back by command()
		}
		switch {
		case inv.sub == "" && !strings.HasPrefix(a, "-"):
			inv.sub = a
		case inv.sub == "":
			inv.pre = append(inv.pre, raw)
		default:
			inv.args = append(inv.args, raw)
		}
	}
	return inv, nil
}

// A cargo-zigbuild style target: the triple with the glibc release
// appended, e.g. x86_64-unknown-linux-gnu.2.17.
var glibcSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+-gnu[a-z0-9]*)\.([0-9]+\.[0-9]+(?:\.[0-9]+)?)$`) })

// splitTarget accepts a Rust target triple of an ABI compatbuild builds
// for (x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu,
// armv7-unknown-linux-gnueabihf, ...), with or without a glibc suffix.
func splitTarget(v string) (triple, glibc string, err error) {
	triple = v
	if m := glibcSuffix().FindStringSubmatch(v); m != nil {
		triple, glibc = m[1], m[2]
	}
	if _, err := target.Parse(triple); err != nil || strings.Count(triple, "-") < 3 {
		return "", "", fmt.Errorf("--target %s: compatbuild cargo builds for the Linux glibc targets %s, optionally with the glibc floor appended (aarch64-unknown-linux-gnu.2.17)", v, rustTargets())
	}
	return triple, glibc, nil
}

// rustTargets lists the Rust triples of compatbuild's targets.
func rustTargets() string {
	var out []string
	for _, t := range target.All() {
		out = append(out, t.Rust)
	}
	return strings.Join(out, ", ")
}

// rustTarget is the Rust triple being built for: the --target one, else
// x86_64's.
func (inv *invocation) rustTarget() string {
	if inv.target != "" {
		return inv.target
	}
	return buildenv.RustTarget
}

// linkTarget is the ABI the Rust target links for.
func (inv *invocation) linkTarget() target.Target {
	if t, err := target.Parse(inv.target); inv.target != "" && err == nil {
		return t
	}
	return target.Host()
}

// Subcommands that compile for the target and so link through compatbuild.
var buildCommands = map[string]string{
	"build": "build", "b": "build", "check": "check", "c": "check", "test": "test", "t": "test",
	"bench": "bench", "run": "run", "r": "run", "rustc": "rustc", "doc": "doc", "d": "doc",
	"rustdoc": "rustdoc", "clippy": "clippy", "fix": "fix", "install": "install",
}

// Subcommands whose artifacts compatbuild reports afterwards.
var reportCommands = map[string]bool{"build": true, "rustc": true}

// Cargo's own subcommands that build nothing for the target; they run as
// plain cargo.
var plainCommands = map[string]bool{
	"add": true, "clean": true, "config": true, "fetch": true, "generate-lockfile": true, "help": true,
	"info": true, "init": true, "locate-project": true, "login": true, "logout": true, "metadata": true,
	"new": true, "owner": true, "package": true, "pkgid": true, "publish": true, "read-manifest": true,
	"remove": true, "report": true, "search": true, "tree": true, "uninstall": true, "update": true,
	"vendor": true, "verify-project": true, "version": true, "yank": true, "fmt": true,
}

// kind is what compatbuild does with the subcommand.
type kind int

const (
	kindPlain  kind = iota // run cargo as it is
	kindBuild              // build through compatbuild
	kindReport             // build, then report the artifacts' floors
)

func (inv *invocation) kind() (kind, error) {
	if inv.sub == "" || plainCommands[inv.sub] {
		return kindPlain, nil
	}
	canon, ok := buildCommands[inv.sub]
	if !ok {
		return 0, fmt.Errorf("%q is not a cargo command compatbuild knows how to build with (build, check, test, bench, run, rustc, doc, clippy, fix, install): run it as 'compatbuild exec -- cargo %s', or with plain cargo if it builds nothing", inv.sub, inv.sub)
	}
	if reportCommands[canon] {
		return kindReport, nil
	}
	return kindBuild, nil
}

// Ways compatbuild reads cargo's standard output.
const (
	readNone = iota // cargo's stdout is the user's
	readOwn         // compatbuild asked for JSON: read it, show only other lines
	readTee         // the user asked for JSON too: read it and pass it on
)

// messageFormat decides the --message-format to pass and how to read
// cargo's standard output. Diagnostics stay rendered by cargo on stderr.
func (inv *invocation) messageFormat() (flag string, mode int) {
	joined := strings.Join(inv.formats, ",")
	switch {
	case strings.Contains(joined, "json"):
		return "--message-format=" + joined, readTee
	case strings.Contains(joined, "short"):
		return "--message-format=json-diagnostic-short,json-render-diagnostics", readOwn
	}
	return "--message-format=json-render-diagnostics", readOwn
}

// command is the cargo argument list: the user's arguments with the
// target triple made explicit (so build scripts and proc-macros, which
// cargo then builds without the target's rustflags, still link for the
// host) and extra options before the subcommand.
func (inv *invocation) command(k kind, extraPre []string) []string {
	var out []string
	if inv.toolchain != "" {
		out = append(out, inv.toolchain)
	}
	out = append(out, inv.pre...)
	out = append(out, extraPre...)
	if inv.sub != "" {
		out = append(out, inv.sub)
	}
	if k != kindPlain || inv.target != "" {
		out = append(out, "--target", inv.rustTarget())
	}
	if k == kindReport {
		flag, _ := inv.messageFormat()
		out = append(out, flag)
	} else {
		for _, f := range inv.formats {
			out = append(out, "--message-format="+f)
		}
	}
	out = append(out, inv.args...)
	return append(out, inv.tail...)
}
