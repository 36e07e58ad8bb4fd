/* Header value decoders (Via, name-addr/addr-spec, CSeq, parameters, token
 * lists) and the name tables. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip.h"
#include "testutil.h"

#define ck_pl(v, s) \
	ck_assert_msg(pl_eq_str(&(v), (s)), "%s is \"%.*s\", expected \"%s\"", #v, PL_FMT(v), (s))

static struct pl P(const char *s)
{
	return pl_make(s, strlen(s));
}

static void via_ok(struct sip_via *via, const char *s)
{
	struct pl t = P(s);
	int err = sip_via_decode(via, &t);

	ck_assert_msg(err == 0, "Via \"%s\" rejected: %d", s, err);
	ck_assert(via->value.p == s && via->value.l == strlen(s));
}

static void via_bad(const char *s)
{
	struct sip_via via;
	struct pl t = P(s);

	ck_assert_msg(sip_via_decode(&via, &t) == EBADMSG, "Via \"%s\" accepted", s);
}

static void addr_ok(struct sip_addr *a, const char *s)
{
	struct pl t = P(s);
	int err = sip_addr_decode(a, &t);

	ck_assert_msg(err == 0, "address \"%s\" rejected: %d", s, err);
}

static void addr_bad(const char *s)
{
	struct sip_addr a;
	struct pl t = P(s);

	ck_assert_msg(sip_addr_decode(&a, &t) == EBADMSG, "address \"%s\" accepted", s);
}

static int cseq(struct sip_cseq *c, const char *s)
{
	struct pl t = P(s);

	return sip_cseq_decode(c, &t);
}

/* ---- Via ---- */

START_TEST(test_via_fields)
{
	struct sip_via via;

	via_ok(&via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;ttl=1");
	ck_pl(via.proto, "SIP/2.0/UDP");
	ck_pl(via.tp_pl, "UDP");
	ck_assert_int_eq(via.tp, SIP_TP_UDP);
	ck_pl(via.host, "192.0.2.1");
	ck_assert_int_eq(via.host_type, SIP_HOST_IPV4);
	ck_assert_uint_eq(via.port, 5060);
	ck_pl(via.params, "branch=z9hG4bK776asdhds;ttl=1");
	ck_pl(via.branch, "z9hG4bK776asdhds");
	ck_assert_ptr_null(via.received.p);
	ck_assert(!via.has_rport);
	ck_assert_ptr_null(via.maddr.p);
}
END_TEST

START_TEST(test_via_transports)
{
	static const struct { const char *v; enum sip_transport tp; } cases[] = {
		{ "SIP/2.0/UDP h.example.com", SIP_TP_UDP },
		{ "SIP/2.0/TCP h.example.com", SIP_TP_TCP },
		{ "SIP/2.0/TLS h.example.com", SIP_TP_TLS },
		{ "SIP/2.0/SCTP h.example.com", SIP_TP_SCTP },
		{ "SIP/2.0/WS h.example.com", SIP_TP_WS },
		{ "SIP/2.0/WSS h.example.com", SIP_TP_WSS },
		{ "SIP/2.0/tls h.example.com", SIP_TP_TLS },
		{ "SIP/2.0/udp h.example.com", SIP_TP_UDP },
		{ "SIP/2.0/FOO h.example.com", SIP_TP_OTHER },
		{ "SIP/2.0/TLS-SCTP h.example.com", SIP_TP_OTHER },
	};
	struct sip_via via;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		via_ok(&via, cases[i].v);
		ck_assert_msg(via.tp == cases[i].tp, "%s gave %d", cases[i].v, via.tp);
		ck_pl(via.host, "h.example.com");
		ck_assert_uint_eq(via.port, 0);
	}
}
END_TEST

