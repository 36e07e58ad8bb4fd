/* The message parser: start lines, header lines, the headers every message
 * needs, framing of the body, limits, multipart bodies, buffer ownership. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "testutil.h"

/* the mandatory headers of a request whose method is INVITE */
#define VIA "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
#define MF "Max-Forwards: 70\r\n"
#define TO "To: Bob <sip:bob@example.com>\r\n"
#define FROM "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
#define CALLID "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
#define CSEQ "CSeq: 314159 INVITE\r\n"
#define INV "INVITE sip:bob@example.com SIP/2.0\r\n"
#define HDRS VIA MF TO FROM CALLID CSEQ
#define EMPTY_BODY "Content-Length: 0\r\n\r\n"

static struct sip_msg *parse_buf(struct mbuf *mb, unsigned flags)
{
	struct sip_msg *msg = NULL;
	struct sip_parse_err perr = { 0, NULL };
	int err = sip_msg_parse(&msg, mb, 0, mb->len, flags, &perr);

	ck_assert_msg(err == 0, "parse failed: %d (%s)", err, perr.reason ? perr.reason : "-");
	ck_assert_ptr_nonnull(msg);
	return msg;
}

/* parses a C string; the message holds the only reference to its buffer */
static struct sip_msg *parse(const char *s, unsigned flags)
{
	struct mbuf *mb = test_mbuf(s);
	struct sip_msg *msg = parse_buf(mb, flags);

	mbuf_unref(mb);
	return msg;
}

/* expects a framing error; *msgp must stay untouched */
static int parse_fail(const char *s, unsigned flags, struct sip_parse_err *perr)
{
	struct mbuf *mb = test_mbuf(s);
	struct sip_msg *sentinel = (struct sip_msg *)(void *)&sentinel;
	struct sip_msg *msg = sentinel;
	int err;

	perr->status = 0;
	perr->reason = NULL;
	err = sip_msg_parse(&msg, mb, 0, mb->len, flags, perr);
	ck_assert_ptr_eq(msg, sentinel);
	ck_assert_uint_eq(mb->refs, 1);
	mbuf_unref(mb);
	return err;
}

/* parses and returns bad.status, checking the reason phrase if given */
static unsigned bad_status(const char *s, unsigned flags, const char *reason)
{
	struct sip_msg *msg = parse(s, flags);
	unsigned st = msg->bad.status;

	if (reason) {
		ck_assert_msg(msg->bad.reason && strcmp(msg->bad.reason, reason) == 0,
			      "reason \"%s\", expected \"%s\"",
			      msg->bad.reason ? msg->bad.reason : "(null)", reason);
	}
	sip_msg_free(msg);
	return st;
}

static bool inside(const struct sip_msg *msg, const struct pl *v)
{
	const char *lo = msg->mb->data, *hi = msg->mb->data + msg->mb->len;

	return v->p >= lo && v->p + v->l <= hi;
}

#define ck_pl(v, s) \
	ck_assert_msg(pl_eq_str(&(v), (s)), "%s is \"%.*s\", expected \"%s\"", #v, PL_FMT(v), (s))

/* ---- start lines ---- */

START_TEST(test_request_line_decoded)
{
	struct sip_msg *msg = parse(INV HDRS EMPTY_BODY, 0);

	ck_assert(msg->req);
	ck_assert_int_eq(msg->method, SIP_METHOD_INVITE);
	ck_pl(msg->method_pl, "INVITE");
	ck_pl(msg->ruri_pl, "sip:bob@example.com");
	ck_assert_int_eq(msg->ruri.scheme, SIP_SCHEME_SIP);
	ck_pl(msg->ruri.user, "bob");
	ck_pl(msg->ruri.host, "example.com");
	ck_pl(msg->version, "SIP/2.0");
	ck_assert_uint_eq(msg->bad.status, 0);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_every_known_method_gets_its_id)
{
	static const char *const names[] = { "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
		"REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE", "NOTIFY", "SUBSCRIBE",
		"REFER", "PUBLISH" };
	static const enum sip_method ids[] = { SIP_METHOD_INVITE, SIP_METHOD_ACK,
		SIP_METHOD_BYE, SIP_METHOD_CANCEL, SIP_METHOD_OPTIONS, SIP_METHOD_REGISTER,
		SIP_METHOD_PRACK, SIP_METHOD_UPDATE, SIP_METHOD_INFO, SIP_METHOD_MESSAGE,
		SIP_METHOD_NOTIFY, SIP_METHOD_SUBSCRIBE, SIP_METHOD_REFER, SIP_METHOD_PUBLISH };
	char buf[1024];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(buf, sizeof(buf), "%s sip:bob@example.com SIP/2.0\r\n" VIA MF TO FROM
			 CALLID "CSeq: 1 %s\r\n" EMPTY_BODY, names[i], names[i]);
		struct sip_msg *msg = parse(buf, 0);
		ck_assert_msg(msg->method == ids[i], "%s gave %d", names[i], msg->method);
		ck_assert_int_eq(msg->cseq.method, ids[i]);
		ck_assert_uint_eq(msg->bad.status, 0);
		sip_msg_free(msg);
	}
}
END_TEST

START_TEST(test_unknown_method_kept_as_text_and_accepted)
{
	struct sip_msg *msg = parse("NEWMETHOD sip:bob@example.com SIP/2.0\r\n" VIA MF TO FROM
				    CALLID "CSeq: 8 NEWMETHOD\r\n" EMPTY_BODY, 0);

	ck_assert_int_eq(msg->method, SIP_METHOD_UNKNOWN);
	ck_pl(msg->method_pl, "NEWMETHOD");
	ck_assert_int_eq(msg->cseq.method, SIP_METHOD_UNKNOWN);
	ck_pl(msg->cseq.method_pl, "NEWMETHOD");
	ck_assert_uint_eq(msg->bad.status, 0);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_method_names_are_case_sensitive)
{
	/* RFC 3261 7.1: "invite" is another method than INVITE */
	struct sip_msg *msg = parse("invite sip:bob@example.com SIP/2.0\r\n" VIA MF TO FROM
				    CALLID "CSeq: 8 invite\r\n" EMPTY_BODY, 0);

	ck_assert_int_eq(msg->method, SIP_METHOD_UNKNOWN);
	ck_pl(msg->method_pl, "invite");
	ck_assert_uint_eq(msg->bad.status, 0);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_request_version_3_gets_505)
{
	ck_assert_uint_eq(bad_status("INVITE sip:bob@example.com SIP/3.0\r\n" HDRS EMPTY_BODY,
				     0, "Version Not Supported"), 505);
	ck_assert_uint_eq(bad_status("OPTIONS sip:bob@example.com SIP/7.0\r\n" VIA MF TO FROM
				     CALLID "CSeq: 1 OPTIONS\r\n" EMPTY_BODY, 0, NULL), 505);
}
END_TEST

START_TEST(test_request_version_not_sip_is_400)
{
	ck_assert_uint_eq(bad_status("INVITE sip:bob@example.com HTTP/1.1\r\n" HDRS EMPTY_BODY,
				     0, "Malformed Request Line"), 400);
	ck_assert_uint_eq(bad_status("INVITE sip:bob@example.com SIP/\r\n" HDRS EMPTY_BODY,
				     0, "Malformed Request Line"), 400);
}
END_TEST

START_TEST(test_request_line_extra_spaces_are_400)
{
	/* RFC 3261 25.1: single SP separators; RFC 4475 3.1.2.9 */
	static const char *const lines[] = {
		"INVITE  sip:bob@example.com SIP/2.0\r\n",
		"INVITE sip:bob@example.com  SIP/2.0\r\n",
		"INVITE sip:bob@example.com SIP/2.0 \r\n",
		" INVITE sip:bob@example.com SIP/2.0\r\n",
		"INVITE sip:bob@example.com\r\n",
		"INVITE\r\n",
	};
	char buf[1024];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(buf, sizeof(buf), "%s" HDRS EMPTY_BODY, lines[i]);
		struct sip_msg *msg = parse(buf, 0);
		ck_assert_msg(msg->bad.status == 400, "line %zu: status %u", i, msg->bad.status);
		ck_assert(msg->req);
		ck_assert_int_eq(msg->method, SIP_METHOD_UNKNOWN);
		sip_msg_free(msg);
	}
}
END_TEST

