package cargo

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want invocation
		cmd  []string // command(kind, nil)
	}{
		{
			args: []string{"build", "--release", "--glibc", "2.17", "-q"},
			want: invocation{sub: "build", args: []string{"--release", "-q"}, glibc: "2.17", quiet: true},
			cmd:  []string{"build", "--target", "x86_64-unknown-linux-gnu", "--message-format=json-render-diagnostics", "--release", "-q"},
		},
		{
			args: []string{"--glibc=2.28", "+nightly", "build"},
			want: invocation{toolchain: "+nightly", sub: "build", glibc: "2.28"},
			cmd:  []string{"+nightly", "build", "--target", "x86_64-unknown-linux-gnu", "--message-format=json-render-diagnostics"},
		},
		{
			args: []string{"+nightly", "-v", "--config", "build.jobs=2", "b", "-p", "foo", "--package=bar", "-pbaz", "--target", "x86_64-unknown-linux-gnu.2.17", "--", "--glibc", "x"},
			want: invocation{toolchain: "+nightly", pre: []string{"-v", "--config=build.jobs=2"}, sub: "b",
				args: []string{"-pfoo", "--package=bar", "-pbaz"}, tail: []string{"--", "--glibc", "x"},
				target: "x86_64-unknown-linux-gnu", targetGlibc: "2.17", packages: []string{"foo", "bar", "baz"}, configs: []string{"build.jobs=2"}},
			cmd: []string{"+nightly", "-v", "--config=build.jobs=2", "b", "--target", "x86_64-unknown-linux-gnu", "--message-format=json-render-diagnostics", "-pfoo", "--package=bar", "-pbaz", "--", "--glibc", "x"},
		},
		{
			args: []string{"test", "--workspace", "--manifest-path", "w/Cargo.toml", "--target=x86_64-unknown-linux-gnu", "--message-format", "short"},
			want: invocation{sub: "test", args: []string{"--workspace", "--manifest-path=w/Cargo.toml"}, target: "x86_64-unknown-linux-gnu",
				manifestPath: "w/Cargo.toml", workspace: true, formats: []string{"short"}},
			cmd: []string{"test", "--target", "x86_64-unknown-linux-gnu", "--message-format=short", "--workspace", "--manifest-path=w/Cargo.toml"},
		},
		{
			args: []string{"-Zunstable-options", "-C", "sub", "build"},
			want: invocation{pre: []string{"-Zunstable-options", "-Csub"}, sub: "build"},
		},
		{
			args: []string{"clean", "--glibc", "2.17"},
			want: invocation{sub: "clean", glibc: "2.17"},
			cmd:  []string{"clean"},
		},
		{
			args: []string{"--version"},
			want: invocation{pre: []string{"--version"}},
			cmd:  []string{"--version"},
		},
	} {
		got, err := parseArgs(c.args)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.args, *got, c.want)
		}
		if c.cmd != nil {
			k, err := got.kind()
			if err != nil {
				t.Errorf("%q: %v", c.args, err)
			}
			if cmd := got.command(k, nil); !reflect.DeepEqual(cmd, c.cmd) {
				t.Errorf("%q: command\n got %q\nwant %q", c.args, cmd, c.cmd)
			}
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "--glibc"}, "--glibc needs a value"},
		{[]string{"build", "--glibc", "--"}, "--glibc needs a value"},
		{[]string{"build", "--glibc", "2.17", "--glibc=2.28"}, "--glibc given twice"},
		{[]string{"build", "--target", "aarch64-unknown-linux-musl"}, "builds for the Linux glibc targets"},
		{[]string{"build", "--target", "arm-unknown-linux-gnueabi"}, "builds for the Linux glibc targets"},
		{[]string{"build", "--target", "x86_64-unknown-linux-musl"}, "builds for the Linux glibc targets"},
		{[]string{"build", "--target", "x86_64-unknown-linux-gnu.2.17", "--target", "x86_64-unknown-linux-gnu"}, "--target given twice"},
		{[]string{"build", "--target"}, "--target needs a value"},
	} {
		_, err := parseArgs(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err %v, want one line containing %q", c.args, err, c.want)
		}
	}
}

