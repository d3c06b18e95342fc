package runtimes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// aptDownload runs apt-get with a private apt setup in workDir: its own
// sources list naming only the wanted suite, its own state, lists and
// cache, and the wanted architecture; the system's apt state is not
// touched and no root is needed. Signatures are checked. It downloads the
// requested packages with everything they depend on (apt resolves
// Depends and Pre-Depends against an empty system, so the runtime holds
// what those programs need on a real installation), into outDir.
func aptDownload(ctx context.Context, req fetchRequest, workDir, outDir string) error {
	for _, d := range []string{"state/lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"} {
		if err := os.MkdirAll(filepath.Join(workDir, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(outDir, "partial"), 0o755); err != nil {
		return err
	}
	line := sourcesLine(req)
	for name, content := range map[string]string{"sources.list": line, "state/status": "", "preferences": ""} {
		if err := os.WriteFile(filepath.Join(workDir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	args := []string{
		"-q",
		"-o", "Dir::Etc::SourceList=" + filepath.Join(workDir, "sources.list"),
		"-o", "Dir::Etc::SourceParts=" + filepath.Join(workDir, "sources.list.d"),
		"-o", "Dir::Etc::Preferences=" + filepath.Join(workDir, "preferences"),
		"-o", "Dir::Etc::PreferencesParts=" + filepath.Join(workDir, "preferences.d"),
		"-o", "Dir::State=" + filepath.Join(workDir, "state"),
		"-o", "Dir::State::Lists=" + filepath.Join(workDir, "state/lists"),
		"-o", "Dir::State::status=" + filepath.Join(workDir, "state/status"),
		"-o", "Dir::Cache=" + filepath.Join(workDir, "cache"),
		"-o", "Dir::Cache::archives=" + outDir,
		"-o", "APT::Architecture=" + req.arch,
		"-o", "APT::Architectures::=" + req.arch,
		"-o", "APT::Default-Release=",
		"-o", "Acquire::Languages=none",
		"-o", "APT::Install-Recommends=false",
		"-o", "APT::Install-Suggests=false",
	}
	if os.Geteuid() == 0 {
		// apt drops to the _apt user for downloads, which cannot enter a
		// private (0700) cache directory; stay root instead.
		args = append(args, "-o", "APT::Sandbox::User=root")
	}
	run := func(dir string, extra ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "apt-get", append(slices.Clone(args), extra...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive")
		// apt-get starts its download methods as children: on
		// cancellation (a signal to compatbuild) the whole group ends.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("apt-get %s: %v", extra[0], context.Cause(ctx))
			}
			if errors.Is(err, exec.ErrNotFound) {
				return "", fmt.Errorf("apt-get not found: %v; named runtimes need a Debian-like machine with apt and dpkg", err)
			}
			hint := "check the machine's apt configuration (/etc/apt/sources.list.d)"
			if strings.Contains(string(out), "Unable to locate package") || strings.Contains(string(out), "has no installation candidate") {
				hint = "check the package names (--package) exist in " + req.rel.suite + " for " + req.arch
			}
			return "", fmt.Errorf("apt-get %s failed (mirror %s from %s, suite %s): %s; %s",
				extra[0], req.mirror.URI, req.mirror.File, req.rel.suite, aptError(string(out)), hint)
		}
		return string(out), nil
	}
	if _, err := run(workDir, "update", "--error-on=any"); err != nil {
		return err
	}
	if err := suiteHasArch(workDir, req); err != nil {
		return err
	}
	var names []string
	for _, p := range req.packages {
		names = append(names, p+":"+req.arch)
	}
	install := append([]string{"install", "--download-only", "--yes"}, names...)
	uris, err := run(workDir, append(slices.Clone(install), "--print-uris")...)
	if err != nil {
		return err
	}
	plan := parsePrintURIs(uris)
	defer report(req, plan, outDir)()
	if _, err = run(workDir, install...); err != nil {
		return err
	}
	// The release's /bin/sh, which system(), popen() and posix_spawn of
	// "sh" start: dash, without its Depends (debianutils and dpkg serve
	// its maintainer scripts; the shell itself needs only libc6).
	_, err = run(outDir, "download", shellPackage+":"+req.arch)
	return err
}

// shellPackage is the package of Debian's /bin/sh (every release since 6).
const shellPackage = "dash"

// debFile is one .deb apt will download.
type debFile struct {
	name string // apt's file name, e.g. libc6_2.31-13+deb11u11_amd64.deb
	size int64
}

// parsePrintURIs reads apt-get --print-uris lines:
// 'URI' FILE SIZE HASH.
func parsePrintURIs(out string) []debFile {
	var files []debFile
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "'") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		size, _ := strconv.ParseInt(f[2], 10, 64)
		files = append(files, debFile{name: f[1], size: size})
	}
	return files
}

// announce says what a first fetch fetches: release, packages, size.
// report tells req.progress what the download of plan brings and, with
// req.progressLine, shows its progress until the returned function is
// called.
func report(req fetchRequest, plan []debFile, outDir string) (stop func()) {
	if req.progress == nil {
		return func() {}
	}
	announce(req, plan)
	if !req.progressLine {
		return func() {}
	}
	return showProgress(req.progress, outDir, plan)
}

func announce(req fetchRequest, plan []debFile) {
	var total int64
	var pkgs []string
	for _, d := range plan {
		total += d.size
		name, _, _ := strings.Cut(d.name, "_")
		pkgs = append(pkgs, name)
	}
	slices.Sort(pkgs)
	fmt.Fprintf(req.progress, "compatbuild: fetching the %s runtime (Debian %s, glibc %s, %s) once into the cache: %d packages, %s: %s\n",
		req.rel.name, req.rel.suite, req.rel.glibc, req.arch, len(plan), megabytes(total), strings.Join(pkgs, " "))
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// showProgress rewrites one terminal line with the bytes downloaded so far
// until the returned function is called.
func showProgress(w io.Writer, outDir string, plan []debFile) (stop func()) {
	var total int64
	for _, d := range plan {
		total += d.size
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprintf(w, "\r\033[K")
				return
			case <-tick.C:
				fmt.Fprintf(w, "\r\033[K  downloading %s of %s", megabytes(dirBytes(outDir)), megabytes(total))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// dirBytes is the size of the files in dir and dir/partial.
func dirBytes(dir string) int64 {
	var n int64
	for _, d := range []string{dir, filepath.Join(dir, "partial")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
				n += fi.Size()
			}
		}
	}
	return n
}
