package runtimes

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// aptSource is one "deb" source of the machine's apt configuration.
type aptSource struct {
	URI        string
	Suites     []string
	Components []string
	SignedBy   string // a keyring file, or "" if none (or an inline key)
	File       string // the file it was read from
}

// defaultKeyring is Debian's archive keyring, used when the machine's source
// entry does not name a keyring file.
const defaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// debianSuites are suite names that mark a source as a Debian archive (as
// opposed to security, updates, or third-party repositories).
var debianSuites = []string{
	"buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid",
	"oldoldstable", "oldstable", "stable", "testing", "unstable",
}

// mirrorEnv overrides the mirror read from the apt configuration.
const mirrorEnv = "COMPATBUILD_DEBIAN_MIRROR"

// readAptSources reads the deb sources from etcApt/sources.list and
// etcApt/sources.list.d/*.list and *.sources, in apt's order.
func readAptSources(etcApt string) ([]aptSource, error) {
	var out []aptSource
	main := filepath.Join(etcApt, "sources.list")
	if data, err := os.ReadFile(main); err == nil {
		out = append(out, parseOneLine(string(data), main)...)
	}
	entries, err := os.ReadDir(filepath.Join(etcApt, "sources.list.d"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(etcApt, "sources.list.d", e.Name())
		switch filepath.Ext(e.Name()) {
		case ".list":
			if data, err := os.ReadFile(p); err == nil {
				out = append(out, parseOneLine(string(data), p)...)
			}
		case ".sources":
			if data, err := os.ReadFile(p); err == nil {
				out = append(out, parseDeb822(string(data), p)...)
			}
		}
	}
	return out, nil
}

// parseOneLine parses the one-line format:
// deb [opt=val ...] uri suite component...
func parseOneLine(data, file string) []aptSource {
	var out []aptSource
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		typ, rest, ok := strings.Cut(line, " ")
		if !ok || typ != "deb" {
			continue
		}
		rest = strings.TrimSpace(rest)
		var src aptSource
		src.File = file
		if strings.HasPrefix(rest, "[") {
			opts, after, ok := strings.Cut(rest[1:], "]")
			if !ok {
				continue
			}
			rest = after
			for _, o := range strings.Fields(opts) {
				k, v, _ := strings.Cut(o, "=")
				if strings.EqualFold(k, "signed-by") {
					src.SignedBy = keyringFile(v)
				}
			}
		}
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		src.URI, src.Suites, src.Components = f[0], []string{f[1]}, f[2:]
		out = append(out, src)
	}
	return out
}

// parseDeb822 parses the deb822 format (.sources files).
func parseDeb822(data, file string) []aptSource {
	var out []aptSource
	fields := map[string]string{}
	var last string
	flush := func() {
		defer func() { fields = map[string]string{}; last = "" }()
		if len(fields) == 0 || strings.EqualFold(strings.TrimSpace(fields["enabled"]), "no") {
			return
		}
		if !slices.Contains(strings.Fields(fields["types"]), "deb") {
			return
		}
		signed := ""
		if sb := strings.TrimSpace(fields["signed-by"]); sb != "" && !strings.Contains(sb, "\n") {
			signed = keyringFile(sb)
		}
		for _, uri := range strings.Fields(fields["uris"]) {
			out = append(out, aptSource{
				URI:        uri,
				Suites:     strings.Fields(fields["suites"]),
				Components: strings.Fields(fields["components"]),
				SignedBy:   signed,
				File:       file,
			})
		}
	}
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "#"):
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				fields[last] += "\n" + strings.TrimSpace(line)
			}
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			last = strings.ToLower(strings.TrimSpace(k))
			fields[last] = strings.TrimSpace(v)
		}
	}
	flush()
	return out
}

// keyringFile returns v if it names one keyring file, else "" (fingerprints,
// several files).
func keyringFile(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "/") && !strings.ContainsAny(v, ", \n") {
		return v
	}
	return ""
}

// debianMirror picks the Debian archive mirror from the machine's apt
// configuration: the first deb source with a plain Debian suite (bookworm,
// stable, ...) and the main component. The environment variable
// COMPATBUILD_DEBIAN_MIRROR overrides it.
func debianMirror(etcApt string) (aptSource, error) {
	if m := os.Getenv(mirrorEnv); strings.TrimSpace(m) != "" {
		if err := checkMirrorURI(m); err != nil {
			return aptSource{}, fmt.Errorf("%s=%q: %v", mirrorEnv, m, err)
		}
		return aptSource{URI: m, File: "$" + mirrorEnv}, nil
	}
	srcs, err := readAptSources(etcApt)
	if err != nil {
		return aptSource{}, fmt.Errorf("reading the apt configuration in %s: %v", etcApt, err)
	}
	for _, s := range srcs {
		if !slices.Contains(s.Components, "main") {
			continue
		}
		for _, suite := range s.Suites {
			if slices.Contains(debianSuites, suite) {
				if err := checkMirrorURI(s.URI); err != nil {
					return aptSource{}, fmt.Errorf("the Debian source %q in %s: %v", s.URI, s.File, err)
				}
				return s, nil
			}
		}
	}
	return aptSource{}, fmt.Errorf("no Debian archive source (a 'deb' entry with a suite like bookworm and component main) in %s/sources.list or %s/sources.list.d; add one, or set %s to a Debian mirror URI", etcApt, etcApt, mirrorEnv)
}

// keyringFor returns the keyring to verify the mirror's Release files with:
// Debian's archive keyring (it holds the keys of every supported release),
// else the keyring the machine's source names, else "" for apt's trusted
// keyrings (/etc/apt/trusted.gpg.d). Signature checking always stays on.
func keyringFor(src aptSource) string {
	if _, err := os.Stat(defaultKeyring); err == nil {
		return defaultKeyring
	}
	if src.SignedBy != "" {
		if _, err := os.Stat(src.SignedBy); err == nil {
			return src.SignedBy
		}
	}
	return ""
}

// checkMirrorURI accepts exactly one archive URI: it is pasted into the
// private sources.list, where a newline would add another source and an
// option such as [trusted=yes] would switch signature checking off. So:
// no blanks or control characters, none of apt's option or comment
// characters, and a scheme apt fetches archives with.
func checkMirrorURI(uri string) error {
	const fix = "give one archive URI, such as http://mirror.example/debian"
	for _, r := range uri {
		switch {
		case r <= ' ' || r == 0x7f:
			return fmt.Errorf("a blank or control character in the mirror URI; %s", fix)
		case strings.ContainsRune("[]#\"'\\`<>{}|^", r):
			return fmt.Errorf("%q is not allowed in the mirror URI; %s", r, fix)
		}
	}
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("not a URI (%v); %s", err, fix)
	}
	scheme := strings.TrimPrefix(strings.TrimPrefix(u.Scheme, "mirror+"), "tor+")
	switch scheme {
	case "http", "https", "ftp":
		if u.Host == "" {
			return fmt.Errorf("no host in the mirror URI; %s", fix)
		}
	case "file", "copy":
		if u.Path == "" {
			return fmt.Errorf("no path in the mirror URI; %s", fix)
		}
	default:
		return fmt.Errorf("apt cannot fetch an archive from a %q URI; %s", u.Scheme, fix)
	}
	if u.User != nil {
		return fmt.Errorf("a password in the mirror URI would be written to the cache; use apt's auth.conf, and %s", fix)
	}
	return nil
}