func TestKinds(t *testing.T) {
	for sub, want := range map[string]kind{
		"build": kindReport, "b": kindReport, "rustc": kindReport,
		"test": kindBuild, "t": kindBuild, "run": kindBuild, "r": kindBuild, "check": kindBuild, "bench": kindBuild, "install": kindBuild, "doc": kindBuild,
		"clean": kindPlain, "tree": kindPlain, "update": kindPlain, "": kindPlain,
	} {
		got, err := (&invocation{sub: sub}).kind()
		if err != nil || got != want {
			t.Errorf("%q: kind %d, %v; want %d", sub, got, err, want)
		}
	}
	_, err := (&invocation{sub: "nextest"}).kind()
	if err == nil || !strings.Contains(err.Error(), "compatbuild exec -- cargo nextest") {
		t.Errorf("unknown subcommand: %v", err)
	}
}

func TestMessageFormat(t *testing.T) {
	for _, c := range []struct {
		formats []string
		flag    string
		mode    int
	}{
		{nil, "--message-format=json-render-diagnostics", readOwn},
		{[]string{"human"}, "--message-format=json-render-diagnostics", readOwn},
		{[]string{"short"}, "--message-format=json-diagnostic-short,json-render-diagnostics", readOwn},
		{[]string{"json"}, "--message-format=json", readTee},
		{[]string{"json-diagnostic-short", "json-render-diagnostics"}, "--message-format=json-diagnostic-short,json-render-diagnostics", readTee},
	} {
		flag, mode := (&invocation{formats: c.formats}).messageFormat()
		if flag != c.flag || mode != c.mode {
			t.Errorf("%q: %q %d, want %q %d", c.formats, flag, mode, c.flag, c.mode)
		}
	}
}

func TestReadMessages(t *testing.T) {
	in := strings.Join([]string{
		`{"reason":"compiler-artifact","target":{"kind":["custom-build"]},"filenames":["/t/release/build/x/build-script-build"],"executable":null}`,
		`{"reason":"compiler-artifact","target":{"kind":["proc-macro"]},"filenames":["/t/release/deps/libm-1.so"],"executable":null}`,
		`{"reason":"compiler-artifact","target":{"kind":["lib"]},"filenames":["/t/x/release/deps/liba-1.rlib","/t/x/release/deps/liba-1.rmeta"],"executable":null}`,
		`{"reason":"compiler-artifact","target":{"kind":["cdylib","rlib"]},"filenames":["/t/x/release/libp.so","/t/x/release/libp.rlib"],"executable":null}`,
		`{"reason":"compiler-artifact","target":{"kind":["bin"]},"filenames":["/t/x/release/app"],"executable":"/t/x/release/app"}`,
		`{"reason":"compiler-artifact","target":{"kind":["bin"]},"filenames":["/t/x/release/app"],"executable":"/t/x/release/app","fresh":true}`,
		`{"reason":"build-finished","success":true}`,
		`plain output of cargo rustc --print`,
		`{"not":"a cargo message"}`,
	}, "\n")
	var out strings.Builder
	got, err := readMessages(strings.NewReader(in), &out, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/t/x/release/libp.so", "/t/x/release/app"}; !reflect.DeepEqual(got, want) {
		t.Errorf("artifacts %q, want %q", got, want)
	}
	if want := "plain output of cargo rustc --print\n{\"not\":\"a cargo message\"}"; out.String() != want {
		t.Errorf("passed on %q, want %q", out.String(), want)
	}
	out.Reset()
	if _, err := readMessages(strings.NewReader(in), &out, true); err != nil || out.String() != in {
		t.Errorf("tee mode changed the stream: %v\n%s", err, out.String())
	}
}

func TestReportAboveFloor(t *testing.T) {
	var out strings.Builder
	code := report(&out, "/", []string{"/bin/ls"}, Floor{Glibc: minGlibc, From: "--glibc"}, "x86_64-unknown-linux-gnu")
	if code != 1 || !strings.Contains(out.String(), "ABOVE  bin/ls: needs glibc 2.") || !strings.Contains(out.String(), "0 within glibc 2.17, 1 above") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := report(&out, "/", nil, Floor{Glibc: minGlibc}, "x86_64-unknown-linux-gnu"); code != 0 || !strings.Contains(out.String(), "nothing to check") {
		t.Errorf("no artifacts: exit %d: %s", code, out.String())
	}
}