START_TEST(test_via_host_types_and_port)
{
	struct sip_via via;

	via_ok(&via, "SIP/2.0/TCP client.example.com:5061;branch=z9hG4bK1");
	ck_assert_int_eq(via.host_type, SIP_HOST_NAME);
	ck_pl(via.host, "client.example.com");
	ck_assert_uint_eq(via.port, 5061);
	via_ok(&via, "SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bK2");
	ck_assert_int_eq(via.host_type, SIP_HOST_IPV6);
	ck_pl(via.host, "2001:db8::9:1");
	ck_assert_uint_eq(via.port, 5070);
	via_ok(&via, "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK3");
	ck_pl(via.host, "2001:db8::9:1");
	ck_assert_uint_eq(via.port, 0);
	via_ok(&via, "SIP/2.0/UDP 10.0.0.1:65535");
	ck_assert_uint_eq(via.port, 65535);
	via_bad("SIP/2.0/UDP 10.0.0.1:65536");
	via_bad("SIP/2.0/UDP 10.0.0.1:");
	via_bad("SIP/2.0/UDP 2001:db8::1");
	via_bad("SIP/2.0/UDP [2001:db8::1");
	via_bad("SIP/2.0/UDP [zz::1]");
	/* an IPv4 address is the whole run of host characters */
	via_ok(&via, "SIP/2.0/UDP 10.0.0.1.example.com:5062");
	ck_assert_int_eq(via.host_type, SIP_HOST_NAME);
	ck_pl(via.host, "10.0.0.1.example.com");
	ck_assert_uint_eq(via.port, 5062);
	via_ok(&via, "SIP/2.0/UDP 10.0.0.1 ;branch=z9hG4bK4");
	ck_assert_int_eq(via.host_type, SIP_HOST_IPV4);
	ck_pl(via.host, "10.0.0.1");
	via_bad("SIP/2.0/UDP 10.0.0.1x");
	via_bad("SIP/2.0/UDP 10.0.0.256");
}
END_TEST

START_TEST(test_via_received_ipv6_in_and_out_of_brackets)
{
	/* RFC 5118 4.5: both spellings are seen and must be accepted */
	struct sip_via via;
	struct pl addr;

	via_ok(&via, "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3");
	ck_assert_ptr_nonnull(via.received.p);
	addr = via.received;
	if (addr.l >= 2 && addr.p[0] == '[' && addr.p[addr.l - 1] == ']')
		addr = pl_make(addr.p + 1, addr.l - 2);
	ck_pl(addr, "2001:db8::9:255");
	ck_pl(via.branch, "z9hG4bKas3");

	via_ok(&via, "SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas4");
	ck_pl(via.received, "2001:db8::9:255");
	ck_pl(via.branch, "z9hG4bKas4");

	via_ok(&via, "SIP/2.0/UDP host.example.com;received=192.0.2.7");
	ck_pl(via.received, "192.0.2.7");
	via_bad("SIP/2.0/UDP host.example.com;received=[2001:db8::9:255");
	via_bad("SIP/2.0/UDP host.example.com;received=");
}
END_TEST

START_TEST(test_via_rport_with_and_without_value)
{
	struct sip_via via;

	/* RFC 3581 4 */
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;rport;branch=z9hG4bKr1");
	ck_assert(via.has_rport);
	ck_assert_uint_eq(via.rport.l, 0);
	ck_pl(via.branch, "z9hG4bKr1");
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr2;rport=5061;received=192.0.2.9");
	ck_assert(via.has_rport);
	ck_pl(via.rport, "5061");
	ck_pl(via.received, "192.0.2.9");
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr3;rport");
	ck_assert(via.has_rport);
	ck_assert_uint_eq(via.rport.l, 0);
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr4;rportx=1");
	ck_assert(!via.has_rport);
}
END_TEST

START_TEST(test_via_first_occurrence_of_each_param_counts)
{
	struct sip_via via;

	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;BRANCH=z9hG4bKb;rport=7;rport"
		     ";received=192.0.2.2;Received=192.0.2.3;maddr=224.2.0.1;maddr=224.2.0.2");
	ck_pl(via.branch, "z9hG4bKa");
	ck_assert(via.has_rport);
	ck_pl(via.rport, "7");
	ck_pl(via.received, "192.0.2.2");
	ck_pl(via.maddr, "224.2.0.1");
	/* a parameter without a value still counts as the first one */
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;rport ;rport=9;branch = \"z9;q\" ;ttl");
	ck_assert(via.has_rport);
	ck_assert_uint_eq(via.rport.l, 0);
	ck_assert_ptr_nonnull(via.rport.p);
	ck_assert_int_eq(*via.rport.p, ';');
	ck_pl(via.branch, "\"z9;q\"");
}
END_TEST

