package cargo

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestScanTOML(t *testing.T) {
	src := `# cargo config
[build]
rustflags = [
  "-C", "target-cpu=native", # a comment
  '-Clink-arg=-fuse-ld=mold',
]
jobs = 4
target-dir = 'out' # literal

[target.x86_64-unknown-linux-gnu]
linker = "clang\u0021"
rustflags = "--cfg a"

[target.'cfg(target_os = "linux")']
rustflags = ["--cfg", "b"]

[target."aarch64-unknown-linux-gnu"]
runner = """
qemu-aarch64 \
  -L /usr"""

[alias]
xb = { a = 1, b = ["x", { c = "d" }] }

[[patch.unused]]
"quoted.key".inner = true
env.FOO = { value = "bar", force = true }
when = 1979-05-27 07:32:00
`
	entries, err := scanTOML(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		s := strings.Join(e.Path, "|") + " " + string(e.Kind)
		if e.Kind == 's' {
			s += " " + e.Str
		}
		if e.Kind == 'a' {
			s += " " + strings.Join(e.List, ",")
		}
		got = append(got, s)
	}
	want := []string{
		"alias|xb|a o",
		"alias|xb|b a x",
		"build|jobs o",
		"build|rustflags a -C,target-cpu=native,-Clink-arg=-fuse-ld=mold",
		"build|target-dir s out",
		"patch|unused|env|FOO|force o",
		"patch|unused|env|FOO|value s bar",
		"patch|unused|quoted.key|inner o",
		"patch|unused|when o",
		"target|aarch64-unknown-linux-gnu|runner s qemu-aarch64 -L /usr",
		`target|cfg(target_os = "linux")|rustflags a --cfg,b`,
		"target|x86_64-unknown-linux-gnu|linker s clang!",
		"target|x86_64-unknown-linux-gnu|rustflags s --cfg a",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, bad := range []string{"[build", "rustflags = [\"a\"", "x = \"unterminated\n", "= 1", "a = ", "a = 1 2 = 3\nb", `a = "\q"`, "a = 1\na = 2"} {
		if _, err := scanTOML(bad); err == nil {
			t.Errorf("%q: no error", bad)
		} else if !strings.HasPrefix(err.Error(), "line ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %q is not one line naming the line", bad, err)
		}
	}
	if _, err := scanTOML("# " + strings.Repeat("x", maxConfigBytes)); err == nil {
		t.Errorf("a config over %d bytes was decoded", maxConfigBytes)
	}
}

func TestTOMLStringRoundTrip(t *testing.T) {
	for _, s := range []string{"-Clinker=/a/b", `q"uo\te`, "tab\there", "é"} {
		entries, err := scanTOML("k = " + tomlString(s))
		if err != nil || len(entries) != 1 || entries[0].Str != s {
			t.Errorf("%q: %v %+v", s, err, entries)
		}
	}
}

// env is a fake environment for readConfig and planLinker.
type env map[string]string

func (e env) get(k string) string            { return e[k] }
func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e env) with(k, v string) env {
	n := env{}
	for a, b := range e {
		n[a] = b
	}
	n[k] = v
	return n
}
func plan(t *testing.T, dir string, e env, cli ...string) (linkerPlan, error) {
	t.Helper()
	c, err := readConfig(dir, cli, e.get, e.lookup)
	if err != nil {
		return linkerPlan{}, err
	}
	return planLinker(c, e.lookup, "/w/compatbuild-cc-2.17")
}

