// Command gen turns glibc's own *.abilist files into the compact database
// that package abidb embeds, so compatbuild never reads the corpus at run
// time.
//
// Usage (from internal/abidb, via go generate):
//
//	go run ./gen -src ../../../shared/glibc-abi -out data
//
// It reads <src>/<release>/<abi>/<lib>.abilist for releases 2.17–2.44 in all
// three line formats glibc used over the years, plus VERSION-MARKERS.tsv, and
// the symbol identity tables gen/aliases/<abi>.txt (see aliases.go), and
// writes one gzip-compressed text file per ABI (<abi>.abidb.gz). The output is
// a pure function of the input: same corpus and tables, same bytes.
//
// Abilists cannot tell which symbols have no default version (compat-only:
// old binaries resolve them, new links cannot); the compatOnly table below
// supplies that, and the generator checks it against the corpus's
// COMPAT-ONLY-2.36-x86_64.tsv (derived from real 2.36 libraries) when present.
//
// File format (one record per line, fields separated by one space):
//
//	compatbuild-abidb 4
//	abi <abi>
//	releases <r0> <r1> ...          release i is bit i of every mask
//	lib <name>                      following records belong to this library
//	n <node> <mask>                 version node defined by the library
//	s <symbol> <node> F <mask>      function (or IFUNC) symbol@node
//	s <symbol> <node> D <size> <mask>   data object of <size> bytes (hex)
//	c <symbol> <mask>               symbol has no default version (compat-only) in these releases
//	d <symbol> <node> <mask>        in these releases the default version is node, not the newest
//	o <mask> <symbol>@<node>[:weak] ...  one object (one address) with these names in these
//	                                releases; :weak names are STB_WEAK. Names in no record
//	                                are STB_GLOBAL names of an object of their own.
//	m <node> <lib> <release>        symbol-less node, present from <release> on
//
// Masks are hexadecimal bit sets over the release list.
package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "../../../shared/glibc-abi", "glibc-abi corpus directory")
	out := flag.String("out", "data", "output directory")
	fingerprints := flag.String("fingerprints", "fingerprint_gen.go", "Go file to write the data files' SHA-256 sums to")
	aliases := flag.String("aliases", "gen/aliases", "directory of the symbol identity tables (<abi>.txt)")
	report := flag.Bool("alias-report", false, "print where the releases read disagree about symbol identity, write nothing")
	flag.Parse()
	reportTo = nil
	if *report {
		reportTo = &strings.Builder{}
	}
	err := run(*src, *out, *aliases)
	if reportTo != nil {
		fmt.Print(reportTo.String())
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	if err == nil {
		err = writeFingerprints(*fingerprints, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// reportTo collects the -alias-report output; nil when not asked for.
var reportTo *strings.Builder

var abis = []string{"x86_64", "i386", "aarch64", "arm", "powerpc64le", "s390x", "riscv64"}

const firstMinor, lastMinor = 17, 44

type symKey struct {
	name, node, kind string
	size             uint64
}

type libData struct {
	nodes  map[string]uint64
	syms   map[symKey]uint64
	compat map[string]uint64 // symbol name -> releases where it is compat-only
}

func run(src, out, aliasDir string) error {
	var releases []string
	for m := firstMinor; m <= lastMinor; m++ {
		releases = append(releases, fmt.Sprintf("2.%d", m))
	}
	markers, err := readMarkers(filepath.Join(src, "VERSION-MARKERS.tsv"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, abi := range abis {
		libs := map[string]*libData{}
		for bit, rel := range releases {
			files, err := filepath.Glob(filepath.Join(src, rel, abi, "*.abilist"))
			if err != nil {
				return err
			}
			for _, f := range files {
				lib := strings.TrimSuffix(filepath.Base(f), ".abilist")
				ld := libs[lib]
				if ld == nil {
					ld = &libData{nodes: map[string]uint64{}, syms: map[symKey]uint64{}}
					libs[lib] = ld
				}
				if err := parseAbilist(f, ld, uint64(1)<<bit); err != nil {
					return err
				}
			}
		}
		if len(libs) == 0 {
			return fmt.Errorf("no abilist files for %s under %s", abi, src)
		}
		if err := markCompatOnly(abi, releases, libs); err != nil {
			return err
		}
		if abi == "x86_64" {
			if err := checkCompatOnly(filepath.Join(src, "COMPAT-ONLY-2.36-x86_64.tsv"), "2.36", releases, libs); err != nil {
				return err
			}
		}
		table, err := readAliasTable(aliasTablePath(aliasDir, abi))
		if err != nil {
			return err
		}
		objects, err := aliasRecords(abi, releases, libs, table)
		if err != nil {
			return err
		}
		if reportTo != nil {
			aliasReport(reportTo, abi, libs, table)
			continue
		}
		if err := writeABI(filepath.Join(out, abi+".abidb.gz"), abi, releases, libs, markers, objects); err != nil {
			return err
		}
	}
	return nil
}

// parseAbilist reads one abilist in any of glibc's three formats:
// grouped (2.16–2.22: a bare version line, then indented entries),
// flat with "A" node lines (2.23–2.27), and flat without them (2.28+).
func parseAbilist(path string, ld *libData, bit uint64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	group := ""
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Fields(line)
		indented := line[0] == ' ' || line[0] == '\t'
		var node string
		switch {
		case !indented && len(fields) == 1:
			group = fields[0]
			ld.nodes[group] |= bit
			continue
		case indented:
			if group == "" {
				return fmt.Errorf("%s:%d: indented entry outside a version group", path, lineNo)
			}
			node = group
		default:
			node, fields = fields[0], fields[1:]
		}
		if len(fields) < 2 {
			return fmt.Errorf("%s:%d: malformed line %q", path, lineNo, line)
		}
		name, kind := fields[0], fields[1]
		switch kind {
		case "A":
			ld.nodes[name] |= bit
		case "F":
			ld.nodes[node] |= bit
			ld.syms[symKey{name, node, "F", 0}] |= bit
		case "D":
			if len(fields) != 3 {
				return fmt.Errorf("%s:%d: data symbol without size: %q", path, lineNo, line)
			}
			size, err := strconv.ParseUint(strings.TrimPrefix(fields[2], "0x"), 16, 64)
			if err != nil {
				return fmt.Errorf("%s:%d: bad size in %q", path, lineNo, line)
			}
			ld.nodes[node] |= bit
			ld.syms[symKey{name, node, "D", size}] |= bit
		default:
			return fmt.Errorf("%s:%d: unknown symbol type %q", path, lineNo, kind)
		}
	}
	return sc.Err()
}

type marker struct{ node, lib, release string }

// readMarkers returns, per ABI, the symbol-less version nodes of
// VERSION-MARKERS.tsv (columns: version_node, lib, abis, first_release_tag, ...).
func readMarkers(path string) (map[string][]marker, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string][]marker{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 4 {
			return nil, fmt.Errorf("%s:%d: want at least 4 columns", path, i+1)
		}
		lib := strings.TrimSuffix(cols[1], ".so.6")
		rel := strings.TrimPrefix(cols[3], "glibc-")
		for _, abi := range abis {
			if strings.HasPrefix(cols[2], "all") || strings.Contains(", "+cols[2]+",", " "+abi+",") {
				out[abi] = append(out[abi], marker{cols[0], lib, rel})
			}
		}
	}
	return out, nil
}

func writeABI(path, abi string, releases []string, libs map[string]*libData, markers map[string][]marker, objects map[string][]aliasRecord) error {
	var b strings.Builder
	fmt.Fprintf(&b, "compatbuild-abidb 4\nabi %s\nreleases %s\n", abi, strings.Join(releases, " "))
	for _, lib := range sortedKeys(libs) {
		ld := libs[lib]
		fmt.Fprintf(&b, "lib %s\n", lib)
		nodes := sortedKeys(ld.nodes)
		sort.SliceStable(nodes, func(i, j int) bool { return nodeLess(nodes[i], nodes[j]) })
		for _, n := range nodes {
			fmt.Fprintf(&b, "n %s %x\n", n, ld.nodes[n])
		}
		keys := make([]symKey, 0, len(ld.syms))
		for k := range ld.syms {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := keys[i], keys[j]
			if a.name != c.name {
				return a.name < c.name
			}
			if a.node != c.node {
				return nodeLess(a.node, c.node)
			}
			return a.size < c.size
		})
		for _, k := range keys {
			if k.kind == "D" {
				fmt.Fprintf(&b, "s %s %s D %x %x\n", k.name, k.node, k.size, ld.syms[k])
			} else {
				fmt.Fprintf(&b, "s %s %s F %x\n", k.name, k.node, ld.syms[k])
			}
		}
		for _, name := range sortedKeys(ld.compat) {
			fmt.Fprintf(&b, "c %s %x\n", name, ld.compat[name])
		}
		b.WriteString(defaultRecords(abi, lib, releases, ld))
		for _, o := range objects[lib] {
			fmt.Fprintf(&b, "o %x", o.mask)
			for _, m := range o.members {
				fmt.Fprintf(&b, " %s", m)
			}
			b.WriteByte('\n')
		}
	}
	for _, m := range markers[abi] {
		fmt.Fprintf(&b, "m %s %s %s\n", m.node, m.lib, m.release)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	if _, err := zw.Write([]byte(b.String())); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeFingerprints records each data file's SHA-256, so that caches keyed
// by the data (sysroots) need not hash it at every link.
func writeFingerprints(path, dataDir string) error {
	var b strings.Builder
	b.WriteString("// Code generated by gen; DO NOT EDIT.\n\npackage abidb\n\n// fingerprints holds the SHA-256 of each embedded data file.\nvar fingerprints = map[string]string{\n")
	for _, abi := range abis {
		data, err := os.ReadFile(filepath.Join(dataDir, abi+".abidb.gz"))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\t%q: \"%x\",\n", abi, sha256.Sum256(data))
	}
	b.WriteString("}\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nodeLess orders version nodes by family, then numerically: GLIBC_2.2.5 <
// GLIBC_2.14, so the output reads like glibc's history.
func nodeLess(a, b string) bool {
	fa, va := splitNode(a)
	fb, vb := splitNode(b)
	if fa != fb {
		return fa < fb
	}
	for i := 0; i < len(va) && i < len(vb); i++ {
		if va[i] != vb[i] {
			return va[i] < vb[i]
		}
	}
	if len(va) != len(vb) {
		return len(va) < len(vb)
	}
	return a < b
}

func splitNode(s string) (string, []int) {
	i := strings.LastIndexByte(s, '_')
	if i < 0 {
		return s, nil
	}
	var nums []int
	for _, p := range strings.Split(s[i+1:], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return s, nil
		}
		nums = append(nums, n)
	}
	return s[:i], nums
}

// compatGroup is a set of symbols that glibc turned into compatibility
// symbols (name@VERSION with no default name@@VERSION) in one release:
// binaries linked earlier keep resolving them, new links cannot bind them.
// glibc's abilists list such symbols exactly as before, so the database
// needs this table to know them.
type compatGroup struct {
	since string   // first release in which no default version exists
	lib   string   // library short name
	why   string   // glibc's reason, for readers of this table
	names []string // symbol names; "__*_finite" matches libm's *_finite family
}

// compatOnly is the history of glibc symbols turned compat-only, from the
// SHLIB_COMPAT bounds in glibc's sources and its NEWS, and checked against
// the real Debian 11 (2.31), 12 (2.36) and 13 (2.41) x86_64 libraries by
// internal/sysroot's real-library tests. Entries that were compat-only
// before 2.17 are listed as 2.17, the oldest release the database covers.
// Where a release is uncertain the earliest the abilists of the other ABIs
// allow is used (a symbol compat-only before an ABI's first release is
// missing from that ABI's lists), so a stub never offers a symbol glibc
// had already withdrawn. Configure-dependent cases follow Debian's build:
// Sun RPC was linkable up to 2.31 (--enable-obsolete-rpc; glibc removed the
// option in 2.32), libnsl compat-only from 2.26 (no --enable-obsolete-nsl).
// Symbols named __<lib>_version_placeholder are always compat-only.
var compatOnly = []compatGroup{
	{"2.17", "libc", "removed before 2.17 (old ctype tables, obstack, __secure_getenv)", []string{
		"__ctype32_b", "__ctype32_tolower", "__ctype32_toupper", "__ctype_b", "__ctype_tolower", "__ctype_toupper",
		"_obstack", "__secure_getenv"}},
	{"2.17", "libpthread", "always in libc_nonshared.a, the libpthread export is compat-only", []string{"pthread_atfork"}},
	{"2.20", "libpthread", "libpthread forwarders of libc functions (libc keeps them)", []string{
		"__fork", "fork", "longjmp", "siglongjmp", "system"}},
	{"2.21", "libc", "sigvec removed", []string{"sigvec"}},
	{"2.23", "libc", "obsolete Linux module and regexp.h interfaces", []string{
		"bdflush", "create_module", "get_kernel_syms", "query_module", "uselib",
		"advance", "step", "loc1", "loc2", "locs"}},
	{"2.24", "libc", "__malloc_initialize_hook removed", []string{"__malloc_initialize_hook"}},
	{"2.25", "libc", "malloc_get_state/set_state removed; string.h inline helpers", []string{
		"malloc_get_state", "malloc_set_state",
		"__mempcpy_small", "__stpcpy_small", "__strcpy_small", "__strcspn_c1", "__strcspn_c2", "__strcspn_c3",
		"__strpbrk_c2", "__strpbrk_c3", "__strsep_1c", "__strsep_2c", "__strsep_3c",
		"__strspn_c1", "__strspn_c2", "__strspn_c3", "__strtok_r_1c"}},
	{"2.25", "libresolv", "resolver send hooks removed", []string{"res_send_setqhook", "res_send_setrhook"}},
	{"2.26", "libc", "signal.h inline helpers and cfree removed", []string{"__sigaddset", "__sigdelset", "__sigismember", "cfree"}},
	{"2.26", "libresolv", "old host-file and gethostby* resolver entry points", []string{
		"_gethtbyaddr", "_gethtbyname", "_gethtbyname2", "_gethtent", "_sethtent",
		"res_gethostbyaddr", "res_gethostbyname", "res_gethostbyname2"}},
	{"2.26", "libnsl", "libnsl deprecated: built compat-only unless --enable-obsolete-nsl", []string{
		"__free_fdresult", "__nis_default_access", "__nis_default_group", "__nis_default_owner",
		"__nis_default_ttl", "__nis_finddirectory", "__nis_hash", "__nisbind_connect", "__nisbind_create",
		"__nisbind_destroy", "__nisbind_next", "__yp_check", "nis_add", "nis_add_entry", "nis_addmember",
		"nis_checkpoint", "nis_clone_directory", "nis_clone_object", "nis_clone_result", "nis_creategroup",
		"nis_destroy_object", "nis_destroygroup", "nis_dir_cmp", "nis_domain_of", "nis_domain_of_r",
		"nis_first_entry", "nis_free_directory", "nis_free_object", "nis_free_request", "nis_freenames",
		"nis_freeresult", "nis_freeservlist", "nis_freetags", "nis_getnames", "nis_getservlist",
		"nis_ismember", "nis_leaf_of", "nis_leaf_of_r", "nis_lerror", "nis_list", "nis_local_directory",
		"nis_local_group", "nis_local_host", "nis_local_principal", "nis_lookup", "nis_mkdir",
		"nis_modify", "nis_modify_entry", "nis_name_of", "nis_name_of_r", "nis_next_entry", "nis_perror",
		"nis_ping", "nis_print_directory", "nis_print_entry", "nis_print_group", "nis_print_group_entry",
		"nis_print_link", "nis_print_object", "nis_print_result", "nis_print_rights", "nis_print_table",
		"nis_read_obj", "nis_remove", "nis_remove_entry", "nis_removemember", "nis_rmdir", "nis_servstate",
		"nis_sperrno", "nis_sperror", "nis_sperror_r", "nis_stats", "nis_verifygroup", "nis_write_obj",
		"readColdStartFile", "writeColdStartFile", "xdr_cback_data", "xdr_domainname", "xdr_keydat",
		"xdr_mapname", "xdr_obj_p", "xdr_peername", "xdr_valdat", "xdr_yp_buf", "xdr_ypall",
		"xdr_ypbind_binding", "xdr_ypbind_resp", "xdr_ypbind_resptype", "xdr_ypbind_setdom",
		"xdr_ypdelete_args", "xdr_ypmap_parms", "xdr_ypmaplist", "xdr_yppush_status", "xdr_yppushresp_xfr",
		"xdr_ypreq_key", "xdr_ypreq_nokey", "xdr_ypreq_xfr", "xdr_ypresp_all", "xdr_ypresp_key_val",
		"xdr_ypresp_maplist", "xdr_ypresp_master", "xdr_ypresp_order", "xdr_ypresp_val", "xdr_ypresp_xfr",
		"xdr_ypstat", "xdr_ypupdate_args", "xdr_ypxfrstat", "yp_all", "yp_bind", "yp_first",
		"yp_get_default_domain", "yp_maplist", "yp_master", "yp_match", "yp_next", "yp_order", "yp_unbind",
		"yp_update", "ypbinderr_string", "yperr_string", "ypprot_err"}},
	{"2.27", "libc", "accidentally exported NSS lookup functions", []string{
		"__nss_passwd_lookup", "__nss_group_lookup", "__nss_hosts_lookup"}},
	{"2.27", "libm", "SVID error handling and pow10 removed", []string{"_LIB_VERSION", "matherr", "pow10", "pow10f", "pow10l"}},
	{"2.27", "libresolv", "__p_secstodate removed", []string{"__p_secstodate"}},
	{"2.28", "libc", "obsolete system calls, DES helpers and _res", []string{
		"llseek", "nfsservctl", "ustat", "cbc_crypt", "des_setparity", "ecb_crypt", "svcauthdes_stats", "_res"}},
	{"2.28", "libpthread", "libpthread forwarders of libc functions (libc keeps them)", []string{
		"__fcntl", "fcntl", "pthread_kill_other_threads_np"}},
	{"2.29", "libc", "_IO_vfscanf removed", []string{"_IO_vfscanf"}},
	{"2.30", "libc", "XSI STREAMS stubs and NSS internals", []string{
		"fattach", "fdetach", "getmsg", "getpmsg", "isastream", "putmsg", "putpmsg",
		"__nss_next", "__nss_database_lookup"}},
	{"2.31", "libc", "stime removed", []string{"stime"}},
	{"2.31", "libm", "math-finite.h removed: the __*_finite entry points", []string{"__*_finite"}},
	{"2.32", "libc", "sys_errlist/sys_siglist arrays, sysctl, sstk", []string{
		"_sys_errlist", "_sys_nerr", "_sys_siglist", "sys_errlist", "sys_nerr", "sys_sigabbrev", "sys_siglist",
		"__sysctl", "sysctl", "sstk"}},
	{"2.32", "libc", "Sun RPC: --enable-obsolete-rpc removed, use libtirpc", []string{
		"__key_decryptsession_pk_LOCAL", "__key_encryptsession_pk_LOCAL", "__key_gendes_LOCAL",
		"__rpc_thread_createerr", "__rpc_thread_svc_fdset", "__rpc_thread_svc_max_pollfd",
		"__rpc_thread_svc_pollfd", "_authenticate", "_null_auth", "_rpc_dtablesize", "_seterr_reply",
		"authdes_create", "authdes_getucred", "authdes_pk_create", "authnone_create", "authunix_create",
		"authunix_create_default", "callrpc", "clnt_broadcast", "clnt_create", "clnt_pcreateerror",
		"clnt_perrno", "clnt_perror", "clnt_spcreateerror", "clnt_sperrno", "clnt_sperror",
		"clntraw_create", "clnttcp_create", "clntudp_bufcreate", "clntudp_create", "clntunix_create",
		"get_myaddress", "getnetname", "getpublickey", "getrpcport", "getsecretkey", "host2netname",
		"key_decryptsession", "key_decryptsession_pk", "key_encryptsession", "key_encryptsession_pk",
		"key_gendes", "key_get_conv", "key_secretkey_is_set", "key_setnet", "key_setsecret",
		"netname2host", "netname2user", "passwd2des", "pmap_getmaps", "pmap_getport", "pmap_rmtcall",
		"pmap_set", "pmap_unset", "registerrpc", "rpc_createerr", "rtime", "svc_exit", "svc_fdset",
		"svc_getreq", "svc_getreq_common", "svc_getreq_poll", "svc_getreqset", "svc_max_pollfd",
		"svc_pollfd", "svc_register", "svc_run", "svc_sendreply", "svc_unregister", "svcerr_auth",
		"svcerr_decode", "svcerr_noproc", "svcerr_noprog", "svcerr_progvers", "svcerr_systemerr",
		"svcerr_weakauth", "svcfd_create", "svcraw_create", "svctcp_create", "svcudp_bufcreate",
		"svcudp_create", "svcudp_enablecache", "svcunix_create", "svcunixfd_create", "user2netname",
		"xdecrypt", "xdr_accepted_reply", "xdr_array", "xdr_authdes_cred", "xdr_authdes_verf",
		"xdr_authunix_parms", "xdr_bool", "xdr_bytes", "xdr_callhdr", "xdr_callmsg", "xdr_char",
		"xdr_cryptkeyarg", "xdr_cryptkeyarg2", "xdr_cryptkeyres", "xdr_des_block", "xdr_double",
		"xdr_enum", "xdr_float", "xdr_free", "xdr_getcredres", "xdr_hyper", "xdr_int", "xdr_int16_t",
		"xdr_int32_t", "xdr_int64_t", "xdr_int8_t", "xdr_key_netstarg", "xdr_key_netstres", "xdr_keybuf",
		"xdr_keystatus", "xdr_long", "xdr_longlong_t", "xdr_netnamestr", "xdr_netobj", "xdr_opaque",
		"xdr_opaque_auth", "xdr_pmap", "xdr_pmaplist", "xdr_pointer", "xdr_quad_t", "xdr_reference",
		"xdr_rejected_reply", "xdr_replymsg", "xdr_rmtcall_args", "xdr_rmtcallres", "xdr_short",
		"xdr_sizeof", "xdr_string", "xdr_u_char", "xdr_u_hyper", "xdr_u_int", "xdr_u_long",
		"xdr_u_longlong_t", "xdr_u_quad_t", "xdr_u_short", "xdr_uint16_t", "xdr_uint32_t", "xdr_uint64_t",
		"xdr_uint8_t", "xdr_union", "xdr_unixcred", "xdr_vector", "xdr_void", "xdr_wrapstring",
		"xdrmem_create", "xdrrec_create", "xdrrec_endofrecord", "xdrrec_eof", "xdrrec_skiprecord",
		"xdrstdio_create", "xencrypt", "xprt_register", "xprt_unregister"}},
	{"2.33", "libc", "vtimes removed", []string{"vtimes"}},
	{"2.34", "libc", "malloc hooks removed; libpthread and libresolv internals merged into libc as compat symbols", []string{
		"__after_morecore_hook", "__default_morecore", "__free_hook", "__malloc_hook", "__memalign_hook",
		"__morecore", "__realloc_hook", "mallwatch", "tr_break",
		"__pthread_getspecific", "__pthread_mutex_destroy", "__pthread_mutex_init", "__pthread_mutex_lock",
		"__pthread_mutex_trylock", "__pthread_mutex_unlock", "__pthread_mutexattr_destroy",
		"__pthread_mutexattr_init", "__pthread_mutexattr_settype", "__pthread_once",
		"__pthread_rwlock_destroy", "__pthread_rwlock_init", "__pthread_rwlock_rdlock",
		"__pthread_rwlock_tryrdlock", "__pthread_rwlock_trywrlock", "__pthread_rwlock_unlock",
		"__pthread_rwlock_wrlock", "__pthread_setspecific", "_pthread_cleanup_pop_restore",
		"_pthread_cleanup_push_defer", "pthread_atfork", "pthread_kill_other_threads_np",
		"pthread_mutex_consistent_np", "pthread_mutexattr_getkind_np", "pthread_mutexattr_getrobust_np",
		"pthread_mutexattr_setkind_np", "pthread_mutexattr_setrobust_np", "pthread_yield",
		"__dn_comp", "__dn_expand", "__dn_skipname", "__res_dnok", "__res_hnok", "__res_mailok",
		"__res_mkquery", "__res_nmkquery", "__res_nquery", "__res_nquerydomain", "__res_nsearch",
		"__res_nsend", "__res_ownok", "__res_query", "__res_querydomain", "__res_search", "__res_send"}},
	{"2.34", "libc_malloc_debug", "the debugging malloc is preloaded, never linked", []string{
		"__free_hook", "__malloc_hook", "__memalign_hook", "__realloc_hook", "aligned_alloc", "calloc",
		"free", "mallinfo", "mallinfo2", "malloc", "malloc_get_state", "malloc_info", "malloc_set_state",
		"malloc_stats", "malloc_trim", "malloc_usable_size", "mallopt", "mcheck", "mcheck_check_all",
		"mcheck_pedantic", "memalign", "mprobe", "mtrace", "muntrace", "posix_memalign", "pvalloc",
		"realloc", "valloc"}},
	{"2.37", "libc", "withdrawn between 2.37 and 2.41 (earliest assumed)", []string{"__ivaliduser", "_dl_mcount_wrapper"}},
	{"2.37", "libresolv", "withdrawn between 2.37 and 2.41 (earliest assumed)", []string{"_res_opcodes"}},
}

// compatSince returns the first release in which lib's symbol name has no
// default version, if the table or the placeholder rule knows one.
func compatSince(lib, name string) (string, bool) {
	if strings.HasPrefix(name, "__") && strings.HasSuffix(name, "_version_placeholder") {
		return "", true // placeholders keep a version node alive; never linkable
	}
	best, found := "", false
	for _, g := range compatOnly {
		if g.lib != lib {
			continue
		}
		for _, n := range g.names {
			if n == name || n == "__*_finite" && len(name) > len("___finite") && strings.HasPrefix(name, "__") && strings.HasSuffix(name, "_finite") {
				if !found || releaseLess(g.since, best) {
					best, found = g.since, true
				}
			}
		}
	}
	return best, found
}

// releaseLess orders release numbers ("2.9" < "2.17").
func releaseLess(a, b string) bool { return nodeLess("GLIBC_"+a, "GLIBC_"+b) }

// markCompatOnly fills each library's compat masks from the table, and
// checks on x86_64 that every name in the table exists in its library from
// the stated release on (a guard against typos and wrong libraries).
func markCompatOnly(abi string, releases []string, libs map[string]*libData) error {
	from := func(rel string) uint64 {
		var m uint64
		for i, r := range releases {
			if rel == "" || !releaseLess(r, rel) {
				m |= 1 << i
			}
		}
		return m
	}
	for lib, ld := range libs {
		exported := map[string]uint64{}
		for k, m := range ld.syms {
			exported[k.name] |= m
		}
		ld.compat = map[string]uint64{}
		for name, m := range exported {
			if since, ok := abiCompatSince(abi, lib, name); ok && m&from(since) != 0 {
				ld.compat[name] = m & from(since)
			}
		}
	}
	if err := checkABITables(abi, releases, libs); err != nil {
		return err
	}
	if abi != "x86_64" {
		return nil
	}
	for _, g := range compatOnly {
		ld := libs[g.lib]
		if ld == nil {
			return fmt.Errorf("compat table: no library %s on %s", g.lib, abi)
		}
		for _, n := range g.names {
			if strings.Contains(n, "*") {
				continue
			}
			if ld.compat[n] == 0 {
				return fmt.Errorf("compat table: %s does not export %s in %s or later on %s", g.lib, n, g.since, abi)
			}
		}
	}
	return nil
}

// checkCompatOnly compares the compat-only set at release with a TSV of
// symbols that real libraries of that release export only as compat
// versions (columns lib, symbol, ...; '#' comments and a header line).
// A missing file is not an error: the corpus may not carry one.
func checkCompatOnly(path, release string, releases []string, libs map[string]*libData) error {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	bit := -1
	for i, r := range releases {
		if r == release {
			bit = i
		}
	}
	want := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		cols := strings.Split(line, "\t")
		if strings.HasPrefix(line, "#") || len(cols) < 2 || cols[0] == "lib" {
			continue
		}
		want[cols[0]+" "+cols[1]] = true
	}
	var diffs []string
	for lib, ld := range libs {
		for name, m := range ld.compat {
			if m&(1<<bit) != 0 && !want[lib+" "+name] {
				diffs = append(diffs, "+"+lib+" "+name)
			}
		}
	}
	for k := range want {
		lib, name, _ := strings.Cut(k, " ")
		if ld := libs[lib]; lib != "libcrypt" && (ld == nil || ld.compat[name]&(1<<bit) == 0) {
			diffs = append(diffs, "-"+k)
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("compat table disagrees with %s at %s (+ only in the table, - only in the file): %s", path, release, strings.Join(diffs, ", "))
	}
	return nil
}