START_TEST(test_via_malformed_params_leave_the_known_ones_unset)
{
	static const char *const bad[] = {
		"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;rport;received=192.0.2.2;maddr=224.2.0.1;;",
		"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;rport=1 x",
		"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;maddr=[::1",
		"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;received=\"192.0.2.2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sip_via via;
		struct pl t = P(bad[i]);

		ck_assert_msg(sip_via_decode(&via, &t) == EBADMSG, "%s accepted", bad[i]);
		ck_pl(via.host, "192.0.2.1");
		ck_assert_ptr_null(via.params.p);
		ck_assert_ptr_null(via.branch.p);
		ck_assert_ptr_null(via.received.p);
		ck_assert_ptr_null(via.maddr.p);
		ck_assert(!via.has_rport);
	}
}
END_TEST

START_TEST(test_via_maddr_and_param_names_case_insensitive)
{
	struct sip_via via;

	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;MADDR=224.2.0.1;Branch=z9hG4bKm;TTL=16");
	ck_pl(via.maddr, "224.2.0.1");
	ck_pl(via.branch, "z9hG4bKm");
	via_ok(&via, "SIP/2.0/UDP 192.0.2.1;maddr=[ff02::1]");
	ck_pl(via.maddr, "[ff02::1]");
}
END_TEST

START_TEST(test_via_lws_around_separators)
{
	struct sip_via via;

	/* RFC 4475 3.1.1.1 (wsinv) and 3.1.1.3 */
	via_ok(&via, "SIP  /   2.0 /\tUDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;"
		     " branch = z9hG4bKa7c6a8dlze.1");
	ck_assert_int_eq(via.tp, SIP_TP_UDP);
	ck_pl(via.tp_pl, "UDP");
	ck_pl(via.host, "first.example.com");
	ck_assert_uint_eq(via.port, 4000);
	ck_pl(via.maddr, "224.2.0.1");
	ck_pl(via.branch, "z9hG4bKa7c6a8dlze.1");
	via_ok(&via, "SIP/2.0/UDP\r\n host.example.com\r\n ;\r\n branch=z9hG4bKfold");
	ck_pl(via.host, "host.example.com");
	ck_pl(via.branch, "z9hG4bKfold");
}
END_TEST

START_TEST(test_via_missing_sent_by_is_ebadmsg)
{
	via_bad("SIP/2.0/UDP");
	via_bad("SIP/2.0/UDP ");
	via_bad("SIP/2.0/UDP ;branch=z9hG4bK1");
	via_bad("SIP/2.0/UDPhost.example.com");
	via_bad("SIP/2.0 host.example.com");
	via_bad("SIP/2.0/ host.example.com");
	via_bad("/2.0/UDP host.example.com");
	via_bad("");
}
END_TEST

START_TEST(test_via_empty_or_junk_params_are_ebadmsg)
{
	via_bad("SIP/2.0/UDP host.example.com;;branch=z9hG4bK1");
	via_bad("SIP/2.0/UDP host.example.com;branch=z9hG4bK1;");
	via_bad("SIP/2.0/UDP host.example.com;branch=z9hG4bK1;;ttl=1");
	via_bad("SIP/2.0/UDP host.example.com;=x");
	via_bad("SIP/2.0/UDP host.example.com junk");
	via_bad("SIP/2.0/UDP host.example.com:5060 junk");
	via_bad("SIP/2.0/UDP host.example.com;branch=\"unterminated");
}
END_TEST

START_TEST(test_via_too_many_params_is_ebadmsg)
{
	char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "SIP/2.0/UDP h.example.com");
	struct sip_via via;
	struct pl t;

	for (unsigned i = 0; i < SIP_MAX_URI_PARAMS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ";p%u", i);
	t = P(buf);
	ck_assert_int_eq(sip_via_decode(&via, &t), 0);
	snprintf(buf + n, sizeof(buf) - n, ";branch=z9hG4bKx");
	t = P(buf);
	ck_assert_int_ne(sip_via_decode(&via, &t), 0);
}
END_TEST

/* ---- name-addr / addr-spec ---- */

START_TEST(test_addr_quoted_display_name_with_escaped_quotes)
{
	struct sip_addr a;
	const char *s = "\"Alice \\\"Al\\\" Smith, Jr.\" <sip:alice@atlanta.example.com>;tag=88sja8x";

	addr_ok(&a, s);
	ck_pl(a.dname, "\"Alice \\\"Al\\\" Smith, Jr.\"");
	ck_pl(a.uri_pl, "sip:alice@atlanta.example.com");
	ck_pl(a.uri.user, "alice");
	ck_pl(a.params, "tag=88sja8x");
	ck_pl(a.tag, "88sja8x");
	ck_assert(a.angle);
	ck_assert(!a.star);
	ck_assert(a.value.p == s);
	ck_assert(a.dname.p == s);
}
END_TEST

