package cargo

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// workspace writes a workspace: a root manifest and members, each a
// package with an empty lib.
func workspace(t *testing.T, root string, members map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Cargo.toml"), root)
	for name, extra := range members {
		writeFile(t, filepath.Join(dir, name, "Cargo.toml"), "[package]\nname = \""+name+"\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"+extra)
		writeFile(t, filepath.Join(dir, name, "src", "lib.rs"), "")
	}
	return dir
}

func meta(glibc string) string {
	return "\n[package.metadata.compatbuild]\nglibc = " + glibc + "\n"
}

// Floors from Cargo.toml, read with the real 'cargo metadata'.
func TestFloorFromCargoMetadata(t *testing.T) {
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Fatal("cargo not found: install Rust (rustup, or apt-get install cargo)")
	}
	virtual := "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\nresolver = \"2\"\n"
	withWS := virtual + "\n[workspace.metadata.compatbuild]\nglibc = \"2.31\"\n"
	for _, c := range []struct {
		name, root string
		members    map[string]string
		dir        string // inside the workspace
		args       []string
		env        string
		want, err  string
	}{
		{name: "single package", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n" + meta(`"2.28"`), want: "2.28 [package.metadata.compatbuild] of p"},
		{name: "workspace metadata", root: withWS, members: map[string]string{"a": "", "b": "", "c": ""}, want: "2.31 [workspace.metadata.compatbuild]"},
		{name: "package beats workspace", root: withWS, members: map[string]string{"a": meta(`"2.17"`), "b": "", "c": ""}, want: "2.17 [package.metadata.compatbuild] of a"},
		{name: "members disagree", root: virtual, members: map[string]string{"a": meta(`"2.17"`), "b": meta(`"2.28"`), "c": ""}, err: "declare different glibc floors: a (2.17), b (2.28)"},
		{name: "-p picks one", root: virtual, members: map[string]string{"a": meta(`"2.17"`), "b": meta(`"2.28"`), "c": ""}, args: []string{"build", "-p", "b"}, want: "2.28 [package.metadata.compatbuild] of b"},
		{name: "-p glob", root: virtual, members: map[string]string{"a": meta(`"2.17"`), "b": meta(`"2.28"`), "c": ""}, args: []string{"build", "--package", "[bc]"}, want: "2.28 [package.metadata.compatbuild] of b"},
		{name: "member dir", root: virtual, members: map[string]string{"a": meta(`"2.17"`), "b": meta(`"2.28"`), "c": ""}, dir: "b", want: "2.28 [package.metadata.compatbuild] of b"},
		{name: "manifest path", root: virtual, members: map[string]string{"a": meta(`"2.17"`), "b": meta(`"2.28"`), "c": ""}, args: []string{"build", "--manifest-path", "a/Cargo.toml"}, want: "2.17 [package.metadata.compatbuild] of a"},
		{name: "env beats metadata", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n" + meta(`"2.28"`), env: "2.24", want: "2.24 COMPATBUILD_GLIBC"},
		{name: "flag beats env", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", args: []string{"build", "--glibc", "2.19"}, env: "2.24", want: "2.19 --glibc"},
		{name: "suffix beats env", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", args: []string{"build", "--target", "x86_64-unknown-linux-gnu.2.27"}, env: "2.24", want: "2.27 --target x86_64-unknown-linux-gnu.2.27"},
		{name: "flag and suffix agree", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", args: []string{"build", "--glibc", "2.27", "--target", "x86_64-unknown-linux-gnu.2.27"}, want: "2.27 --glibc"},
		{name: "flag and suffix disagree", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", args: []string{"build", "--glibc", "2.28", "--target", "x86_64-unknown-linux-gnu.2.17"}, err: "disagree"},
		{name: "none", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", err: "no glibc floor given"},
		{name: "not a string", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n" + meta(`2.17`), err: `glibc must be a string such as "2.17"`},
		{name: "unknown release", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n" + meta(`"2.99"`), err: "[package.metadata.compatbuild] of p: glibc 2.99 is not a glibc release"},
		{name: "too old", root: "[package]\nname = \"p\"\nversion = \"0.1.0\"\n", env: "2.12", err: "COMPATBUILD_GLIBC: glibc 2.12: compatbuild links for glibc 2.17 to 2.44"},
		{name: "broken manifest", root: "[package\n", err: "reading the glibc floor from Cargo.toml with 'cargo metadata'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := workspace(t, c.root, c.members)
			if c.root != "" && c.members == nil && !strings.HasPrefix(c.root, "[package\n") {
				writeFile(t, filepath.Join(dir, "src", "lib.rs"), "")
			}
			args := c.args
			if args == nil {
				args = []string{"build"}
			}
			inv, err := parseArgs(args)
			if err != nil {
				t.Fatal(err)
			}
			run := filepath.Join(dir, c.dir)
			called := false
			f, err := resolveFloor(inv, c.env, func() (*metadata, error) {
				called = true
				return readMetadata(context.Background(), "cargo", run, inv)
			})
			if c.err != "" {
				// cargo's own error is shown whole: the file, the
				// line, the caret and the cause, not just the caret.
				whole := c.name == "broken manifest"
				if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") != whole ||
					(whole && !(strings.Contains(err.Error(), "Cargo.toml:1:") && strings.Contains(err.Error(), "unclosed table") && strings.Contains(err.Error(), "[package\n"))) {
					t.Errorf("err %v, want one line containing %q (cargo's whole message for a broken manifest)", err, c.err)
				}
				if c.name == "none" && !errors.Is(err, ErrNoFloor) {
					t.Errorf("err %v is not ErrNoFloor", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Glibc.String() + " " + f.From; got != c.want {
				t.Errorf("floor %q, want %q", got, c.want)
			}
			if called && (inv.glibc != "" || inv.targetGlibc != "" || c.env != "") {
				t.Errorf("cargo metadata ran although the floor was given")
			}
		})
	}
}
