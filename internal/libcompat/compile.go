package libcompat

// Compiling the embedded sources: extracting what a build compiles into
// its work directory and running the user's compiler on each job, two
// per CPU.

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"compatbuild/internal/procgroup"
)

// sourceDirs are the directories of the embedded sources a build has
// written into its work directory. A source includes headers only from
// its own directory, src/<arch> and src/common/include (compileFlags;
// TestIncludesStayInTheirDirectories), so extracting those directories,
// not the whole tree, is enough, and a cold sysroot creates a tenth of
// the files.
type sourceDirs struct {
	work string
	done map[string]bool
}

// extract writes the files (not subdirectories) of each embedded
// directory into the work directory, once.
func (d *sourceDirs) extract(dirs ...string) error {
	for _, dir := range dirs {
		if dir == "" || d.done[dir] {
			continue
		}
		d.done[dir] = true
		entries, err := fs.ReadDir(sources, dir)
		if err != nil {
			return fmt.Errorf("libcompat: %v", err)
		}
		dst := filepath.Join(d.work, filepath.FromSlash(dir))
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return fmt.Errorf("libcompat: %v", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := sources.ReadFile(dir + "/" + e.Name())
			if err != nil {
				return fmt.Errorf("libcompat: %v", err)
			}
			if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
				return fmt.Errorf("libcompat: %v", err)
			}
		}
	}
	return nil
}

// forJobs extracts the source directory of every job that compiles and
// creates the directories of their outputs.
func (d *sourceDirs) forJobs(jobs []*job) error {
	for _, j := range jobs {
		if j.data != nil {
			continue
		}
		if err := d.extract(path.Dir(j.src)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(d.work, filepath.FromSlash(path.Dir(j.out))), 0o755); err != nil {
			return fmt.Errorf("libcompat: %v", err)
		}
	}
	return nil
}

// compilation is a compileAll running in the background.
type compilation struct {
	done   chan struct{}
	err    error
	cancel context.CancelFunc
}

// startCompile starts compiling jobs (their sources extracted by srcs
// first, in the caller's goroutine, so two compilations never write the
// same file).
func startCompile(ctx context.Context, cc []string, srcs *sourceDirs, arch archInfo, jobs []*job, opt buildOptions) (*compilation, error) {
	if err := srcs.forJobs(jobs); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &compilation{done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(c.done)
		c.err = compileAll(ctx, cc, srcs.work, arch, jobs, opt)
	}()
	return c, nil
}

// wait returns the compilation's result once it is over.
func (c *compilation) wait() error {
	<-c.done
	return c.err
}

// stop cancels the compilation and waits for its compilers to exit.
func (c *compilation) stop() {
	c.cancel()
	<-c.done
}

// compileFlags are used for every object. The C sources must not see the
// user's configuration: no _FILE_OFFSET_BITS/_TIME_BITS (headers would
// redirect to newer symbols), no fortification (__*_chk symbols), no stack
// protector, no LTO (the archives must hold real code), position
// independent so the archives link into shared libraries. -pipe: no
// temporary assembly file between compiler and assembler, which for files
// this small is a fifth of the compile.
func compileFlags(work string, arch archInfo) []string {
	return []string{
		"-c", "-pipe", "-O2", "-std=gnu11", "-g0",
		"-fPIC", "-fvisibility=hidden", "-fno-common",
		"-fno-stack-protector", "-fno-lto",
		"-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0",
		"-U_FILE_OFFSET_BITS", "-U_TIME_BITS", "-U_GNU_SOURCE",
		"-ffile-prefix-map=" + work + "=.",
		"-Isrc/" + arch.dir, "-Isrc/common/include",
	}
}

func compileAll(ctx context.Context, cc []string, work string, arch archInfo, jobs []*job, opt buildOptions) error {
	base := compileFlags(work, arch)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Two compilers per CPU: a compile of these small files is mostly
	// process start-up (driver, cc1, as), which waits as much as it
	// computes (measured: 9 objects on 2 CPUs in 130 ms instead of 170).
	var toCompile []*job
	for _, j := range jobs {
		if j.data == nil {
			toCompile = append(toCompile, j)
		}
	}
	jobs = toCompile
	if len(jobs) == 0 {
		return nil
	}
	n := min(2*runtime.NumCPU(), len(jobs), 16)
	ch := make(chan *job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				err := compileOne(ctx, cc, work, arch, base, j, opt)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func compileOne(ctx context.Context, cc []string, work string, arch archInfo, base []string, j *job, opt buildOptions) error {
	args := append([]string{}, cc[1:]...)
	args = append(args, base...)
	for _, d := range j.defines {
		args = append(args, strings.Fields(d)...)
	}
	args = append(args, opt.forms...)
	args = append(args, opt.extraCFlags...)
	args = append(args, "-o", j.out, j.src)
	cmd := exec.CommandContext(ctx, cc[0], args...)
	cmd.Dir = work
	group := procgroup.Prepare(ctx, cmd) // an interrupted build leaves no cc1 or as behind
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := group.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "..."
		}
		return fmt.Errorf("libcompat: compiling %s for %s with %q failed: %v\n%s", path.Base(j.out), j.src, strings.Join(cc, " "), err, msg)
	}
	data, err := os.ReadFile(filepath.Join(work, j.out))
	if err != nil {
		return fmt.Errorf("libcompat: %v", err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("libcompat: %s: compiler output is not ELF: %v", j.out, err)
	}
	m := f.Machine
	f.Close()
	if m != arch.machine {
		return fmt.Errorf("libcompat: %q produces %v objects, but the target architecture needs %v; set CC to a compiler for the target", strings.Join(cc, " "), m, arch.machine)
	}
	j.data = data
	return nil
}
