/* The resolver functions that glibc >= 2.34's <resolv.h> calls by their
 * plain names (res_query, dn_expand, ...), against a DNS server the test
 * runs on 127.0.0.1, port argv[1], which knows compat.test (10.1.2.3) and
 * answers NXDOMAIN for anything else. Built as a program, or with
 * -DPLUGIN as a shared library whose resolve() a host (resolver_host.c)
 * calls after dlopen. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void server(struct __res_state *st, int port)
{
	st->nscount = 1;
	st->nsaddr_list[0].sin_family = AF_INET;
	st->nsaddr_list[0].sin_port = htons(port);
	st->nsaddr_list[0].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	st->options &= ~(RES_DNSRCH | RES_DEFNAMES);
	st->retry = 2;
	st->retrans = 2;
}

/* answer prints the first A record of a reply, walking it with
 * dn_skipname and dn_expand. */
static void answer(const char *what, const unsigned char *msg, int len)
{
	if (len < 0) {
		printf("%s: -1, h_errno %s\n", what, h_errno == HOST_NOT_FOUND ? "HOST_NOT_FOUND" : "other");
		return;
	}
	const unsigned char *p = msg + HFIXEDSZ, *end = msg + len;
	int qd = msg[4] << 8 | msg[5], an = msg[6] << 8 | msg[7];
	for (int i = 0; i < qd; i++) {
		int n = dn_skipname(p, end);
		if (n < 0) { printf("%s: dn_skipname failed\n", what); return; }
		p += n + QFIXEDSZ;
	}
	char name[256];
	int n = dn_expand(msg, end, p, name, sizeof name);
	if (an < 1 || n < 0) { printf("%s: %d answers, dn_expand %d\n", what, an, n); return; }
	p += n;
	int type = p[0] << 8 | p[1], rdlen = p[8] << 8 | p[9];
	printf("%s: %d bytes, %d answer, %s type %d, %d.%d.%d.%d\n", what, len, an, name, type, rdlen == 4 ? p[10] : -1, p[11], p[12], p[13]);
}

int resolve(int port)
{
	unsigned char ans[512], q[512];
	if (res_init() != 0) { printf("res_init failed\n"); return 1; }
	server(&_res, port);
	answer("res_query", ans, res_query("compat.test", C_IN, T_A, ans, sizeof ans));
	answer("res_search", ans, res_search("compat.test", C_IN, T_A, ans, sizeof ans));
	answer("res_querydomain", ans, res_querydomain("compat", "test", C_IN, T_A, ans, sizeof ans));
	answer("res_query missing", ans, res_query("missing.test", C_IN, T_A, ans, sizeof ans));
	int ql = res_mkquery(QUERY, "compat.test", C_IN, T_A, NULL, 0, NULL, q, sizeof q);
	printf("res_mkquery: %d bytes\n", ql);
	answer("res_send", ans, res_send(q, ql, ans, sizeof ans));

	struct __res_state st;
	memset(&st, 0, sizeof st);
	if (res_ninit(&st) != 0) { printf("res_ninit failed\n"); return 1; }
	server(&st, port);
	answer("res_nquery", ans, res_nquery(&st, "compat.test", C_IN, T_A, ans, sizeof ans));
	answer("res_nsearch", ans, res_nsearch(&st, "compat.test", C_IN, T_A, ans, sizeof ans));
	answer("res_nquerydomain", ans, res_nquerydomain(&st, "compat", "test", C_IN, T_A, ans, sizeof ans));
	ql = res_nmkquery(&st, QUERY, "compat.test", C_IN, T_A, NULL, 0, NULL, q, sizeof q);
	printf("res_nmkquery: %d bytes\n", ql);
	answer("res_nsend", ans, res_nsend(&st, q, ql, ans, sizeof ans));
	res_nclose(&st);

	unsigned char buf[256], *dnptrs[8] = {buf, NULL}, **last = dnptrs + 8;
	int n1 = dn_comp("www.compat.test", buf, sizeof buf, dnptrs, last);
	int n2 = dn_comp("mail.compat.test", buf + n1, sizeof buf - n1, dnptrs, last);
	char back[256];
	int n3 = dn_expand(buf, buf + n1 + n2, buf + n1, back, sizeof back);
	printf("dn_comp: %d then %d (compressed), dn_expand: %d %s\n", n1, n2, n3, back);
	printf("res_hnok: %d %d, res_dnok: %d %d, res_mailok: %d %d, res_ownok: %d %d\n",
	       res_hnok("good-host.example"), res_hnok("bad_host!"), res_dnok("any.thing"), res_dnok("bad\001name"),
	       res_mailok("first.last.example.com"), res_mailok("bad@"), res_ownok("*.example"), res_ownok("a.*.b"));
	return 0;
}

#ifndef PLUGIN
int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: resolver PORT\n");
		return 2;
	}
	return resolve(atoi(argv[1]));
}
#endif