START_TEST(test_addr_token_display_name)
{
	struct sip_addr a;

	addr_ok(&a, "Bob Smith <sip:bob@biloxi.example.com>");
	ck_pl(a.dname, "Bob Smith");
	ck_pl(a.uri.host, "biloxi.example.com");
	ck_assert(a.angle);
	ck_assert_ptr_null(a.tag.p);
	addr_ok(&a, "<sip:bob@biloxi.example.com>");
	ck_assert_uint_eq(a.dname.l, 0);
	ck_assert(a.angle);
	addr_ok(&a, "\"\" <sip:bob@biloxi.example.com>");
	ck_pl(a.dname, "\"\"");
}
END_TEST

START_TEST(test_addr_no_space_before_angle_accepted)
{
	struct sip_addr a;

	/* RFC 4475 3.1.1.6 (noreason/lwsdisp): LAQUOT = SWS "<" */
	addr_ok(&a, "Bob<sip:bob@biloxi.example.com>;tag=1");
	ck_pl(a.dname, "Bob");
	ck_pl(a.uri_pl, "sip:bob@biloxi.example.com");
	ck_pl(a.tag, "1");
	addr_ok(&a, "\"Bob\"<sip:bob@biloxi.example.com>");
	ck_pl(a.dname, "\"Bob\"");
}
END_TEST

START_TEST(test_addr_spec_params_belong_to_the_header)
{
	struct sip_addr a;

	/* RFC 3261 20.10: without < > the parameters are header parameters */
	addr_ok(&a, "sip:bob@biloxi.example.com;tag=abc;x=y");
	ck_assert(!a.angle);
	ck_pl(a.uri_pl, "sip:bob@biloxi.example.com");
	ck_assert_ptr_null(a.uri.params.p);
	ck_pl(a.params, "tag=abc;x=y");
	ck_pl(a.tag, "abc");

	/* inside < > they belong to the URI */
	addr_ok(&a, "<sip:bob@biloxi.example.com;transport=tcp>;tag=t2");
	ck_pl(a.uri.params, "transport=tcp");
	ck_pl(a.params, "tag=t2");
	ck_pl(a.tag, "t2");

	addr_ok(&a, "sip:bob@biloxi.example.com ; tag = abc");
	ck_pl(a.tag, "abc");
}
END_TEST

START_TEST(test_addr_spec_with_question_mark_or_comma_is_ebadmsg)
{
	struct sip_addr a;

	addr_bad("sip:bob@biloxi.example.com?subject=x");
	addr_bad("sip:bob@biloxi.example.com,sip:carol@example.com");
	/* fine inside < > */
	addr_ok(&a, "<sip:bob@biloxi.example.com?subject=x>");
	ck_pl(a.uri.headers, "subject=x");
}
END_TEST

START_TEST(test_addr_malformed_is_ebadmsg)
{
	addr_bad("\"Bob <sip:bob@biloxi.example.com>");		/* unterminated quote */
	addr_bad("\"Bob\\\" <sip:bob@biloxi.example.com>");
	addr_bad("B\"ob\" <sip:bob@biloxi.example.com>");
	addr_bad("<sip:bob @biloxi.example.com>");		/* spaces inside < > */
	addr_bad("< sip:bob@biloxi.example.com>");
	addr_bad("<sip:bob@biloxi.example.com >");
	addr_bad("<sip:bob@biloxi.example.com");		/* no '>' */
	addr_bad("<sip:bob@biloxi.example.com> junk");
	addr_bad("<sip:bob@biloxi.example.com>;;tag=1");
	addr_bad("<sip:bob@biloxi.example.com>;tag=");
	addr_bad("\"Bob\" sip:bob@biloxi.example.com");
	addr_bad("");
	addr_bad("   ");
	addr_bad("<>");
	addr_bad("Bob@ <sip:bob@biloxi.example.com>");
}
END_TEST

START_TEST(test_addr_contact_star)
{
	struct sip_addr a;

	addr_ok(&a, "*");
	ck_assert(a.star);
	ck_assert(!a.angle);
	ck_assert_ptr_null(a.uri_pl.p);
	addr_ok(&a, " * ");
	ck_assert(a.star);
	addr_ok(&a, "<sip:*@example.com>");
	ck_assert(!a.star);
}
END_TEST

