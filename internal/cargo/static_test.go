package cargo

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCrtStaticFlag(t *testing.T) {
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-C", "target-feature=+crt-static"}, "-C target-feature=+crt-static"},
		{[]string{"-Ctarget-feature=+crt-static"}, "-Ctarget-feature=+crt-static"},
		{[]string{"--codegen", "target-feature=+sse4.2,+crt-static"}, "--codegen target-feature=+sse4.2,+crt-static"},
		{[]string{"--codegen=target-feature=+crt-static"}, "--codegen=target-feature=+crt-static"},
		{[]string{"-Ctarget-feature=+crt-static", "-C", "target-feature=-crt-static"}, ""},
		{[]string{"-C", "target-cpu=native", "-Copt-level=3"}, ""},
		{[]string{"-C"}, ""},
		{[]string{"--cfg", "target-feature=+crt-static"}, ""},
	} {
		if got := crtStatic(tc.flags); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.flags, got, tc.want)
		}
	}
}

func TestCfgMatches(t *testing.T) {
	for key, want := range map[string]bool{
		`cfg(unix)`:                true,
		`cfg(windows)`:             false,
		`cfg(target_os = "linux")`: true,
		`cfg(target_env = "msvc")`: false,
		`cfg(all(target_os = "linux", target_env = "gnu"))`:  true,
		`cfg(all(target_os = "linux", target_env = "musl"))`: false,
		`cfg(any(windows, target_arch = "x86_64"))`:          true,
		`cfg(not(windows))`:                  true,
		`cfg(not(unix))`:                     false,
		`cfg(target_feature = "crt-static")`: false,
		`cfg(all(unix,))`:                    true,
		`cfg(unix`:                           false,
		`cfg(all(unix)`:                      false,
		`cfg(target_os = "linux)`:            false,
		`cfg()`:                              false,
	} {
		if got := cfgMatches(key); got != want {
			t.Errorf("%s: got %v", key, got)
		}
	}
}

// Every place cargo takes the target's rustflags from is searched, and
// only the one cargo uses: the message names it and the user's flag.
func TestCrtStaticIsRefusedWhereverItIs(t *testing.T) {
	const crt = `["-C", "target-feature=+crt-static"]`
	for _, tc := range []struct {
		name, config string
		e            env
		cli          []string
		tail         []string
		want         string // "" = allowed
	}{
		{name: "RUSTFLAGS", e: env{"RUSTFLAGS": "-C target-feature=+crt-static"}, want: `RUSTFLAGS sets "-C target-feature=+crt-static"`},
		{name: "encoded", e: env{"CARGO_ENCODED_RUSTFLAGS": "-Ctarget-feature=+crt-static"}, want: `CARGO_ENCODED_RUSTFLAGS sets "-Ctarget-feature=+crt-static"`},
		{name: "target table", config: "[target.x86_64-unknown-linux-gnu]\nrustflags = " + crt + "\n", want: `config.toml: target.x86_64-unknown-linux-gnu.rustflags sets "-C target-feature=+crt-static"`},
		{name: "build table", config: "[build]\nrustflags = \"-C target-feature=+crt-static\"\n", want: `config.toml: build.rustflags sets "-C target-feature=+crt-static"`},
		{name: "cfg linux", config: "[target.'cfg(target_os = \"linux\")']\nrustflags = " + crt + "\n", want: `target.'cfg(target_os = "linux")'.rustflags sets`},
		{name: "cfg windows", config: "[target.'cfg(windows)']\nrustflags = " + crt + "\n"},
		{name: "cli config", cli: []string{`build.rustflags=["-Ctarget-feature=+crt-static"]`}, want: `--config build.rustflags=["-Ctarget-feature=+crt-static"]: build.rustflags sets`},
		{name: "target env", e: env{"CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS": "-Ctarget-feature=+crt-static"}, want: "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS sets"},
		{name: "rustc tail", tail: []string{"--", "-C", "target-feature=+crt-static"}, want: `the rustc arguments after -- set`},
		{name: "RUSTFLAGS wins over config", config: "[build]\nrustflags = " + crt + "\n", e: env{"RUSTFLAGS": "-Copt-level=2"}},
		{name: "target wins over build", config: "[build]\nrustflags = " + crt + "\n[target.x86_64-unknown-linux-gnu]\nrustflags = []\n"},
		{name: "turned off again", e: env{"RUSTFLAGS": "-Ctarget-feature=+crt-static -Ctarget-feature=-crt-static"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.config != "" {
				writeFile(t, filepath.Join(dir, ".cargo", "config.toml"), tc.config)
			}
			e := env{"CARGO_HOME": filepath.Join(dir, "home")}
			for k, v := range tc.e {
				e = e.with(k, v)
			}
			c, err := readConfig(dir, tc.cli, e.get, e.lookup)
			if err != nil {
				t.Fatal(err)
			}
			err = checkCrtStatic(c, e.lookup, tc.tail, "2.17")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "x86_64-unknown-linux-musl")):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