START_TEST(test_request_uri_malformed_or_with_headers_is_400)
{
	ck_assert_uint_eq(bad_status("INVITE sip:bob@example.com?Subject=x SIP/2.0\r\n" HDRS
				     EMPTY_BODY, 0, "Request-URI With Headers"), 400);
	ck_assert_uint_eq(bad_status("INVITE sip:bob@ SIP/2.0\r\n" HDRS EMPTY_BODY, 0,
				     "Malformed Request-URI"), 400);
	ck_assert_uint_eq(bad_status("INVITE sip:bob@example.com:99999 SIP/2.0\r\n" HDRS
				     EMPTY_BODY, 0, "Malformed Request-URI"), 400);
}
END_TEST

START_TEST(test_status_line_decoded)
{
	struct sip_msg *msg = parse("SIP/2.0 180 Ringing\r\n" VIA TO FROM CALLID CSEQ EMPTY_BODY,
				    0);

	ck_assert(!msg->req);
	ck_assert_uint_eq(msg->scode, 180);
	ck_pl(msg->reason, "Ringing");
	ck_pl(msg->version, "SIP/2.0");
	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_int_eq(msg->cseq.method, SIP_METHOD_INVITE);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_status_line_reason_may_be_empty)
{
	struct sip_msg *msg = parse("SIP/2.0 200 \r\n" VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->scode, 200);
	ck_assert_uint_eq(msg->reason.l, 0);
	sip_msg_free(msg);

	msg = parse("SIP/2.0 404\r\n" VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);
	ck_assert_uint_eq(msg->scode, 404);
	ck_assert_uint_eq(msg->reason.l, 0);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_status_line_reason_utf8_and_spaces_kept)
{
	struct sip_msg *msg = parse("SIP/2.0 486 Occup\xc3\xa9 ici \xe2\x9c\x93 \xe5\xbf\x99\r\n"
				    VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->scode, 486);
	ck_pl(msg->reason, "Occup\xc3\xa9 ici \xe2\x9c\x93 \xe5\xbf\x99");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_status_code_outside_100_699_is_ebadmsg)
{
	static const char *const lines[] = {
		"SIP/2.0 099 Low\r\n", "SIP/2.0 700 High\r\n", "SIP/2.0 999 High\r\n",
		"SIP/2.0 2000 OK\r\n", "SIP/2.0 20 OK\r\n", "SIP/2.0 OK\r\n",
		"SIP/2.0 200OK\r\n", "SIP/3.0 200 OK\r\n", "SIP/2.0  200 OK\r\n",
	};
	char buf[1024];
	struct sip_parse_err perr;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(buf, sizeof(buf), "%s" VIA TO FROM CALLID CSEQ EMPTY_BODY, lines[i]);
		ck_assert_msg(parse_fail(buf, 0, &perr) == EBADMSG, "accepted %s", lines[i]);
		ck_assert_uint_eq(perr.status, 400);
		ck_assert_str_eq(perr.reason, "Malformed Status Line");
	}
}
END_TEST

START_TEST(test_status_code_bounds_100_and_699_accepted)
{
	struct sip_msg *msg = parse("SIP/2.0 100 Trying\r\n" VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->scode, 100);
	sip_msg_free(msg);
	msg = parse("SIP/2.0 699 Whatever\r\n" VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);
	ck_assert_uint_eq(msg->scode, 699);
	sip_msg_free(msg);
}
END_TEST

/* ---- header lines ---- */