START_TEST(test_addr_tag_extraction)
{
	struct sip_addr a;

	addr_ok(&a, "<sip:b@example.com>;foo;TAG=UpperCase;bar=1");
	ck_pl(a.tag, "UpperCase");
	addr_ok(&a, "<sip:b@example.com;tag=inuri>");
	ck_assert_ptr_null(a.tag.p);
	addr_ok(&a, "<sip:b@example.com>;tagx=1");
	ck_assert_ptr_null(a.tag.p);
	addr_ok(&a, "<tel:+15551234567>;tag=t1");
	ck_assert_int_eq(a.uri.scheme, SIP_SCHEME_TEL);
	ck_pl(a.tag, "t1");
}
END_TEST

START_TEST(test_addr_tag_first_occurrence_quoted_or_without_value)
{
	struct sip_addr a;
	struct pl t;

	addr_ok(&a, "<sip:b@example.com>;tag=first;tag=second");
	ck_pl(a.tag, "first");
	addr_ok(&a, "<sip:b@example.com> ; Tag = \"q;t\" ;tag=y");
	ck_pl(a.tag, "\"q;t\"");
	addr_ok(&a, "sip:b@example.com;tag;tag=x");
	ck_assert_ptr_nonnull(a.tag.p);
	ck_assert_uint_eq(a.tag.l, 0);
	/* a malformed list: no tag, no parameters */
	t = P("<sip:b@example.com>;tag=a;;");
	ck_assert_int_eq(sip_addr_decode(&a, &t), EBADMSG);
	ck_assert_ptr_null(a.tag.p);
	ck_assert_ptr_null(a.params.p);
	ck_pl(a.uri.host, "example.com");
}
END_TEST

/* ---- CSeq ---- */

START_TEST(test_cseq_decoded)
{
	struct sip_cseq c;

	ck_assert_int_eq(cseq(&c, "4711 INVITE"), 0);
	ck_assert_uint_eq(c.num, 4711);
	ck_assert_int_eq(c.method, SIP_METHOD_INVITE);
	ck_pl(c.method_pl, "INVITE");
	ck_assert_int_eq(cseq(&c, " 1 \t BYE "), 0);
	ck_assert_uint_eq(c.num, 1);
	ck_assert_int_eq(c.method, SIP_METHOD_BYE);
	ck_assert_int_eq(cseq(&c, "0 ACK"), 0);
	ck_assert_uint_eq(c.num, 0);
	ck_assert_int_eq(cseq(&c, "9 FOOBAR"), 0);
	ck_assert_int_eq(c.method, SIP_METHOD_UNKNOWN);
	ck_pl(c.method_pl, "FOOBAR");
}
END_TEST

START_TEST(test_cseq_leading_zeros_accepted)
{
	struct sip_cseq c;

	ck_assert_int_eq(cseq(&c, "0000000000000000000000000042 OPTIONS"), 0);
	ck_assert_uint_eq(c.num, 42);
	ck_assert_int_eq(c.method, SIP_METHOD_OPTIONS);
}
END_TEST

START_TEST(test_cseq_2_pow_31_is_ebadmsg)
{
	struct sip_cseq c;

	/* RFC 3261 8.1.1.5: less than 2**31 */
	ck_assert_int_eq(cseq(&c, "2147483647 INVITE"), 0);
	ck_assert_uint_eq(c.num, 2147483647u);
	ck_assert_int_eq(cseq(&c, "2147483648 INVITE"), EBADMSG);
	ck_assert_int_eq(cseq(&c, "4294967296 INVITE"), EBADMSG);
	ck_assert_int_eq(cseq(&c, "99999999999999999999 INVITE"), EBADMSG);
}
END_TEST

START_TEST(test_cseq_malformed_is_ebadmsg)
{
	static const char *const bad[] = { "1", "1 ", "INVITE", "1INVITE", "1 INVITE x",
		"-1 INVITE", "1.5 INVITE", "", "1 INV/ITE", "0x10 INVITE" };
	struct sip_cseq c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cseq(&c, bad[i]) == EBADMSG, "CSeq \"%s\" accepted", bad[i]);
}
END_TEST

/* ---- parameters and token lists ---- */

