package driver

// The resolver aliases: glibc ≥ 2.34's <resolv.h> calls res_query,
// dn_expand & co. by their plain names, which older glibc exported only as
// __res_query ... from libresolv.so.2. Below 2.34 the catalogue binds each
// to that older name, and the output must then depend on libresolv.so.2 —
// executables and shared libraries alike, with GNU ld (plain, with
// --as-needed, and with -lresolv given before the object, where
// --as-needed drops it), gold and lld — and only when it uses one.

import (
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"compatbuild/internal/abidb"
)

var resolverSymbols = prefixed("res_dnok res_hnok res_mailok res_mkquery res_nmkquery res_nquery res_nquerydomain res_nsearch "+
	"res_nsend res_ownok res_query res_querydomain res_search res_send dn_comp dn_expand dn_skipname", "")

// dnsServer answers A queries for compat.test with 10.1.2.3 and every
// other name with NXDOMAIN, on a UDP port of 127.0.0.1, until the test
// ends.
func dnsServer(t *testing.T) int {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			if reply := dnsReply(buf[:n]); reply != nil {
				conn.WriteToUDP(reply, from)
			}
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr).Port
}

// dnsReply builds the answer to one query (RFC 1035 §4.1), or nil for a
// message it cannot read.
func dnsReply(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, strings.ToLower(string(q[i+1:i+1+l])))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	qend := i + 5
	qtype := binary.BigEndian.Uint16(q[i+1:])
	r := append([]byte{}, q[:2]...)
	found := strings.Join(labels, ".") == "compat.test"
	flags, an := uint16(0x8180), uint16(0)
	switch {
	case !found:
		flags |= 3 // NXDOMAIN
	case qtype == 1:
		an = 1
	}
	r = binary.BigEndian.AppendUint16(r, flags)
	r = binary.BigEndian.AppendUint16(r, 1)
	r = binary.BigEndian.AppendUint16(r, an)
	r = append(r, 0, 0, 0, 0)
	r = append(r, q[12:qend]...)
	if an == 1 {
		r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3)
	}
	return r
}

// TestResolverAliases: the resolver program built for 2.17, 2.28 and 2.31
// prints under glibc 2.31 and 2.41 what glibc 2.41's own functions print;
// below 2.34 programs and plugins link libresolv.so.2 with every linker,
// and a program that calls no resolver function does not.
func TestResolverAliases(t *testing.T) {
	old, cur := debian11(t), debian13(t)
	port := strconv.Itoa(dnsServer(t))
	dir := t.TempDir()
	src := filepath.Join("testdata", "catalogue", "resolver.c")

	native := filepath.Join(dir, "resolver-2.41")
	mustLink(t, false, "2.41", "-O2", "-Wall", src, "-o", native)
	want, err := run(t, cur, native, port)
	if err != nil || !strings.Contains(want, "res_query: ") || !strings.Contains(want, "10.1.2.3") {
		t.Fatalf("glibc 2.41's own resolver: %v\n%s", err, want)
	}
	host := filepath.Join(dir, "host")
	mustLink(t, false, "2.17", "-O2", "-Wall", filepath.Join("testdata", "catalogue", "resolver_host.c"), "-o", host, "-ldl")
	if needed := readNeeded(t, host); slices.Contains(needed, "libresolv.so.2") {
		t.Errorf("a host that calls no resolver function needs libresolv.so.2: %v", needed)
	}

	for _, ts := range polyfilledTargets {
		target := abidb.MustParseVersion(ts)
		variants := [][]string{nil}
		if ts == "2.17" {
			variants = [][]string{nil, {"-Wl,--as-needed"}, {"-Wl,--as-needed", "-lresolv"}, {"-fuse-ld=gold"}, {"-fuse-ld=lld", "-Wl,--as-needed"}}
		}
		for _, v := range variants {
			name := strings.NewReplacer("-Wl,--", "", "-fuse-ld=", "", "-", "").Replace(strings.Join(append([]string{ts}, v...), "+"))
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				prog, plugin := filepath.Join(dir, "resolver-"+name), filepath.Join(dir, "libresolver-"+name+".so")
				// The flags come before the source, so -lresolv is seen
				// before any reference to it.
				mustLink(t, false, ts, append(append([]string{"-O2", "-Wall"}, v...), src, "-o", prog)...)
				mustLink(t, false, ts, append(append([]string{"-O2", "-Wall", "-shared", "-fPIC", "-DPLUGIN"}, v...), src, "-o", plugin)...)
				for _, f := range []string{prog, plugin} {
					checkFloor(t, f, target)
					checkCatalogueUse(t, f, target, resolverSymbols)
					if needed := readNeeded(t, f); target.Less(v234) && !slices.Contains(needed, "libresolv.so.2") {
						t.Errorf("%s needs %v, not libresolv.so.2", filepath.Base(f), needed)
					}
				}
				runUnder(t, old, "glibc 2.31", want, prog, port)
				runUnder(t, cur, "glibc 2.41", want, prog, port)
				runUnder(t, old, "glibc 2.31, dlopen'ed", want, host, plugin, port)
			})
		}
	}
}

// A link that needs no resolver function gets no libresolv.so.2, though
// libc.so offers it.
func TestNoResolverNoLibresolv(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"), 0o644)
	for _, flags := range [][]string{nil, {"-Wl,--no-as-needed"}} {
		out := filepath.Join(dir, "p")
		mustLink(t, false, "2.17", append(flags, src, "-o", out)...)
		if needed := readNeeded(t, out); slices.Contains(needed, "libresolv.so.2") || len(needed) != 1 {
			t.Errorf("with %v: needs %v, want only libc.so.6", flags, needed)
		}
	}
}