START_TEST(test_folded_value_contains_the_fold)
{
	struct sip_msg *msg = parse(INV HDRS "Subject: I know you're there,\r\n"
				    "     pick up the phone\r\n\tand talk to me!\r\n" EMPTY_BODY, 0);
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_SUBJECT);

	ck_assert_ptr_nonnull(h);
	ck_pl(h->val, "I know you're there,\r\n     pick up the phone\r\n\tand talk to me!");
	ck_pl(h->name, "Subject");
	ck_assert_uint_eq(msg->bad.status, 0);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_folded_headers_decoded_through_the_fold)
{
	struct sip_msg *msg = parse(INV
		"Via: SIP/2.0/UDP\r\n 192.0.2.1:5060\r\n\t;branch=z9hG4bKfold\r\n"
		"Max-Forwards:\r\n 69\r\n"
		"To: Bob\r\n <sip:bob@example.com>\r\n"
		"From: <sip:alice@example.com>\r\n ;tag=f1\r\n"
		"Call-ID:\r\n  fold1@example.com\r\n"
		"CSeq: 7\r\n INVITE\r\n"
		"Content-Length:\r\n 0\r\n\r\n", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(msg->via.host, "192.0.2.1");
	ck_assert_uint_eq(msg->via.port, 5060);
	ck_pl(msg->via.branch, "z9hG4bKfold");
	ck_assert_uint_eq(msg->max_forwards, 69);
	ck_pl(msg->to.uri.user, "bob");
	ck_pl(msg->from.tag, "f1");
	ck_pl(msg->callid, "fold1@example.com");
	ck_assert_uint_eq(msg->cseq.num, 7);
	ck_assert_int_eq(msg->cseq.method, SIP_METHOD_INVITE);
	ck_assert(msg->has_clen);
	ck_assert_uint_eq(msg->clen, 0);
	sip_msg_free(msg);
}
END_TEST

/* RFC 5118: IPv6 references in the Request-URI, Via, From and To, with
 * upper-case compact names and parameters after folds */
START_TEST(test_ipv6_references_compact_names_and_folded_params)
{
	struct sip_msg *msg = parse("INVITE sip:[2001:db8::1]:5070;transport=udp SIP/2.0\r\n"
		"V: SIP/2.0/UDP [2001:db8::9]:5060\r\n ;branch=z9hG4bKv6\r\n"
		"\t;received=[2001:db8::10] ;RPORT\r\n"
		"Max-Forwards: 70\r\n"
		"F: \"A, \\\"quoted\\\"\" <sip:alice@[2001:db8::2]>\r\n ;TAG=f6\r\n"
		"T: <sips:bob@[::ffff:192.0.2.1]:5061>\r\n"
		"I: v6@[2001:db8::2]\r\n"
		"CSeq: 1 INVITE\r\n"
		"L: 0\r\n\r\n", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_int_eq(msg->ruri.host_type, SIP_HOST_IPV6);
	ck_pl(msg->ruri.host, "2001:db8::1");
	ck_assert_uint_eq(msg->ruri.port, 5070);
	ck_pl(msg->ruri.params, "transport=udp");
	ck_assert_int_eq(msg->via.host_type, SIP_HOST_IPV6);
	ck_pl(msg->via.host, "2001:db8::9");
	ck_assert_uint_eq(msg->via.port, 5060);
	ck_pl(msg->via.branch, "z9hG4bKv6");
	ck_pl(msg->via.received, "[2001:db8::10]");
	ck_assert(msg->via.has_rport);
	ck_assert_uint_eq(msg->via.rport.l, 0);
	ck_pl(msg->from.dname, "\"A, \\\"quoted\\\"\"");
	ck_pl(msg->from.uri.host, "2001:db8::2");
	ck_pl(msg->from.tag, "f6");
	ck_assert_int_eq(msg->to.uri.scheme, SIP_SCHEME_SIPS);
	ck_pl(msg->to.uri.host, "::ffff:192.0.2.1");
	ck_assert_uint_eq(msg->to.uri.port, 5061);
	ck_assert_ptr_null(msg->to.tag.p);
	ck_pl(msg->callid, "v6@[2001:db8::2]");
	ck_assert(msg->has_clen);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_compact_names_map_to_long_ids)
{
	static const struct { char c; enum sip_hdr_id id; } compact[] = {
		{ 'v', SIP_HDR_VIA }, { 'f', SIP_HDR_FROM }, { 't', SIP_HDR_TO },
		{ 'i', SIP_HDR_CALL_ID }, { 'm', SIP_HDR_CONTACT },
		{ 'l', SIP_HDR_CONTENT_LENGTH }, { 'c', SIP_HDR_CONTENT_TYPE },
		{ 'k', SIP_HDR_SUPPORTED }, { 's', SIP_HDR_SUBJECT },
		{ 'e', SIP_HDR_CONTENT_ENCODING }, { 'o', SIP_HDR_EVENT },
		{ 'r', SIP_HDR_REFER_TO }, { 'u', SIP_HDR_ALLOW_EVENTS },
		{ 'x', SIP_HDR_SESSION_EXPIRES }, { 'b', SIP_HDR_REFERRED_BY },
	};

	for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		char up = (char)(compact[i].c - 'a' + 'A');
		ck_assert_msg(sip_hdr_lookup(&compact[i].c, 1) == compact[i].id, "%c", compact[i].c);
		ck_assert_msg(sip_hdr_lookup(&up, 1) == compact[i].id, "%c", up);
	}
}
END_TEST

START_TEST(test_compact_headers_in_a_message_decoded)
{
	struct sip_msg *msg = parse("MESSAGE sip:bob@example.com SIP/2.0\r\n"
		"v: SIP/2.0/TCP host.example.com;branch=z9hG4bKc1\r\n"
		"f: <sip:alice@example.com>;tag=c1\r\n"
		"t: <sip:bob@example.com>\r\n"
		"i: compact@example.com\r\n"
		"CSeq: 2 MESSAGE\r\n"
		"m: <sip:alice@192.0.2.1>\r\n"
		"k: timer\r\n"
		"s: hello\r\n"
		"e: identity\r\n"
		"o: presence\r\n"
		"r: <sip:carol@example.com>\r\n"
		"u: dialog\r\n"
		"x: 1800\r\n"
		"b: <sip:dave@example.com>\r\n"
		"c: text/plain\r\n"
		"l: 5\r\n\r\nhello", 0);
	static const enum sip_hdr_id ids[] = { SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO,
		SIP_HDR_CALL_ID, SIP_HDR_CONTACT, SIP_HDR_SUPPORTED, SIP_HDR_SUBJECT,
		SIP_HDR_CONTENT_ENCODING, SIP_HDR_EVENT, SIP_HDR_REFER_TO,
		SIP_HDR_ALLOW_EVENTS, SIP_HDR_SESSION_EXPIRES, SIP_HDR_REFERRED_BY,
		SIP_HDR_CONTENT_TYPE, SIP_HDR_CONTENT_LENGTH };

	ck_assert_uint_eq(msg->bad.status, 0);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct sip_hdr *h = sip_msg_hdr(msg, ids[i]);
		ck_assert_msg(h != NULL, "id %d missing", ids[i]);
		ck_assert_uint_eq(h->name.l, 1);
	}
	ck_pl(msg->via.host, "host.example.com");
	ck_assert_int_eq(msg->via.tp, SIP_TP_TCP);
	ck_pl(msg->from.tag, "c1");
	ck_pl(msg->to.uri.user, "bob");
	ck_pl(msg->callid, "compact@example.com");
	ck_pl(msg->ctype, "text/plain");
	ck_assert_uint_eq(msg->clen, 5);
	ck_pl(msg->body, "hello");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_header_names_case_insensitive)
{
	struct sip_msg *msg = parse(INV
		"vIA: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKci\r\n"
		"MAX-FORWARDS: 12\r\n"
		"tO: <sip:bob@example.com>\r\n"
		"FROM: <sip:alice@example.com>;tag=ci\r\n"
		"call-id: ci@example.com\r\n"
		"cSeQ: 1 INVITE\r\n"
		"CONTENT-length: 0\r\n\r\n", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(msg->via.branch, "z9hG4bKci");
	ck_assert_uint_eq(msg->max_forwards, 12);
	ck_pl(msg->from.tag, "ci");
	ck_pl(msg->callid, "ci@example.com");
	ck_assert(msg->has_clen);
	/* the name is kept as written */
	ck_pl(sip_msg_hdr(msg, SIP_HDR_VIA)->name, "vIA");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_whitespace_before_colon_accepted)
{
	struct sip_msg *msg = parse(INV
		"Via  : SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKws\r\n"
		"Max-Forwards\t: 70\r\n"
		"To :<sip:bob@example.com>\r\n"
		"From \t : <sip:alice@example.com>;tag=ws\r\n"
		"Call-ID : ws@example.com\r\n"
		"CSeq   :   1 INVITE\r\n"
		"Content-Length : 0\r\n\r\n", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(sip_msg_hdr(msg, SIP_HDR_VIA)->name, "Via");
	ck_pl(sip_msg_hdr(msg, SIP_HDR_FROM)->name, "From");
	ck_pl(msg->via.branch, "z9hG4bKws");
	ck_pl(msg->from.tag, "ws");
	ck_pl(msg->callid, "ws@example.com");
	ck_assert_uint_eq(msg->cseq.num, 1);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_header_line_without_colon_is_400)
{
	ck_assert_uint_eq(bad_status(INV HDRS "This is not a header\r\n" EMPTY_BODY, 0,
				     "Malformed Header Line"), 400);
	ck_assert_uint_eq(bad_status(INV HDRS ": no name\r\n" EMPTY_BODY, 0,
				     "Malformed Header Line"), 400);
}
END_TEST

START_TEST(test_multi_value_via_on_one_line)
{
	struct sip_msg *msg = parse(INV
		"Via: SIP/2.0/UDP first.example.com:4000;branch=z9hG4bK1 , "
		"SIP/2.0/TCP second.example.com;branch=z9hG4bK2,SIP/2.0/TLS third.example.com;branch=z9hG4bK3\r\n"
		MF TO FROM CALLID CSEQ EMPTY_BODY, 0);
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_VIA);
	size_t pos = 0;
	struct pl v;
	int err;
	unsigned n = 0;

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(sip_msg_hdr_count(msg, SIP_HDR_VIA), 1);
	ck_pl(msg->via.host, "first.example.com");
	ck_assert_uint_eq(msg->via.port, 4000);
	ck_pl(msg->via.branch, "z9hG4bK1");
	ck_assert_int_eq(msg->via.tp, SIP_TP_UDP);
	while (sip_value_next(&h->val, &pos, &v, &err)) {
		ck_assert_int_eq(err, 0);
		n++;
	}
	ck_assert_uint_eq(n, 3);
	ck_pl(v, "SIP/2.0/TLS third.example.com;branch=z9hG4bK3");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multi_value_via_over_several_lines)
{
	struct sip_msg *msg = parse(INV
		"Via: SIP/2.0/UDP top.example.com;branch=z9hG4bKtop, SIP/2.0/UDP b.example.com;branch=z9hG4bKb\r\n"
		MF TO
		"Via: SIP/2.0/TCP c.example.com;branch=z9hG4bKc\r\n"
		FROM CALLID CSEQ EMPTY_BODY, 0);
	const struct sip_hdr *h1 = sip_msg_hdr(msg, SIP_HDR_VIA);
	const struct sip_hdr *h2 = sip_msg_hdr_next(msg, h1);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(sip_msg_hdr_count(msg, SIP_HDR_VIA), 2);
	ck_pl(msg->via.host, "top.example.com");
	ck_pl(msg->via.branch, "z9hG4bKtop");
	ck_assert_ptr_nonnull(h2);
	ck_pl(h2->val, "SIP/2.0/TCP c.example.com;branch=z9hG4bKc");
	ck_assert_ptr_null(sip_msg_hdr_next(msg, h2));
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_malformed_later_via_value_is_400)
{
	/* every Via value is checked, not only the top one */
	ck_assert_uint_eq(bad_status(INV VIA "Via: SIP/2.0/UDP ;branch=z9hG4bKx\r\n"
				     MF TO FROM CALLID CSEQ EMPTY_BODY, 0,
				     "Malformed Via Header"), 400);
	ck_assert_uint_eq(bad_status(INV "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,,"
				     "SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
				     MF TO FROM CALLID CSEQ EMPTY_BODY, 0,
				     "Malformed Via Header"), 400);
	ck_assert_uint_eq(bad_status(INV "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,\r\n"
				     MF TO FROM CALLID CSEQ EMPTY_BODY, 0,
				     "Malformed Via Header"), 400);
	ck_assert_uint_eq(bad_status(INV "Via:\r\n" MF TO FROM CALLID CSEQ EMPTY_BODY, 0,
				     "Malformed Via Header"), 400);
}
END_TEST

START_TEST(test_value_next_skips_quoted_commas_and_angle_brackets)
{
	const struct pl hv = PL("\"Doe, John\" <sip:jd@example.com;x=\"a,b\">;q=0.5, "
				"<sip:x@example.com;p=1,2>,\t\"q\\\",\" <sip:y@example.com>");
	size_t pos = 0;
	struct pl v;
	int err = -1;

	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_assert_int_eq(err, 0);
	ck_pl(v, "\"Doe, John\" <sip:jd@example.com;x=\"a,b\">;q=0.5");
	ck_assert(v.p == hv.p);
	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "<sip:x@example.com;p=1,2>");
	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "\"q\\\",\" <sip:y@example.com>");
	ck_assert_int_eq(err, 0);
	ck_assert(!sip_value_next(&hv, &pos, &v, &err));
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(test_value_next_single_value_and_empty_header)
{
	const struct pl one = PL("  INVITE  ");
	const struct pl none = PL("");
	size_t pos = 0;
	struct pl v;
	int err = -1;

	ck_assert(sip_value_next(&one, &pos, &v, &err));
	ck_pl(v, "INVITE");
	ck_assert(!sip_value_next(&one, &pos, &v, &err));
	pos = 0;
	ck_assert(!sip_value_next(&none, &pos, &v, &err));
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(test_value_next_empty_values_are_ebadmsg)
{
	static const char *const lists[] = { "a,,b", "a, ,b", "a,", "a , ", ",a", " , a" };

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct pl hv = pl_make(lists[i], strlen(lists[i]));
		size_t pos = 0;
		struct pl v;
		int err = 0;
		bool saw_err = false;
		unsigned n = 0;

		while (n < 10) {
			bool more = sip_value_next(&hv, &pos, &v, &err);
			if (err)
				saw_err = true;
			if (!more)
				break;
			ck_assert_uint_gt(v.l, 0);
			n++;
		}
		ck_assert_msg(saw_err, "\"%s\" gave no error", lists[i]);
	}
}
END_TEST