START_TEST(test_param_next_iterates_names_and_values)
{
	const struct pl params = PL("transport=tcp; lr ;maddr = 239.255.255.1;x=\"a;b\";y");
	static const char *const names[] = { "transport", "lr", "maddr", "x", "y" };
	static const char *const vals[] = { "tcp", "", "239.255.255.1", "\"a;b\"", "" };
	size_t pos = 0;
	struct pl n, v;
	unsigned i = 0;

	while (sip_param_next(&params, &pos, &n, &v)) {
		ck_assert_uint_lt(i, 5);
		ck_pl(n, names[i]);
		ck_pl(v, vals[i]);
		i++;
	}
	ck_assert_uint_eq(i, 5);

	const struct pl none = PL_INIT;
	pos = 0;
	ck_assert(!sip_param_next(&none, &pos, &n, &v));
}
END_TEST

START_TEST(test_param_get)
{
	const struct pl params = PL("Transport=TCP;lr;branchx=1;branch=z9hG4bK1;ttl=");
	struct pl v = PL("unchanged");

	ck_assert(sip_param_get(&params, "transport", &v));
	ck_pl(v, "TCP");
	ck_assert(sip_param_get(&params, "LR", &v));
	ck_assert_uint_eq(v.l, 0);
	ck_assert(sip_param_get(&params, "branch", &v));
	ck_pl(v, "z9hG4bK1");
	ck_assert(sip_param_get(&params, "branchx", NULL));
	v = PL("unchanged");
	ck_assert(!sip_param_get(&params, "maddr", &v));
	ck_assert(!sip_param_get(&params, "l", &v));
	ck_assert(!sip_param_get(&params, "bran", &v));
	ck_pl(v, "unchanged");
}
END_TEST

START_TEST(test_token_list_has_case_insensitive)
{
	const struct pl list = PL("100rel, Timer,replaces ,\tnorefersub");
	const struct pl empty = PL("");

	ck_assert(sip_token_list_has(&list, "100rel"));
	ck_assert(sip_token_list_has(&list, "timer"));
	ck_assert(sip_token_list_has(&list, "TIMER"));
	ck_assert(sip_token_list_has(&list, "Replaces"));
	ck_assert(sip_token_list_has(&list, "norefersub"));
	ck_assert(!sip_token_list_has(&list, "time"));
	ck_assert(!sip_token_list_has(&list, "replace"));
	ck_assert(!sip_token_list_has(&list, "100rel, Timer"));
	ck_assert(!sip_token_list_has(&empty, "timer"));
}
END_TEST

/* ---- name tables ---- */

START_TEST(test_hdr_lookup_round_trips_every_id)
{
	for (unsigned i = SIP_HDR_OTHER + 1; i < SIP_HDR_COUNT; i++) {
		enum sip_hdr_id id = (enum sip_hdr_id)i;
		const char *name = sip_hdr_name(id);
		char up[64], low[64];
		size_t n;

		ck_assert_msg(name != NULL, "id %u has no name", i);
		n = strlen(name);
		ck_assert_uint_lt(n, sizeof(up));
		for (size_t k = 0; k <= n; k++) {
			up[k] = (name[k] >= 'a' && name[k] <= 'z') ? (char)(name[k] - 32) : name[k];
			low[k] = (name[k] >= 'A' && name[k] <= 'Z') ? (char)(name[k] + 32) : name[k];
		}
		ck_assert_msg(sip_hdr_lookup(name, n) == id, "%s", name);
		ck_assert_msg(sip_hdr_lookup(up, n) == id, "%s", up);
		ck_assert_msg(sip_hdr_lookup(low, n) == id, "%s", low);
		/* a prefix is another header (one letter may be a compact form) */
		if (n > 2)
			ck_assert_msg(sip_hdr_lookup(name, n - 1) != id, "%s prefix", name);
	}
}
END_TEST

/* one byte changed anywhere in a name makes it another name, unless the
 * byte is the same letter in the other case */
START_TEST(test_hdr_lookup_exact_at_every_byte)
{
	static const unsigned char subst[] = { '-', '_', '\r', '\0', '.', '@', '`', '[', '{', 0xc1 };

	for (unsigned i = SIP_HDR_OTHER + 1; i < SIP_HDR_COUNT; i++) {
		const char *name = sip_hdr_name((enum sip_hdr_id)i);
		size_t n = strlen(name);
		char buf[64];

		for (size_t k = 0; k < n; k++) {
			for (size_t j = 0; j < sizeof(subst) + 1; j++) {
				unsigned char c = j < sizeof(subst) ? subst[j] : (unsigned char)(name[k] ^ 0x20);
				bool same_letter = ((c | 0x20) == (name[k] | 0x20)) &&
						   (c | 0x20) >= 'a' && (c | 0x20) <= 'z';

				memcpy(buf, name, n);
				buf[k] = (char)c;
				if (c == (unsigned char)name[k])
					continue;
				ck_assert_msg((sip_hdr_lookup(buf, n) == (enum sip_hdr_id)i) == same_letter,
					      "%s with byte %zu as 0x%02x", name, k, c);
			}
		}
	}
}
END_TEST