func TestPlanLinker(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "cargo-home")
	base := env{"CARGO_HOME": home}
	project := func(name, config string) string {
		dir := filepath.Join(root, name)
		if config != "" {
			writeFile(t, filepath.Join(dir, ".cargo", "config.toml"), config)
		}
		if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	const targetKey = "target.x86_64-unknown-linux-gnu.rustflags="
	flag := `"-Clinker=/w/compatbuild-cc-2.17"`
	for _, c := range []struct {
		name, config string
		e            env
		cli          []string
		config2      string // in $CARGO_HOME
		wantConfig   string
		wantEnv      string
		wantErr      string
	}{
		{name: "nothing", wantConfig: targetKey + "[" + flag + "]"},
		{name: "target array", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Ctarget-cpu=native\"]\n", wantConfig: targetKey + "[" + flag + "]"},
		{name: "target string", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = \"-Ctarget-cpu=native\"\n", wantConfig: targetKey + `"-Ctarget-cpu=native -Clinker=/w/compatbuild-cc-2.17"`},
		{name: "build only", config: "[build]\nrustflags = [\"-Ctarget-cpu=native\"]\n", wantConfig: "build.rustflags=[" + flag + "]"},
		{name: "build string", config: "build.rustflags = \"-Ca\"\n", wantConfig: `build.rustflags="-Ca -Clinker=/w/compatbuild-cc-2.17"`},
		{name: "build in CARGO_HOME", config2: "[build]\nrustflags = [\"-Ca\"]\n", wantConfig: "build.rustflags=[" + flag + "]"},
		{name: "build and target", config: "[build]\nrustflags = [\"-Ca\"]\n[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Cb\"]\n", wantConfig: targetKey + "[" + flag + "]"},
		{name: "build env, target file", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Cb\"]\n", e: env{"CARGO_BUILD_RUSTFLAGS": "-Ca"}, wantConfig: targetKey + "[" + flag + "]"},
		{name: "build env", e: env{"CARGO_BUILD_RUSTFLAGS": "-Ca"}, wantConfig: "build.rustflags=[" + flag + "]"},
		{name: "target env", e: env{"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS": "-Ca"}, config: "[build]\nrustflags = [\"-Cb\"]\n", wantConfig: targetKey + "[" + flag + "]"},
		{name: "cli build", cli: []string{`build.rustflags=["-Ca"]`}, wantConfig: "build.rustflags=[" + flag + "]"},
		{name: "cfg only", config: "[target.'cfg(unix)']\nrustflags = [\"-Ca\"]\n", wantConfig: targetKey + "[" + flag + "]"},
		{name: "cfg and build", config: "[build]\nrustflags = [\"-Ca\"]\n[target.'cfg(unix)']\nrustflags = [\"-Cb\"]\n", wantErr: "both build.rustflags"},
		{name: "RUSTFLAGS", e: env{"RUSTFLAGS": " -Ca  -C b "}, config: "[build]\nrustflags = [\"-Cx\"]\n", wantEnv: "-Ca\x1f-C\x1fb\x1f-Clinker=/w/compatbuild-cc-2.17"},
		{name: "empty RUSTFLAGS", e: env{"RUSTFLAGS": ""}, wantEnv: "-Clinker=/w/compatbuild-cc-2.17"},
		{name: "encoded", e: env{"CARGO_ENCODED_RUSTFLAGS": "-C\x1fa b", "RUSTFLAGS": "-Cx"}, wantEnv: "-C\x1fa b\x1f-Clinker=/w/compatbuild-cc-2.17"},
		{name: "bad toml", config: "[build\n", wantErr: "config.toml: line "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := project(strings.ReplaceAll(c.name, " ", "-"), c.config)
			os.RemoveAll(home)
			if c.config2 != "" {
				writeFile(t, filepath.Join(home, "config.toml"), c.config2)
			}
			e := base
			for k, v := range c.e {
				e = e.with(k, v)
			}
			p, err := plan(t, filepath.Join(dir, "src"), e, c.cli...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("err %v, want one line containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotConfig, gotEnv string
			if len(p.configArgs) == 2 && p.configArgs[0] == "--config" {
				gotConfig = p.configArgs[1]
			}
			if len(p.env) == 1 && p.env[0].Name == "CARGO_ENCODED_RUSTFLAGS" {
				gotEnv = p.env[0].Value
			}
			if gotConfig != c.wantConfig || gotEnv != c.wantEnv || len(p.configArgs)+len(p.env) > 2 {
				t.Errorf("plan %+v\nwant config %q env %q", p, c.wantConfig, c.wantEnv)
			}
		})
	}
}

func TestConfigLinkerAndTarget(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".cargo", "config.toml"), "[build]\ntarget = \"aarch64-unknown-linux-gnu\"\n[target.x86_64-unknown-linux-gnu]\nlinker = \"clang\"\n")
	writeFile(t, filepath.Join(dir, "sub", ".cargo", "config"), "[target.x86_64-unknown-linux-gnu]\nlinker = \"near\"\n")
	e := env{"CARGO_HOME": filepath.Join(dir, "none")}
	c, err := readConfig(filepath.Join(dir, "sub"), nil, e.get, e.lookup)
	if err != nil {
		t.Fatal(err)
	}
	if c.linker != "near" || !strings.HasSuffix(c.linkerFrom, filepath.Join("sub", ".cargo", "config")) {
		t.Errorf("linker %q from %q: the nearest config file must win", c.linker, c.linkerFrom)
	}
	if c.buildTarget != "aarch64-unknown-linux-gnu" {
		t.Errorf("build.target %q", c.buildTarget)
	}
	c, _ = readConfig(dir, []string{`target.x86_64-unknown-linux-gnu.linker="cli"`}, e.with("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "envlinker").get, e.lookup)
	if c.linker != "cli" {
		t.Errorf("linker %q: --config must win over the environment and files", c.linker)
	}
	c, _ = readConfig(dir, nil, e.with("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "envlinker").get, e.lookup)
	if c.linker != "envlinker" {
		t.Errorf("linker %q: the environment must win over files", c.linker)
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("CC_x86_64_unknown_linux_gnu", "my-cc --flag")
	t.Setenv("CXX_x86_64_unknown_linux_gnu", "")
	t.Setenv("CXX", "my-c++")
	t.Setenv("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "my-linker")
	vars, err := environment(Floor{Glibc: minGlibc}, compatbuildExe)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	if got["COMPATBUILD_CC"] != "my-cc --flag" || got["COMPATBUILD_CXX"] != "my-c++" || got["COMPATBUILD_GLIBC"] != "2.17" {
		t.Errorf("real compilers and floor: %q", got)
	}
	for _, name := range []string{"CC", "CC_x86_64_unknown_linux_gnu"} {
		if target, err := os.Readlink(got[name]); err != nil || target != compatbuildExe || filepath.Base(got[name]) != "compatbuild-cc-2.17" {
			t.Errorf("%s = %q (-> %q, %v): want the compatbuild-cc-2.17 link to %s", name, got[name], target, err, compatbuildExe)
		}
	}
	if filepath.Base(got["CXX_x86_64_unknown_linux_gnu"]) != "compatbuild-c++-2.17" {
		t.Errorf("CXX_x86_64_unknown_linux_gnu = %q", got["CXX_x86_64_unknown_linux_gnu"])
	}
	if _, ok := got["CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER"]; ok {
		t.Errorf("the target linker variable would make build scripts link through compatbuild too")
	}
}