START_TEST(test_value_next_unterminated_quote_is_ebadmsg)
{
	const struct pl hv = PL("\"Bob <sip:bob@example.com>, <sip:c@example.com>");
	size_t pos = 0;
	struct pl v;
	int err = 0;

	ck_assert(!sip_value_next(&hv, &pos, &v, &err));
	ck_assert_int_eq(err, EBADMSG);
}
END_TEST

/* the first value ends at its comma whatever follows; what follows is
 * split by its own quotes and brackets */
START_TEST(test_value_next_quote_or_angle_after_the_first_comma)
{
	const struct pl hv = PL("a>b, \"c,d\" <sip:e@example.com;f=1,2>,\r\n g,<h>");
	const struct pl open = PL("sip:a@example.com, \"b <sip:b@example.com>");
	size_t pos = 0;
	struct pl v;
	int err = -1;

	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "a>b");
	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "\"c,d\" <sip:e@example.com;f=1,2>");
	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "g");
	ck_assert(sip_value_next(&hv, &pos, &v, &err));
	ck_pl(v, "<h>");
	ck_assert(!sip_value_next(&hv, &pos, &v, &err));
	ck_assert_int_eq(err, 0);

	/* an unterminated quote in the second value spoils only that one */
	pos = 0;
	ck_assert(sip_value_next(&open, &pos, &v, &err));
	ck_pl(v, "sip:a@example.com");
	ck_assert_int_eq(err, 0);
	ck_assert(!sip_value_next(&open, &pos, &v, &err));
	ck_assert_int_eq(err, EBADMSG);
}
END_TEST

START_TEST(test_header_lookup_by_name_and_order)
{
	struct sip_msg *msg = parse(INV HDRS "X-Custom: one\r\nRoute: <sip:r1@example.com;lr>\r\n"
				    "x-custom: two\r\nRoute: <sip:r2@example.com;lr>\r\n" EMPTY_BODY, 0);
	const struct sip_hdr *h = sip_msg_hdr_by_name(msg, "X-CUSTOM");

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->id, SIP_HDR_OTHER);
	ck_pl(h->val, "one");
	ck_assert_ptr_null(sip_msg_hdr_by_name(msg, "X-Absent"));
	h = sip_msg_hdr_by_name(msg, "route");
	ck_assert_ptr_nonnull(h);
	ck_pl(h->val, "<sip:r1@example.com;lr>");
	h = sip_msg_hdr_next(msg, h);
	ck_pl(h->val, "<sip:r2@example.com;lr>");
	ck_assert_uint_eq(sip_msg_hdr_count(msg, SIP_HDR_ROUTE), 2);
	ck_assert_uint_eq(sip_msg_hdr_count(msg, SIP_HDR_OTHER), 2);
	ck_assert_uint_eq(sip_msg_hdr_count(msg, SIP_HDR_RECORD_ROUTE), 0);
	ck_assert_ptr_null(sip_msg_hdr(msg, SIP_HDR_COUNT));
	sip_msg_free(msg);
}
END_TEST

/* ---- the headers every message needs ---- */

START_TEST(test_essentials_decoded_as_views_into_the_buffer)
{
	const char *text = INV
		"Via: SIP/2.0/UDP pc33.example.com:5066;branch=z9hG4bKnashds8;received=192.0.2.9\r\n"
		"Max-Forwards: 70\r\n"
		"To: \"Bob B\" <sip:bob@example.com>\r\n"
		"From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Content-Type: application/sdp \r\n"
		"Content-Length: 4\r\n\r\nv=0\n";
	struct mbuf *mb = test_mbuf(text);
	size_t len = mb->len;
	char *copy = malloc(len);
	struct sip_msg *msg;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, mb->data, len);
	msg = parse_buf(mb, 0);
	ck_assert_uint_eq(msg->bad.status, 0);

	ck_pl(msg->via.host, "pc33.example.com");
	ck_assert_uint_eq(msg->via.port, 5066);
	ck_pl(msg->via.branch, "z9hG4bKnashds8");
	ck_pl(msg->via.received, "192.0.2.9");
	ck_pl(msg->from.dname, "Alice");
	ck_pl(msg->from.uri.user, "alice");
	ck_pl(msg->from.tag, "1928301774");
	ck_pl(msg->to.dname, "\"Bob B\"");
	ck_pl(msg->to.uri_pl, "sip:bob@example.com");
	ck_assert_ptr_null(msg->to.tag.p);
	ck_pl(msg->callid, "a84b4c76e66710@pc33.example.com");
	ck_assert_uint_eq(msg->cseq.num, 314159);
	ck_pl(msg->cseq.method_pl, "INVITE");
	ck_assert(msg->has_max_forwards);
	ck_assert_uint_eq(msg->max_forwards, 70);
	ck_assert(msg->has_clen);
	ck_assert_uint_eq(msg->clen, 4);
	ck_pl(msg->ctype, "application/sdp");
	ck_pl(msg->body, "v=0\n");
	ck_assert(msg->raw.p == mb->data);
	ck_assert_uint_eq(msg->raw.l, len);

	/* views point into the receive buffer, not into copies */
	const struct pl *views[] = { &msg->method_pl, &msg->ruri_pl, &msg->ruri.host,
		&msg->via.host, &msg->via.branch, &msg->via.value, &msg->from.dname,
		&msg->from.uri.host, &msg->from.tag, &msg->to.uri_pl, &msg->callid,
		&msg->cseq.method_pl, &msg->ctype, &msg->body, &msg->raw };
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		ck_assert_msg(inside(msg, views[i]), "view %zu outside the buffer", i);
	ck_assert(msg->callid.p == strstr(mb->data, "a84b4c76e66710@pc33"));
	ck_assert(msg->body.p == mb->data + len - 4);
	for (uint16_t i = 0; i < msg->nhdr; i++) {
		ck_assert(inside(msg, &msg->hdr[i].name));
		ck_assert(inside(msg, &msg->hdr[i].val));
	}
	/* and the buffer was not written */
	ck_assert_uint_eq(mb->len, len);
	ck_assert(memcmp(copy, mb->data, len) == 0);

	sip_msg_free(msg);
	ck_assert_uint_eq(mb->refs, 1);
	ck_assert(memcmp(copy, mb->data, len) == 0);
	mbuf_unref(mb);
	free(copy);
}
END_TEST

