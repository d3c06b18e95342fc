package runtimes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDebianMirror(t *testing.T) {
	t.Setenv(mirrorEnv, "")
	etc := writeFiles(t, map[string]string{
		// Comments and third-party sources come first and must be passed over.
		"sources.list": "# deb http://commented.example/debian bookworm main\n" +
			"deb [arch=amd64 signed-by=/keys/vendor.gpg] https://vendor.example/apt stable-vendor main\n",
		"sources.list.d/a-disabled.sources": "Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n",
		"sources.list.d/b-src.sources":      "Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\nComponents: main\n",
		"sources.list.d/c-debian.sources": "Types: deb\n# a comment\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" +
			"Types: deb\nURIs: http://mirror.example/debian http://second.example/debian\nSuites: bookworm bookworm-updates\nComponents: main contrib\nSigned-By: /keys/debian.gpg\n",
		"sources.list.d/d-inline.sources": "Types: deb\nURIs: http://inline.example/debian\nSuites: trixie\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n -----END PGP PUBLIC KEY BLOCK-----\n",
		"sources.list.d/e.list.disabled":  "deb http://ignored.example/debian bookworm main\n",
	})
	src, err := debianMirror(etc)
	if err != nil {
		t.Fatal(err)
	}
	if src.URI != "http://mirror.example/debian" || src.SignedBy != "/keys/debian.gpg" || !strings.HasSuffix(src.File, "c-debian.sources") {
		t.Errorf("got %+v", src)
	}

	srcs, err := readAptSources(etc)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, s := range srcs {
		uris = append(uris, s.URI)
		if s.URI == "http://inline.example/debian" && s.SignedBy != "" {
			t.Errorf("an inline key was taken as a keyring file: %q", s.SignedBy)
		}
		if s.URI == "https://vendor.example/apt" && s.SignedBy != "/keys/vendor.gpg" {
			t.Errorf("one-line signed-by: %q", s.SignedBy)
		}
	}
	want := "https://vendor.example/apt http://security.example/debian-security http://mirror.example/debian http://second.example/debian http://inline.example/debian"
	if strings.Join(uris, " ") != want {
		t.Errorf("sources %q\nwant    %q", strings.Join(uris, " "), want)
	}

	// The environment override wins.
	t.Setenv(mirrorEnv, "http://override.example/debian")
	if src, err := debianMirror(etc); err != nil || src.URI != "http://override.example/debian" {
		t.Errorf("override: %+v %v", src, err)
	}
}

func TestNoDebianMirror(t *testing.T) {
	t.Setenv(mirrorEnv, "")
	etc := writeFiles(t, map[string]string{
		"sources.list": "deb http://archive.example/ubuntu jammy main\n",
	})
	_, err := debianMirror(etc)
	if err == nil || !strings.Contains(err.Error(), mirrorEnv) || !strings.Contains(err.Error(), "sources.list.d") {
		t.Errorf("got %v", err)
	}
}

func TestSourcesLineKeepsSignatures(t *testing.T) {
	req := fetchRequest{rel: debianReleases[0], arch: "arm64", mirror: aptSource{URI: "http://mirror.example/debian"}}
	line := sourcesLine(req)
	if !strings.HasPrefix(line, "deb [") || !strings.HasSuffix(line, "] http://mirror.example/debian bullseye main\n") {
		t.Errorf("line %q", line)
	}
	for _, bad := range []string{"trusted", "allow-insecure", "allow-weak", "check-valid"} {
		if strings.Contains(line, bad) {
			t.Errorf("line %q weakens checks (%s)", line, bad)
		}
	}
	if _, err := os.Stat(defaultKeyring); err == nil && !strings.Contains(line, "signed-by="+defaultKeyring) {
		t.Errorf("line %q does not use %s", line, defaultKeyring)
	}
	if !strings.Contains(line, "arch=arm64") {
		t.Errorf("line %q lacks the architecture", line)
	}
}