START_TEST(test_hdr_lookup_unknown_names)
{
	ck_assert_int_eq(sip_hdr_lookup("", 0), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("X-Custom", 8), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("Vias", 4), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("Tos", 3), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("Contact-X", 9), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("a", 1), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("z", 1), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("1", 1), SIP_HDR_OTHER);
	ck_assert_int_eq(sip_hdr_lookup("-", 1), SIP_HDR_OTHER);
	/* the length decides, not a NUL */
	ck_assert_int_eq(sip_hdr_lookup("Tofu", 2), SIP_HDR_TO);
	ck_assert_int_eq(sip_hdr_lookup("Call-IDs", 7), SIP_HDR_CALL_ID);
}
END_TEST

START_TEST(test_hdr_name_canonical_spelling)
{
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_CALL_ID), "Call-ID");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_CSEQ), "CSeq");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_WWW_AUTHENTICATE), "WWW-Authenticate");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_RACK), "RAck");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_RSEQ), "RSeq");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_MIME_VERSION), "MIME-Version");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_MIN_SE), "Min-SE");
	ck_assert_str_eq(sip_hdr_name(SIP_HDR_VIA), "Via");
	ck_assert_ptr_null(sip_hdr_name(SIP_HDR_OTHER));
	ck_assert_ptr_null(sip_hdr_name(SIP_HDR_COUNT));
	ck_assert_ptr_null(sip_hdr_name((enum sip_hdr_id)-1));
}
END_TEST

START_TEST(test_method_lookup_case_sensitive)
{
	static const char *const names[] = { "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
		"REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE", "NOTIFY", "SUBSCRIBE",
		"REFER", "PUBLISH" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pl n = P(names[i]);
		enum sip_method m = sip_method_lookup(&n);
		ck_assert_msg(m != SIP_METHOD_UNKNOWN, "%s unknown", names[i]);
		ck_assert_str_eq(sip_method_name(m), names[i]);
	}
	struct pl n = PL("invite");
	ck_assert_int_eq(sip_method_lookup(&n), SIP_METHOD_UNKNOWN);
	n = PL("Bye");
	ck_assert_int_eq(sip_method_lookup(&n), SIP_METHOD_UNKNOWN);
	n = PL("INVITEX");
	ck_assert_int_eq(sip_method_lookup(&n), SIP_METHOD_UNKNOWN);
	n = PL("INVIT");
	ck_assert_int_eq(sip_method_lookup(&n), SIP_METHOD_UNKNOWN);
	n = pl_make("", 0);
	ck_assert_int_eq(sip_method_lookup(&n), SIP_METHOD_UNKNOWN);
	ck_assert_ptr_null(sip_method_name(SIP_METHOD_UNKNOWN));
}
END_TEST

START_TEST(test_reason_phrases)
{
	ck_assert_str_eq(sip_reason_phrase(100), "Trying");
	ck_assert_str_eq(sip_reason_phrase(180), "Ringing");
	ck_assert_str_eq(sip_reason_phrase(200), "OK");
	ck_assert_str_eq(sip_reason_phrase(400), "Bad Request");
	ck_assert_str_eq(sip_reason_phrase(405), "Method Not Allowed");
	ck_assert_str_eq(sip_reason_phrase(416), "Unsupported URI Scheme");
	ck_assert_str_eq(sip_reason_phrase(420), "Bad Extension");
	ck_assert_str_eq(sip_reason_phrase(481), "Call/Transaction Does Not Exist");
	ck_assert_str_eq(sip_reason_phrase(483), "Too Many Hops");
	ck_assert_str_eq(sip_reason_phrase(501), "Not Implemented");
	ck_assert_str_eq(sip_reason_phrase(505), "Version Not Supported");
	ck_assert_str_eq(sip_reason_phrase(603), "Decline");
	/* codes without a phrase of their own get one from their class */
	ck_assert_ptr_nonnull(sip_reason_phrase(299));
	ck_assert_str_ne(sip_reason_phrase(499), "");
	ck_assert_str_ne(sip_reason_phrase(499), sip_reason_phrase(599));
}
END_TEST

