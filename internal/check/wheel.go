package check

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"compatbuild/internal/abidb"
	"compatbuild/internal/distros"
	"compatbuild/internal/elfinfo"
)

// WheelReport is the verdict on a Python wheel as a whole: the platform
// tag its ELF members allow (auditwheel's answer for the wheel: the union
// of every member's needs), and whether the tags its file name claims are
// within that.
type WheelReport struct {
	Path string `json:"path"`
	// Tag is the platform tag the contents allow, with the legacy alias
	// compressed in (manylinux_2_17_x86_64.manylinux2014_x86_64), or
	// linux_ARCH when no manylinux policy fits.
	Tag string `json:"tag"`
	// NameTags are the platform tags of the file name.
	NameTags []string `json:"name_tags"`
	// Overclaims lists the file name's tags that claim more than the
	// contents allow; then the wheel fails the check.
	Overclaims []string `json:"overclaims,omitempty"`
	// Blockers say what keeps the contents from an older tag.
	Blockers []Reason `json:"blockers,omitempty"`
	Members  int      `json:"elf_members"`
	Error    string   `json:"error,omitempty"`

	pure bool // no ELF member: a pure-Python wheel
}

// wheelPrefix maps a wheel member's path to where it is installed:
// NAME.data/purelib/ and NAME.data/platlib/ go to site-packages itself.
func installedPath(member string) string {
	if i := strings.Index(member, ".data/"); i >= 0 && !strings.Contains(member[:i], "/") {
		rest := member[i+len(".data/"):]
		for _, scheme := range []string{"purelib/", "platlib/"} {
			if strings.HasPrefix(rest, scheme) {
				return strings.TrimPrefix(rest, scheme)
			}
		}
	}
	return member
}