func TestResolveIn(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "usr/lib/x"), 0o755))
	must(os.WriteFile(filepath.Join(root, "usr/lib/x/ld.so"), nil, 0o755))
	must(os.Symlink("usr/lib", filepath.Join(root, "lib")))
	must(os.MkdirAll(filepath.Join(root, "lib64dir"), 0o755))
	must(os.Symlink("/lib/x/ld.so", filepath.Join(root, "lib64dir/abs")))
	must(os.Symlink("../../../../../lib/x/ld.so", filepath.Join(root, "lib64dir/dotdot")))
	must(os.Symlink("loop2", filepath.Join(root, "loop1")))
	must(os.Symlink("loop1", filepath.Join(root, "loop2")))
	want := filepath.Join(root, "usr/lib/x/ld.so")
	for _, p := range []string{"/lib64dir/abs", "lib64dir/dotdot", "/lib/x/ld.so", "/usr/lib/x/../x/ld.so"} {
		got, err := resolveIn(root, p)
		if err != nil || got != want {
			t.Errorf("resolveIn(%s) = %s, %v; want %s", p, got, err, want)
		}
	}
	if _, err := resolveIn(root, "/loop1"); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("loop: %v", err)
	}
	if _, err := resolveIn(root, "/missing/x"); err == nil {
		t.Errorf("missing path resolved")
	}
}

// The mirror is pasted into a sources.list: exactly one URI gets through.
func TestMirrorIsOneURI(t *testing.T) {
	etc := writeFiles(t, map[string]string{"sources.list": "deb http://deb.invalid/debian bookworm main\n"})
	for _, bad := range []string{
		"http://m.invalid/debian\ndeb [trusted=yes] http://evil.invalid/debian bullseye main",
		"[trusted=yes] http://m.invalid/debian",
		"http://m.invalid/debian bullseye",
		"http://m.invalid/debian#x",
		"http://m.invalid/debian\r",
		"http:///debian",
		"gopher://m.invalid/debian",
		"/srv/debian",
		"http://user:secret@m.invalid/debian",
		"http://m.invalid/deb\"ian",
	} {
		t.Setenv(mirrorEnv, bad)
		_, err := debianMirror(etc)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "give one archive URI") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for _, good := range []string{"http://m.invalid/debian", "https://m.invalid:8443/debian/", "file:///srv/mirror/debian", "mirror+http://m.invalid/list"} {
		t.Setenv(mirrorEnv, good)
		if src, err := debianMirror(etc); err != nil || src.URI != good {
			t.Errorf("%q: %+v %v", good, src, err)
		}
	}
	// The machine's own sources are held to the same rule.
	t.Setenv(mirrorEnv, "")
	etc = writeFiles(t, map[string]string{"sources.list.d/x.sources": "Types: deb\nURIs: gopher://m.invalid/debian\nSuites: bookworm\nComponents: main\n"})
	if _, err := debianMirror(etc); err == nil || !strings.Contains(err.Error(), "x.sources") {
		t.Errorf("a bad URI in the apt sources: %v", err)
	}
}

// A first fetch says what it fetches: release, packages, size.
func TestAnnounceFromPrintURIs(t *testing.T) {
	out := "Reading package lists...\n" +
		"'http://m.invalid/debian/pool/main/g/glibc/libc6_2.31-13_amd64.deb' libc6_2.31-13_amd64.deb 2822708 MD5Sum:22ff\n" +
		"'http://m.invalid/debian/pool/main/p/python3.9/python3.9_3.9.2-1_amd64.deb' python3.9_3.9.2-1_amd64.deb 465964 MD5Sum:a24a\n"
	plan := parsePrintURIs(out)
	if len(plan) != 2 || plan[0].name != "libc6_2.31-13_amd64.deb" || plan[1].size != 465964 {
		t.Fatalf("plan %+v", plan)
	}
	var b strings.Builder
	rel, _ := lookupRelease("debian:11")
	announce(fetchRequest{rel: rel, arch: "amd64", progress: &b}, plan)
	want := "compatbuild: fetching the debian:11 runtime (Debian bullseye, glibc 2.31, amd64) once into the cache: 2 packages, 3.3 MB: libc6 python3.9\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	// Without a terminal (ProgressLine false: a CI log) the fetch is
	// announced all the same, with no rewritten line; with one, the line
	// is cleared when the download ends.
	for _, line := range []bool{false, true} {
		var w strings.Builder
		report(fetchRequest{rel: rel, arch: "amd64", progress: &w, progressLine: line}, plan, t.TempDir())()
		if !strings.HasPrefix(w.String(), want) || strings.Contains(w.String(), "\r") != line {
			t.Errorf("progress line %v: said %q", line, w.String())
		}
	}
	report(fetchRequest{rel: rel, arch: "amd64"}, plan, t.TempDir())() // nil progress: quiet, no panic
	// The progress line counts what is in the download directory.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "partial"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.deb"), make([]byte, 1000), 0o644)
	os.WriteFile(filepath.Join(dir, "partial", "b.deb"), make([]byte, 500), 0o644)
	if n := dirBytes(dir); n != 1500 {
		t.Errorf("dirBytes = %d", n)
	}
}