START_TEST(test_missing_mandatory_header_is_400_with_reason)
{
	static const struct { const char *text; const char *reason; } cases[] = {
		{ INV MF TO FROM CALLID CSEQ EMPTY_BODY, "Missing Via Header" },
		{ INV VIA MF TO CALLID CSEQ EMPTY_BODY, "Missing From Header" },
		{ INV VIA MF FROM CALLID CSEQ EMPTY_BODY, "Missing To Header" },
		{ INV VIA MF TO FROM CSEQ EMPTY_BODY, "Missing Call-ID Header" },
		{ INV VIA MF TO FROM CALLID EMPTY_BODY, "Missing CSeq Header" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_uint_eq(bad_status(cases[i].text, 0, cases[i].reason), 400);
}
END_TEST

START_TEST(test_duplicated_mandatory_header_is_400_with_reason)
{
	/* RFC 4475 3.3.8 */
	static const struct { const char *text; const char *reason; } cases[] = {
		{ INV HDRS "From: <sip:eve@example.com>;tag=2\r\n" EMPTY_BODY,
		  "Duplicate From Header" },
		{ INV HDRS "t: <sip:carol@example.com>\r\n" EMPTY_BODY, "Duplicate To Header" },
		{ INV HDRS "Call-ID: other@example.com\r\n" EMPTY_BODY,
		  "Duplicate Call-ID Header" },
		{ INV HDRS "CSeq: 314160 INVITE\r\n" EMPTY_BODY, "Duplicate CSeq Header" },
		{ INV HDRS "Max-Forwards: 69\r\n" EMPTY_BODY, "Duplicate Max-Forwards Header" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_uint_eq(bad_status(cases[i].text, 0, cases[i].reason), 400);
}
END_TEST

START_TEST(test_max_forwards_optional_but_must_be_a_small_number)
{
	struct sip_msg *msg = parse(INV VIA TO FROM CALLID CSEQ EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert(!msg->has_max_forwards);
	sip_msg_free(msg);

	msg = parse(INV VIA TO FROM CALLID CSEQ "Max-Forwards: 0\r\n" EMPTY_BODY, 0);
	ck_assert(msg->has_max_forwards);
	ck_assert_uint_eq(msg->max_forwards, 0);
	sip_msg_free(msg);

	ck_assert_uint_eq(bad_status(INV VIA TO FROM CALLID CSEQ "Max-Forwards: 256\r\n"
				     EMPTY_BODY, 0, "Malformed Max-Forwards Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA TO FROM CALLID CSEQ "Max-Forwards: -1\r\n"
				     EMPTY_BODY, 0, "Malformed Max-Forwards Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA TO FROM CALLID CSEQ "Max-Forwards: seventy\r\n"
				     EMPTY_BODY, 0, "Malformed Max-Forwards Header"), 400);
}
END_TEST

START_TEST(test_malformed_from_to_callid_cseq_are_400)
{
	ck_assert_uint_eq(bad_status(INV VIA MF TO "From: \"Alice <sip:alice@example.com>\r\n"
				     CALLID CSEQ EMPTY_BODY, 0, "Malformed From Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA MF "To: <sip:bob@example.com\r\n" FROM CALLID CSEQ
				     EMPTY_BODY, 0, "Malformed To Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA MF TO FROM "Call-ID: a b@example.com\r\n" CSEQ
				     EMPTY_BODY, 0, "Malformed Call-ID Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA MF TO FROM "Call-ID:\r\n" CSEQ EMPTY_BODY, 0,
				     "Malformed Call-ID Header"), 400);
	ck_assert_uint_eq(bad_status(INV VIA MF TO FROM CALLID "CSeq: INVITE\r\n" EMPTY_BODY, 0,
				     "Malformed CSeq Header"), 400);
}
END_TEST

/* RFC 3261 25.1: callid = word ["@" word]; a word is any visible
 * character but a few, and never a control, a space or DEL */
START_TEST(test_callid_words_kept_controls_space_and_del_are_400)
{
	static const char *const bad[] = {
		"Call-ID: a\tb@example.com\r\n", "Call-ID: a\001b@example.com\r\n",
		"Call-ID: ab@example.com\x7f\r\n", "Call-ID: ab@exa\x1fmple.com\r\n",
		"Call-ID: ab\r\n @example.com\r\n",
	};
	struct sip_msg *msg;
	char buf[512];

	msg = parse(INV VIA MF TO FROM "Call-ID: <a>\"b\"@[c]:d?/{e}~!%\xc3\xa9\r\n" CSEQ
		    EMPTY_BODY, 0);
	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(msg->callid, "<a>\"b\"@[c]:d?/{e}~!%\xc3\xa9");
	sip_msg_free(msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s%s", INV VIA MF TO FROM, bad[i], CSEQ EMPTY_BODY);
		ck_assert_uint_eq(bad_status(buf, 0, "Malformed Call-ID Header"), 400);
	}
}
END_TEST

START_TEST(test_cseq_method_mismatch_is_400)
{
	ck_assert_uint_eq(bad_status(INV VIA MF TO FROM CALLID "CSeq: 1 BYE\r\n" EMPTY_BODY, 0,
				     "CSeq Method Does Not Match"), 400);
	/* case matters: methods are case-sensitive */
	ck_assert_uint_eq(bad_status(INV VIA MF TO FROM CALLID "CSeq: 1 invite\r\n" EMPTY_BODY, 0,
				     "CSeq Method Does Not Match"), 400);
}
END_TEST

START_TEST(test_unknown_method_with_cseq_mismatch_is_501)
{
	/* RFC 4475 3.1.2.18 */
	ck_assert_uint_eq(bad_status("NEWMETHOD sip:bob@example.com SIP/2.0\r\n" VIA MF TO FROM
				     CALLID "CSeq: 1 INVITE\r\n" EMPTY_BODY, 0, "Not Implemented"),
			  501);
}
END_TEST

START_TEST(test_response_cseq_method_need_not_match_anything)
{
	struct sip_msg *msg = parse("SIP/2.0 200 OK\r\n" VIA TO FROM CALLID
				    "CSeq: 9 REGISTER\r\n" EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_int_eq(msg->cseq.method, SIP_METHOD_REGISTER);
	sip_msg_free(msg);
}
END_TEST

/* ---- Content-Length and the body ---- */

START_TEST(test_content_length_malformed_is_400)
{
	static const char *const values[] = { "-1", "abc", "5x", "1 2", "99999999999",
		"65536", "" };
	char buf[1024];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(buf, sizeof(buf), INV HDRS "Content-Length: %s\r\n\r\nhello", values[i]);
		struct sip_msg *msg = parse(buf, SIP_PARSE_DGRAM);
		ck_assert_msg(msg->bad.status == 400, "\"%s\" gave %u", values[i], msg->bad.status);
		ck_assert_str_eq(msg->bad.reason, "Malformed Content-Length Header");
		ck_assert(!msg->has_clen);
		sip_msg_free(msg);
	}
}
END_TEST

START_TEST(test_content_length_conflicting_duplicates_are_400)
{
	/* RFC 4475 3.3.9 */
	ck_assert_uint_eq(bad_status(INV HDRS "Content-Length: 5\r\nl: 4\r\n\r\nhello",
				     SIP_PARSE_DGRAM, "Conflicting Content-Length Headers"), 400);
	ck_assert_uint_eq(bad_status(INV HDRS "Content-Length: 5\r\nContent-Length: x\r\n\r\nhello",
				     SIP_PARSE_DGRAM, "Conflicting Content-Length Headers"), 400);
}
END_TEST

START_TEST(test_content_length_equal_duplicates_accepted)
{
	struct sip_msg *msg = parse(INV HDRS "Content-Length: 5\r\nl: 005\r\n\r\nhello", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(msg->clen, 5);
	ck_pl(msg->body, "hello");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_content_length_larger_than_body_is_400)
{
	ck_assert_uint_eq(bad_status(INV HDRS "Content-Length: 10\r\n\r\nhello", SIP_PARSE_DGRAM,
				     "Content-Length Larger Than Body"), 400);
	ck_assert_uint_eq(bad_status(INV HDRS "Content-Length: 6\r\n\r\nhello", 0,
				     "Content-Length Larger Than Body"), 400);
}
END_TEST

START_TEST(test_datagram_junk_after_content_length_ignored)
{
	/* RFC 3261 18.3: octets past Content-Length are discarded */
	struct sip_msg *msg = parse(INV HDRS "Content-Length: 5\r\n\r\nhelloJUNK\r\n\r\n",
				    SIP_PARSE_DGRAM);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(msg->body, "hello");
	ck_assert(msg->raw.p + msg->raw.l == msg->body.p + msg->body.l);
	ck_assert_uint_eq(msg->raw.l, msg->mb->len - strlen("JUNK\r\n\r\n"));
	sip_msg_free(msg);

	msg = parse(INV HDRS "Content-Length: 0\r\n\r\nJUNK", SIP_PARSE_DGRAM);
	ck_assert_uint_eq(msg->body.l, 0);
	ck_assert(msg->body.p == msg->mb->data + msg->mb->len - 4);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_datagram_without_content_length_body_is_the_rest)
{
	struct sip_msg *msg = parse(INV HDRS "Content-Type: text/plain\r\n\r\nall of\r\nthis",
				    SIP_PARSE_DGRAM);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert(!msg->has_clen);
	ck_pl(msg->body, "all of\r\nthis");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_datagram_without_blank_line_parses)
{
	struct sip_msg *msg = parse(INV HDRS, SIP_PARSE_DGRAM);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(msg->body.l, 0);
	ck_pl(msg->callid, "a84b4c76e66710@pc33.example.com");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_stream_without_blank_line_is_ebadmsg)
{
	struct sip_parse_err perr;

	ck_assert_int_eq(parse_fail(INV HDRS "Content-Length: 0\r\n", 0, &perr), EBADMSG);
	ck_assert_uint_eq(perr.status, 400);
	ck_assert_str_eq(perr.reason, "Incomplete Header Section");
	ck_assert_int_eq(parse_fail(INV HDRS, 0, &perr), EBADMSG);
}
END_TEST

/* ---- limits and line endings ---- */

static char *many_headers(unsigned extra)
{
	size_t size = 4096 + (size_t)extra * 32;
	char *buf = malloc(size);
	size_t n;

	ck_assert_ptr_nonnull(buf);
	n = (size_t)snprintf(buf, size, INV HDRS);
	for (unsigned i = 0; i < extra; i++)
		n += (size_t)snprintf(buf + n, size - n, "X-H%u: v\r\n", i);
	snprintf(buf + n, size - n, EMPTY_BODY);
	return buf;
}

START_TEST(test_exactly_max_headers_accepted)
{
	/* HDRS is 6 lines and Content-Length one more */
	char *buf = many_headers(SIP_MAX_HEADERS - 7);
	struct sip_msg *msg = parse(buf, 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(msg->nhdr, SIP_MAX_HEADERS);
	sip_msg_free(msg);
	free(buf);
}
END_TEST

START_TEST(test_more_than_max_headers_is_400)
{
	char *buf = many_headers(SIP_MAX_HEADERS - 6);

	ck_assert_uint_eq(bad_status(buf, 0, "Too Many Headers"), 400);
	free(buf);
	buf = many_headers(1000);
	ck_assert_uint_eq(bad_status(buf, 0, "Too Many Headers"), 400);
	free(buf);
}
END_TEST

START_TEST(test_header_line_over_max_line_is_400)
{
	size_t vlen = SIP_MAX_LINE + 10;
	char *buf = malloc(2 * SIP_MAX_LINE);
	size_t n = (size_t)sprintf(buf, INV HDRS "Subject: ");

	memset(buf + n, 'a', vlen);
	sprintf(buf + n + vlen, "\r\n" EMPTY_BODY);
	ck_assert_uint_eq(bad_status(buf, 0, "Header Line Too Long"), 400);

	/* the limit counts the folds too */
	n = (size_t)sprintf(buf, INV HDRS "Subject: ");
	for (unsigned i = 0; i < 10; i++) {
		memset(buf + n, 'b', SIP_MAX_LINE / 9);
		n += SIP_MAX_LINE / 9;
		n += (size_t)sprintf(buf + n, "\r\n ");
	}
	sprintf(buf + n, "end\r\n" EMPTY_BODY);
	ck_assert_uint_eq(bad_status(buf, 0, "Header Line Too Long"), 400);
	free(buf);
}
END_TEST

START_TEST(test_header_line_at_max_line_accepted)
{
	char *buf = malloc(SIP_MAX_LINE + 1024);
	size_t n = (size_t)sprintf(buf, INV HDRS);
	size_t hdr = strlen("Subject: ");
	struct sip_msg *msg;

	memcpy(buf + n, "Subject: ", hdr);
	memset(buf + n + hdr, 'a', SIP_MAX_LINE - hdr);
	sprintf(buf + n + SIP_MAX_LINE, "\r\n" EMPTY_BODY);
	msg = parse(buf, 0);
	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(sip_msg_hdr(msg, SIP_HDR_SUBJECT)->val.l, SIP_MAX_LINE - hdr);
	sip_msg_free(msg);
	free(buf);
}
END_TEST

static char *sized_message(size_t total)
{
	char head[1024];
	size_t hl, blen;
	char *buf;

	/* the Content-Length value has 5 digits for every size used here */
	hl = (size_t)snprintf(head, sizeof(head), INV HDRS "Content-Length: 00000\r\n\r\n");
	ck_assert_uint_gt(total, hl);
	blen = total - hl;
	snprintf(head, sizeof(head), INV HDRS "Content-Length: %05zu\r\n\r\n", blen);
	buf = malloc(total + 1);
	memcpy(buf, head, hl);
	memset(buf + hl, 'x', blen);
	buf[total] = '\0';
	return buf;
}

START_TEST(test_message_of_max_size_accepted)
{
	char *buf = sized_message(SIP_MAX_MSG_SIZE);
	struct sip_msg *msg = parse(buf, 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_uint_eq(msg->raw.l, SIP_MAX_MSG_SIZE);
	sip_msg_free(msg);
	free(buf);
}
END_TEST

START_TEST(test_message_over_max_size_is_ebadmsg)
{
	char *buf = sized_message(SIP_MAX_MSG_SIZE + 1);
	struct sip_parse_err perr;

	ck_assert_int_eq(parse_fail(buf, 0, &perr), EBADMSG);
	ck_assert_str_eq(perr.reason, "Message Too Large");
	free(buf);
}
END_TEST

START_TEST(test_start_line_over_max_line_is_ebadmsg)
{
	size_t ulen = SIP_MAX_LINE + 1;
	char *buf = malloc(ulen + 1024);
	size_t n = (size_t)sprintf(buf, "INVITE sip:");
	struct sip_parse_err perr;

	memset(buf + n, 'u', ulen);
	sprintf(buf + n + ulen, "@example.com SIP/2.0\r\n" HDRS EMPTY_BODY);
	ck_assert_int_eq(parse_fail(buf, 0, &perr), EBADMSG);
	ck_assert_str_eq(perr.reason, "Start Line Too Long");
	free(buf);
}
END_TEST

START_TEST(test_leading_crlfs_ignored)
{
	struct sip_msg *msg = parse("\r\n\r\n\n" INV HDRS EMPTY_BODY, 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_assert_int_eq(msg->method, SIP_METHOD_INVITE);
	ck_assert(msg->raw.p == msg->mb->data + 5);
	ck_assert(msg->method_pl.p == msg->raw.p);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_only_crlfs_is_ebadmsg)
{
	struct sip_parse_err perr;

	ck_assert_int_eq(parse_fail("\r\n\r\n", SIP_PARSE_DGRAM, &perr), EBADMSG);
	ck_assert_str_eq(perr.reason, "Empty Message");
	ck_assert_int_eq(parse_fail("", SIP_PARSE_DGRAM, &perr), EBADMSG);
}
END_TEST

START_TEST(test_bare_lf_message_parses)
{
	struct sip_msg *msg = parse("INVITE sip:bob@example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKlf\n"
		"To: <sip:bob@example.com>\n"
		"From: <sip:alice@example.com>;tag=lf\n"
		"Subject: folded\n with LF\n"
		"Call-ID: lf@example.com\n"
		"CSeq: 3 INVITE\n"
		"Content-Length: 3\n\nabc", 0);

	ck_assert_uint_eq(msg->bad.status, 0);
	ck_pl(msg->version, "SIP/2.0");
	ck_pl(msg->via.branch, "z9hG4bKlf");
	ck_pl(msg->from.tag, "lf");
	ck_pl(msg->callid, "lf@example.com");
	ck_pl(sip_msg_hdr(msg, SIP_HDR_SUBJECT)->val, "folded\n with LF");
	ck_pl(msg->body, "abc");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_parse_at_an_offset_and_bad_arguments)
{
	const char *text = "garbage" INV HDRS EMPTY_BODY "trailer";
	struct mbuf *mb = test_mbuf(text);
	struct sip_msg *msg = NULL;
	size_t len = strlen(INV HDRS EMPTY_BODY);

	ck_assert_int_eq(sip_msg_parse(&msg, mb, 7, len, 0, NULL), 0);
	ck_assert(msg->raw.p == mb->data + 7);
	ck_assert_uint_eq(msg->raw.l, len);
	ck_assert_int_eq(msg->method, SIP_METHOD_INVITE);
	ck_assert_uint_eq(msg->body.l, 0);
	sip_msg_free(msg);

	msg = NULL;
	ck_assert_int_eq(sip_msg_parse(&msg, mb, mb->len + 1, 0, 0, NULL), EINVAL);
	ck_assert_int_eq(sip_msg_parse(&msg, mb, 8, mb->len - 7, 0, NULL), EINVAL);
	ck_assert_int_eq(sip_msg_parse(NULL, mb, 0, mb->len, 0, NULL), EINVAL);
	ck_assert_int_eq(sip_msg_parse(&msg, NULL, 0, 0, 0, NULL), EINVAL);
	ck_assert_ptr_null(msg);
	ck_assert_uint_eq(mb->refs, 1);
	mbuf_unref(mb);
}
END_TEST

/* ---- buffer ownership ---- */

START_TEST(test_message_holds_one_reference_to_the_buffer)
{
	struct mbuf *mb = test_mbuf(INV HDRS EMPTY_BODY);
	struct sip_msg *m1, *m2;

	ck_assert_uint_eq(mb->refs, 1);
	m1 = parse_buf(mb, 0);
	ck_assert_ptr_eq(m1->mb, mb);
	ck_assert_uint_eq(mb->refs, 2);
	m2 = parse_buf(mb, 0);
	ck_assert_uint_eq(mb->refs, 3);
	sip_msg_free(m1);
	ck_assert_uint_eq(mb->refs, 2);
	sip_msg_free(m2);
	ck_assert_uint_eq(mb->refs, 1);
	mbuf_unref(mb);
	sip_msg_free(NULL);
}
END_TEST

START_TEST(test_message_outlives_the_callers_reference)
{
	struct mbuf *mb = test_mbuf(INV HDRS EMPTY_BODY);
	struct sip_msg *msg = parse_buf(mb, 0);

	mbuf_unref(mb);			/* the receiver lets go */
	ck_assert_uint_eq(msg->mb->refs, 1);
	ck_pl(msg->callid, "a84b4c76e66710@pc33.example.com");
	sip_msg_free(msg);		/* ASan reports a leak or a double free */
}
END_TEST

START_TEST(test_sip_version_is_case_insensitive)
{
	struct sip_msg *msg = parse("INVITE sip:bob@example.com sip/2.0\r\n" HDRS "\r\n",
				    SIP_PARSE_DGRAM);

	/* RFC 3261 7.1 */
	ck_assert(msg->req);
	ck_assert_uint_eq(msg->bad.status, 0);
	sip_msg_free(msg);
	msg = parse("sip/2.0 200 OK\r\n" HDRS "\r\n", SIP_PARSE_DGRAM);
	ck_assert(!msg->req);
	ck_assert_uint_eq(msg->scode, 200);
	sip_msg_free(msg);
}
END_TEST

/* only letters compare without case: a byte of the version that is not a
 * letter, or a letter that differs by more than its case, is another one */
START_TEST(test_sip_version_other_bytes_compare_exactly)
{
	static const struct { const char *line; unsigned status; const char *reason; } cases[] = {
		{ "INVITE sip:bob@example.com SIP\0172.0\r\n", 400, "Malformed Request Line" },
		{ "INVITE sip:bob@example.com SI\020/2.0\r\n", 400, "Malformed Request Line" },
		/* SIP/ and another version: RFC 4475 3.1.2.16 */
		{ "INVITE sip:bob@example.com SIP/2\0160\r\n", 505, "Version Not Supported" },
		{ "INVITE sip:bob@example.com SIP/\0222.0\r\n", 505, "Version Not Supported" },
	};
	struct sip_parse_err perr;
	char buf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", cases[i].line, HDRS "\r\n");
		ck_assert_uint_eq(bad_status(buf, SIP_PARSE_DGRAM, cases[i].reason), cases[i].status);
	}
	/* not "SIP/": a request line, and a malformed one */
	ck_assert_uint_eq(bad_status("SIP\0172.0 200 OK\r\n" HDRS "\r\n", SIP_PARSE_DGRAM,
				     "Malformed Request Line"), 400);
	ck_assert_int_eq(parse_fail("SIP/2.0\0 200 OK\r\n" HDRS "\r\n", SIP_PARSE_DGRAM, &perr),
			 EBADMSG);
}
END_TEST

/* ---- multipart bodies ---- */

#define MP_HDRS INV HDRS

START_TEST(test_multipart_two_parts_split)
{
	struct sip_msg *msg = parse(MP_HDRS
		"Content-Type: multipart/mixed;boundary=unique-boundary-1\r\n\r\n"
		"preamble\r\n"
		"--unique-boundary-1\r\n"
		"Content-Type: application/sdp\r\n\r\n"
		"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
		"\r\n--unique-boundary-1\r\n"
		"Content-Type: application/isup\r\nContent-Disposition: signal\r\n\r\n"
		"ISUP\r\n"
		"--unique-boundary-1--\r\nepilogue\r\n", SIP_PARSE_DGRAM);
	struct sip_body_part parts[4];
	unsigned n = 99;

	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_pl(parts[0].headers, "Content-Type: application/sdp");
	ck_pl(parts[0].body, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
	ck_pl(parts[1].headers, "Content-Type: application/isup\r\nContent-Disposition: signal");
	ck_pl(parts[1].body, "ISUP");
	ck_assert(inside(msg, &parts[0].body) && inside(msg, &parts[1].headers));
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_quoted_boundary)
{
	struct sip_msg *msg = parse(MP_HDRS
		"Content-Type: multipart/alternative; boundary=\"b 1:x\"\r\n\r\n"
		"--b 1:x\r\n\r\npart one\r\n"
		"--b 1:x\r\nContent-Type: text/plain\r\n\r\npart two\r\n"
		"--b 1:x--\r\n", SIP_PARSE_DGRAM);
	struct sip_body_part parts[4];
	unsigned n = 0;

	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(parts[0].headers.l, 0);
	ck_pl(parts[0].body, "part one");
	ck_pl(parts[1].headers, "Content-Type: text/plain");
	ck_pl(parts[1].body, "part two");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_binary_part_with_nul_kept_intact)
{
	static const char head[] = MP_HDRS
		"Content-Type: multipart/mixed;boundary=zz\r\n\r\n"
		"--zz\r\nContent-Type: application/octet-stream\r\n\r\n";
	static const char bin[] = { 0x00, 0x01, '-', '-', 'z', 0x00, '\r', '\n', 0x00, (char)0xff };
	static const char tail[] = "\r\n--zz\r\nContent-Type: text/plain\r\n\r\nok\r\n--zz--\r\n";
	char buf[2048];
	size_t n = 0;
	struct mbuf *mb;
	struct sip_msg *msg;
	struct sip_body_part parts[4];
	unsigned np = 0;

	memcpy(buf, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	memcpy(buf + n, bin, sizeof(bin));
	n += sizeof(bin);
	memcpy(buf + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	ck_assert_int_eq(mbuf_dup(&mb, buf, n), 0);
	msg = parse_buf(mb, SIP_PARSE_DGRAM);
	mbuf_unref(mb);

	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &np), 0);
	ck_assert_uint_eq(np, 2);
	ck_assert_uint_eq(parts[0].body.l, sizeof(bin));
	ck_assert(memcmp(parts[0].body.p, bin, sizeof(bin)) == 0);
	ck_pl(parts[1].body, "ok");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_missing_boundary_is_ebadmsg)
{
	static const char *const cts[] = {
		"multipart/mixed",
		"multipart/mixed;charset=utf-8",
		"multipart/mixed;boundary=",
		"multipart/mixed;boundary=\"\"",
	};
	char buf[1024];
	struct sip_body_part parts[4];
	unsigned n;

	for (size_t i = 0; i < sizeof(cts) / sizeof(cts[0]); i++) {
		snprintf(buf, sizeof(buf), MP_HDRS "Content-Type: %s\r\n\r\n--x\r\n\r\na\r\n--x--\r\n",
			 cts[i]);
		struct sip_msg *msg = parse(buf, SIP_PARSE_DGRAM);
		ck_assert_msg(sip_multipart_split(msg, parts, 4, &n) == EBADMSG, "%s", cts[i]);
		sip_msg_free(msg);
	}
}
END_TEST

START_TEST(test_multipart_delimiter_absent_or_unterminated_is_ebadmsg)
{
	struct sip_body_part parts[4];
	unsigned n;
	struct sip_msg *msg = parse(MP_HDRS "Content-Type: multipart/mixed;boundary=abc\r\n\r\n"
				    "no delimiter here\r\n", SIP_PARSE_DGRAM);

	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), EBADMSG);
	sip_msg_free(msg);

	msg = parse(MP_HDRS "Content-Type: multipart/mixed;boundary=abc\r\n\r\n"
		    "--abc\r\n\r\npart without a close delimiter\r\n", SIP_PARSE_DGRAM);
	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), EBADMSG);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_more_parts_than_room_is_e2big)
{
	struct sip_body_part parts[2];
	unsigned n;
	struct sip_msg *msg = parse(MP_HDRS "Content-Type: multipart/mixed;boundary=abc\r\n\r\n"
				    "--abc\r\n\r\n1\r\n--abc\r\n\r\n2\r\n--abc\r\n\r\n3\r\n--abc--\r\n",
				    SIP_PARSE_DGRAM);

	ck_assert_int_eq(sip_multipart_split(msg, parts, 2, &n), E2BIG);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_not_multipart_is_enoent)
{
	struct sip_body_part parts[2];
	unsigned n = 7;
	struct sip_msg *msg = parse(MP_HDRS "Content-Type: application/sdp\r\n\r\nv=0\r\n",
				    SIP_PARSE_DGRAM);

	ck_assert_int_eq(sip_multipart_split(msg, parts, 2, &n), ENOENT);
	ck_assert_uint_eq(n, 0);
	sip_msg_free(msg);

	msg = parse(MP_HDRS EMPTY_BODY, 0);
	ck_assert_int_eq(sip_multipart_split(msg, parts, 2, &n), ENOENT);
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_delimiter_only_at_line_start)
{
	struct sip_msg *msg = parse(MP_HDRS
		"Content-Type: multipart/mixed;boundary=zz\r\n\r\n"
		"preamble mentions --zz here\r\n"
		"--zz\r\nContent-Type: text/plain\r\n\r\nsee --zz in the middle of a line\r\n"
		"--zzz is not a delimiter either\r\n"
		"--zz--\r\n", SIP_PARSE_DGRAM);
	struct sip_body_part parts[4];
	unsigned n = 0;

	/* RFC 2046 5.1.1: a delimiter starts a line and ends it (or is the
	 * close delimiter) */
	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_pl(parts[0].body, "see --zz in the middle of a line\r\n--zzz is not a delimiter either");
	sip_msg_free(msg);
}
END_TEST

START_TEST(test_multipart_bare_lf_part_headers_split)
{
	struct sip_msg *msg = parse(MP_HDRS
		"Content-Type: multipart/mixed;boundary=zz\r\n\r\n"
		"--zz\nContent-Type: text/plain\n\nbody\n--zz--\n", SIP_PARSE_DGRAM);
	struct sip_body_part parts[4];
	unsigned n = 0;

	ck_assert_int_eq(sip_multipart_split(msg, parts, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_pl(parts[0].headers, "Content-Type: text/plain");
	ck_pl(parts[0].body, "body");
	sip_msg_free(msg);
}
END_TEST

static Suite *sip_parse_suite(void)
{
	Suite *s = suite_create("sip_parse");
	TCase *tc = tcase_create("start_line");

	tcase_add_test(tc, test_request_line_decoded);
	tcase_add_test(tc, test_every_known_method_gets_its_id);
	tcase_add_test(tc, test_unknown_method_kept_as_text_and_accepted);
	tcase_add_test(tc, test_method_names_are_case_sensitive);
	tcase_add_test(tc, test_request_version_3_gets_505);
	tcase_add_test(tc, test_request_version_not_sip_is_400);
	tcase_add_test(tc, test_request_line_extra_spaces_are_400);
	tcase_add_test(tc, test_request_uri_malformed_or_with_headers_is_400);
	tcase_add_test(tc, test_status_line_decoded);
	tcase_add_test(tc, test_status_line_reason_may_be_empty);
	tcase_add_test(tc, test_status_line_reason_utf8_and_spaces_kept);
	tcase_add_test(tc, test_status_code_outside_100_699_is_ebadmsg);
	tcase_add_test(tc, test_status_code_bounds_100_and_699_accepted);
	tcase_add_test(tc, test_sip_version_is_case_insensitive);
	tcase_add_test(tc, test_sip_version_other_bytes_compare_exactly);
	suite_add_tcase(s, tc);

	tc = tcase_create("headers");
	tcase_add_test(tc, test_folded_value_contains_the_fold);
	tcase_add_test(tc, test_folded_headers_decoded_through_the_fold);
	tcase_add_test(tc, test_ipv6_references_compact_names_and_folded_params);
	tcase_add_test(tc, test_compact_names_map_to_long_ids);
	tcase_add_test(tc, test_compact_headers_in_a_message_decoded);
	tcase_add_test(tc, test_header_names_case_insensitive);
	tcase_add_test(tc, test_whitespace_before_colon_accepted);
	tcase_add_test(tc, test_header_line_without_colon_is_400);
	tcase_add_test(tc, test_multi_value_via_on_one_line);
	tcase_add_test(tc, test_multi_value_via_over_several_lines);
	tcase_add_test(tc, test_malformed_later_via_value_is_400);
	tcase_add_test(tc, test_value_next_skips_quoted_commas_and_angle_brackets);
	tcase_add_test(tc, test_value_next_single_value_and_empty_header);
	tcase_add_test(tc, test_value_next_empty_values_are_ebadmsg);
	tcase_add_test(tc, test_value_next_unterminated_quote_is_ebadmsg);
	tcase_add_test(tc, test_value_next_quote_or_angle_after_the_first_comma);
	tcase_add_test(tc, test_header_lookup_by_name_and_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("essentials");
	tcase_add_test(tc, test_essentials_decoded_as_views_into_the_buffer);
	tcase_add_test(tc, test_missing_mandatory_header_is_400_with_reason);
	tcase_add_test(tc, test_duplicated_mandatory_header_is_400_with_reason);
	tcase_add_test(tc, test_max_forwards_optional_but_must_be_a_small_number);
	tcase_add_test(tc, test_malformed_from_to_callid_cseq_are_400);
	tcase_add_test(tc, test_callid_words_kept_controls_space_and_del_are_400);
	tcase_add_test(tc, test_cseq_method_mismatch_is_400);
	tcase_add_test(tc, test_unknown_method_with_cseq_mismatch_is_501);
	tcase_add_test(tc, test_response_cseq_method_need_not_match_anything);
	suite_add_tcase(s, tc);

	tc = tcase_create("body");
	tcase_add_test(tc, test_content_length_malformed_is_400);
	tcase_add_test(tc, test_content_length_conflicting_duplicates_are_400);
	tcase_add_test(tc, test_content_length_equal_duplicates_accepted);
	tcase_add_test(tc, test_content_length_larger_than_body_is_400);
	tcase_add_test(tc, test_datagram_junk_after_content_length_ignored);
	tcase_add_test(tc, test_datagram_without_content_length_body_is_the_rest);
	tcase_add_test(tc, test_datagram_without_blank_line_parses);
	tcase_add_test(tc, test_stream_without_blank_line_is_ebadmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_exactly_max_headers_accepted);
	tcase_add_test(tc, test_more_than_max_headers_is_400);
	tcase_add_test(tc, test_header_line_over_max_line_is_400);
	tcase_add_test(tc, test_header_line_at_max_line_accepted);
	tcase_add_test(tc, test_message_of_max_size_accepted);
	tcase_add_test(tc, test_message_over_max_size_is_ebadmsg);
	tcase_add_test(tc, test_start_line_over_max_line_is_ebadmsg);
	tcase_add_test(tc, test_leading_crlfs_ignored);
	tcase_add_test(tc, test_only_crlfs_is_ebadmsg);
	tcase_add_test(tc, test_bare_lf_message_parses);
	tcase_add_test(tc, test_parse_at_an_offset_and_bad_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("ownership");
	tcase_add_test(tc, test_message_holds_one_reference_to_the_buffer);
	tcase_add_test(tc, test_message_outlives_the_callers_reference);
	suite_add_tcase(s, tc);

	tc = tcase_create("multipart");
	tcase_add_test(tc, test_multipart_two_parts_split);
	tcase_add_test(tc, test_multipart_quoted_boundary);
	tcase_add_test(tc, test_multipart_binary_part_with_nul_kept_intact);
	tcase_add_test(tc, test_multipart_missing_boundary_is_ebadmsg);
	tcase_add_test(tc, test_multipart_delimiter_absent_or_unterminated_is_ebadmsg);
	tcase_add_test(tc, test_multipart_more_parts_than_room_is_e2big);
	tcase_add_test(tc, test_multipart_not_multipart_is_enoent);
	tcase_add_test(tc, test_multipart_delimiter_only_at_line_start);
	tcase_add_test(tc, test_multipart_bare_lf_part_headers_split);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sip_parse_suite());
}