// checkWheel reads a wheel (zip) in place: every ELF member is read
// straight from the archive, judged with the members it loads through its
// RUNPATH (auditwheel repair puts them in PKG.libs/), and the wheel's tag
// is computed from all of them together.
func checkWheel(wpath string, t Targets) (*WheelReport, []*FileReport) {
	wr := &WheelReport{Path: wpath, NameTags: wheelNameTags(wpath)}
	file, err := os.Open(wpath)
	if err != nil {
		wr.Error = pathError(err)
		return wr, nil
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		wr.Error = pathError(err)
		return wr, nil
	}
	z, err := zip.NewReader(file, st.Size())
	if err != nil {
		wr.Error = fmt.Sprintf("%s: not a readable wheel (zip): %v", wpath, err)
		return wr, nil
	}
	var items []*scanned
	for _, f := range z.File {
		if f.FileInfo().IsDir() || !f.Mode().IsRegular() && f.Mode()&^0o777 != 0 {
			continue
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/1100 > f.CompressedSize64 {
			// Deflate expands at most 1032 times: a member claiming more
			// would make every read stream through data that is not there.
			items = append(items, &scanned{path: wpath + "!" + f.Name, named: true,
				err: fmt.Errorf("%s!%s: claims %d bytes from %d compressed, more than deflate can expand: a malformed or hostile wheel", wpath, f.Name, f.UncompressedSize64, f.CompressedSize64)})
			continue
		}
		ra := memberReader(file, f)
		info, err := elfinfo.Read(wpath+"!"+f.Name, ra, int64(f.UncompressedSize64))
		if errors.Is(err, elfinfo.ErrNotELF) {
			continue
		}
		// Inside the wheel, paths are rooted at "/" as installed.
		items = append(items, &scanned{path: wpath + "!" + f.Name, real: "/" + installedPath(f.Name), info: info, err: err})
	}
	set := newFileSet(items)
	var reports []*FileReport
	var members []member
	resolvedAll := map[[2]string]bool{}
	abi := ""
	for _, it := range items {
		r := set.report(it, t)
		if r == nil {
			continue
		}
		reports = append(reports, r)
		if it.err != nil || it.info.Kind == elfinfo.Relocatable || it.info.Kind == elfinfo.Other {
			continue
		}
		if abi == "" {
			abi = it.info.ABI
		} else if abi != it.info.ABI {
			wr.Error = fmt.Sprintf("%s: ELF members of two architectures (%s and %s): a wheel is for one platform", wpath, abi, it.info.ABI)
		}
		members = append(members, member{info: it.info, via: it.path, bound: boundSymbols(it.info)})
		for _, lib := range it.info.Needed {
			if dep := set.resolve(it, lib); dep != nil {
				resolvedAll[[2]string{it.path, lib}] = true
			}
		}
	}
	wr.Members = len(members)
	if len(members) == 0 {
		wr.pure = len(reports) == 0
		if wr.Error == "" {
			wr.Error = fmt.Sprintf("%s: no ELF executable or shared library in the wheel: a pure-Python wheel has no platform tag to check", wpath)
		}
		return wr, reports
	}
	if wr.Error != "" {
		return wr, reports
	}
	ns := &needSet{abi: abi, members: members, bundled: func(m member, lib string) bool { return resolvedAll[[2]string{m.via, lib}] }}
	floor := abidbFloor(members)
	ns.floor, ns.portable = floor.floor, floor.Portable
	arch := distros.WheelArch(abi)
	tag, alias, blockers := "", "", []Reason(nil)
	if ns.portable {
		tag, alias, blockers = ns.manylinux()
	}
	wr.Blockers = blockers
	switch {
	case tag == "":
		wr.Tag = "linux_" + arch
	case alias != "":
		wr.Tag = tag + "." + alias
	default:
		wr.Tag = tag
	}
	wr.Overclaims = overclaims(wr.NameTags, tag, arch)
	return wr, reports
}

// abidbFloor is the effective glibc floor of a wheel's members.
func abidbFloor(members []member) *GlibcFloor {
	db, err := abidb.Load(members[0].info.ABI)
	if err != nil {
		return &GlibcFloor{}
	}
	return effectiveFloor(db, members, abidb.Version{})
}

// wheelNameTags returns the platform tags of a wheel file name
// (NAME-VER[-BUILD]-PY-ABI-PLAT.whl; PLAT may be a '.'-joined set).
func wheelNameTags(p string) []string {
	base := strings.TrimSuffix(path.Base(p), ".whl")
	parts := strings.Split(base, "-")
	if len(parts) < 5 {
		return nil
	}
	return strings.Split(parts[len(parts)-1], ".")
}

// overclaims lists the name's tags that claim more than tag allows: a
// manylinux tag older than the contents' (or any, when they allow none),
// or a tag for another architecture.
func overclaims(nameTags []string, tag, arch string) []string {
	var out []string
	var allowed *distros.Policy
	if tag != "" {
		allowed, _ = distros.PolicyByTag(tag)
	}
	for _, nt := range nameTags {
		switch {
		case nt == "any":
			out = append(out, nt+" (the wheel holds "+arch+" ELF files)")
		case strings.HasPrefix(nt, "linux_"):
			if nt != "linux_"+arch {
				out = append(out, nt+" (the ELF files are "+arch+")")
			}
		case strings.HasPrefix(nt, "manylinux"):
			p, ok := distros.PolicyByTag(nt)
			switch {
			case !ok:
				out = append(out, nt+" (not a manylinux tag auditwheel's policy knows)")
			case !strings.HasSuffix(nt, "_"+arch):
				out = append(out, nt+" (the ELF files are "+arch+")")
			case allowed == nil:
				out = append(out, nt+" (the contents fit no manylinux policy)")
			case p.Priority > allowed.Priority:
				out = append(out, nt+" (the contents need "+tag+")")
			}
		}
	}
	slices.Sort(out)
	return out
}

// memberReader gives random access to a zip member: stored members are
// read in place; compressed ones through a forward stream that keeps the
// first prefixKeep bytes (where ELF headers and dynamic tables usually
// are) and reopens the member when a read goes back past them.
func memberReader(zf io.ReaderAt, f *zip.File) io.ReaderAt {
	if f.Method == zip.Store && f.UncompressedSize64 == f.CompressedSize64 {
		if off, err := f.DataOffset(); err == nil {
			return io.NewSectionReader(zf, off, int64(f.UncompressedSize64))
		}
	}
	return &streamReader{f: f}
}

const prefixKeep = 4 << 20

type streamReader struct {
	f      *zip.File
	rc     io.ReadCloser
	pos    int64
	prefix []byte
}

func (s *streamReader) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	if end <= int64(len(s.prefix)) {
		return copy(p, s.prefix[off:end]), nil
	}
	if s.rc == nil || off < s.pos {
		if s.rc != nil {
			s.rc.Close()
		}
		rc, err := s.f.Open()
		if err != nil {
			return 0, err
		}
		s.rc, s.pos = rc, 0
	}
	buf := make([]byte, 32<<10)
	for s.pos < off {
		n := min(int64(len(buf)), off-s.pos)
		m, err := io.ReadFull(s.rc, buf[:n])
		s.keep(buf[:m])
		if err != nil {
			return 0, err
		}
	}
	n, err := io.ReadFull(s.rc, p)
	s.keep(p[:n])
	return n, err
}

// keep advances the stream position over b, remembering it while within
// the prefix.
func (s *streamReader) keep(b []byte) {
	if s.pos == int64(len(s.prefix)) && s.pos < prefixKeep {
		s.prefix = append(s.prefix, b[:min(len(b), prefixKeep-len(s.prefix))]...)
	}
	s.pos += int64(len(b))
}