START_TEST(test_transport_names)
{
	struct pl n = PL("wss");

	ck_assert_int_eq(sip_transport_lookup(&n), SIP_TP_WSS);
	ck_assert_str_eq(sip_transport_name(SIP_TP_TLS), "TLS");
	ck_assert_str_eq(sip_transport_name(SIP_TP_UDP), "UDP");
	ck_assert_ptr_null(sip_transport_name(SIP_TP_NONE));
	n = PL("QUIC");
	ck_assert_int_eq(sip_transport_lookup(&n), SIP_TP_OTHER);
}
END_TEST

START_TEST(test_transport_lookup_any_case_same_length_others)
{
	static const char *const names[] = { "udp", "Tcp", "tLS", "SCTP", "ws", "WsS" };
	static const char *const others[] = { "UDX", "TC", "TLSS", "SCTQ", "W", "WSX", "" };

	for (unsigned t = SIP_TP_UDP; t < SIP_TP_OTHER; t++) {
		struct pl n = P(names[t - SIP_TP_UDP]);
		ck_assert_msg(sip_transport_lookup(&n) == (enum sip_transport)t, "%s", n.p);
		n = P(sip_transport_name((enum sip_transport)t));
		ck_assert_int_eq(sip_transport_lookup(&n), t);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct pl n = P(others[i]);
		ck_assert_msg(sip_transport_lookup(&n) == SIP_TP_OTHER, "%s", others[i]);
	}
}
END_TEST

static Suite *sip_hdr_suite(void)
{
	Suite *s = suite_create("sip_hdr");
	TCase *tc = tcase_create("via");

	tcase_add_test(tc, test_via_fields);
	tcase_add_test(tc, test_via_transports);
	tcase_add_test(tc, test_via_host_types_and_port);
	tcase_add_test(tc, test_via_received_ipv6_in_and_out_of_brackets);
	tcase_add_test(tc, test_via_rport_with_and_without_value);
	tcase_add_test(tc, test_via_maddr_and_param_names_case_insensitive);
	tcase_add_test(tc, test_via_first_occurrence_of_each_param_counts);
	tcase_add_test(tc, test_via_malformed_params_leave_the_known_ones_unset);
	tcase_add_test(tc, test_via_lws_around_separators);
	tcase_add_test(tc, test_via_missing_sent_by_is_ebadmsg);
	tcase_add_test(tc, test_via_empty_or_junk_params_are_ebadmsg);
	tcase_add_test(tc, test_via_too_many_params_is_ebadmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_add_test(tc, test_addr_quoted_display_name_with_escaped_quotes);
	tcase_add_test(tc, test_addr_token_display_name);
	tcase_add_test(tc, test_addr_no_space_before_angle_accepted);
	tcase_add_test(tc, test_addr_spec_params_belong_to_the_header);
	tcase_add_test(tc, test_addr_spec_with_question_mark_or_comma_is_ebadmsg);
	tcase_add_test(tc, test_addr_malformed_is_ebadmsg);
	tcase_add_test(tc, test_addr_contact_star);
	tcase_add_test(tc, test_addr_tag_extraction);
	tcase_add_test(tc, test_addr_tag_first_occurrence_quoted_or_without_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("cseq");
	tcase_add_test(tc, test_cseq_decoded);
	tcase_add_test(tc, test_cseq_leading_zeros_accepted);
	tcase_add_test(tc, test_cseq_2_pow_31_is_ebadmsg);
	tcase_add_test(tc, test_cseq_malformed_is_ebadmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_test(tc, test_param_next_iterates_names_and_values);
	tcase_add_test(tc, test_param_get);
	tcase_add_test(tc, test_token_list_has_case_insensitive);
	suite_add_tcase(s, tc);

	tc = tcase_create("tables");
	tcase_add_test(tc, test_hdr_lookup_round_trips_every_id);
	tcase_add_test(tc, test_hdr_lookup_exact_at_every_byte);
	tcase_add_test(tc, test_hdr_lookup_unknown_names);
	tcase_add_test(tc, test_hdr_name_canonical_spelling);
	tcase_add_test(tc, test_method_lookup_case_sensitive);
	tcase_add_test(tc, test_reason_phrases);
	tcase_add_test(tc, test_transport_names);
	tcase_add_test(tc, test_transport_lookup_any_case_same_length_others);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sip_hdr_suite());
}
