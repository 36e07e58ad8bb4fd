/* The builder: responses to requests (RFC 3261 8.2.6), header lines, and the
 * growable writer underneath. */
#include <check.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "testutil.h"

#define ck_pl(v, s) \
	ck_assert_msg(pl_eq_str(&(v), (s)), "%s is \"%.*s\", expected \"%s\"", #v, PL_FMT(v), (s))

#define VIA1 "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtop, SIP/2.0/TCP proxy1.example.com;branch=z9hG4bKp1"
#define VIA2 "SIP/2.0/UDP proxy2.example.com:5070;branch=z9hG4bKp2;received=192.0.2.22"
#define FROM "\"Alice\" <sip:alice@example.com>;tag=1928301774"
#define CALLID "a84b4c76e66710@pc33.example.com"
#define CSEQ "314159 INVITE"

static const char request[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"Via: " VIA1 "\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@example.com>\r\n"
	"From: " FROM "\r\n"
	"Via: " VIA2 "\r\n"
	"Call-ID: " CALLID "\r\n"
	"CSeq: " CSEQ "\r\n"
	"Timestamp: 54.3 0.25\r\n"
	"Contact: <sip:alice@192.0.2.1>\r\n"
	"Subject: not copied\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n\r\nv=0\n";

static struct sip_msg *parse_text(const char *s)
{
	struct mbuf *mb = test_mbuf(s);
	struct sip_msg *msg = NULL;

	ck_assert_int_eq(sip_msg_parse(&msg, mb, 0, mb->len, 0, NULL), 0);
	mbuf_unref(mb);
	return msg;
}

/* builds a response and parses it back; *mbp holds the bytes */
static struct sip_msg *respond(const struct sip_msg *req, uint16_t scode, const char *reason,
			       const char *totag, const char *extra, const struct pl *ctype,
			       const struct pl *body, struct mbuf **mbp)
{
	struct sip_msg *resp = NULL;

	ck_assert_int_eq(sip_build_response(mbp, req, scode, reason, totag, extra, ctype, body), 0);
	ck_assert_int_eq(sip_msg_parse(&resp, *mbp, 0, (*mbp)->len, 0, NULL), 0);
	ck_assert(!resp->req);
	ck_assert_msg(resp->bad.status == 0, "built response is bad: %s", resp->bad.reason);
	return resp;
}

static void done(struct sip_msg *resp, struct mbuf *mb)
{
	sip_msg_free(resp);
	mbuf_unref(mb);
}

static bool text_has(const struct mbuf *mb, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= mb->len; i++) {
		if (memcmp(mb->data + i, s, n) == 0)
			return true;
	}
	return false;
}

START_TEST(test_response_status_line_and_copied_headers)
{
	struct sip_msg *req = parse_text(request);
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 200, NULL, "tt1", NULL, NULL, NULL, &mb);
	const struct sip_hdr *h;

	ck_assert(memcmp(mb->data, "SIP/2.0 200 OK\r\n", 16) == 0);
	ck_assert_uint_eq(resp->scode, 200);
	ck_pl(resp->reason, "OK");

	/* every Via, in order, each line as received */
	ck_assert_uint_eq(sip_msg_hdr_count(resp, SIP_HDR_VIA), 2);
	h = sip_msg_hdr(resp, SIP_HDR_VIA);
	ck_pl(h->val, VIA1);
	ck_pl(h->name, "Via");
	h = sip_msg_hdr_next(resp, h);
	ck_pl(h->val, VIA2);
	ck_pl(resp->via.branch, "z9hG4bKtop");

	ck_pl(sip_msg_hdr(resp, SIP_HDR_FROM)->val, FROM);
	ck_pl(resp->from.tag, "1928301774");
	ck_pl(resp->callid, CALLID);
	ck_pl(sip_msg_hdr(resp, SIP_HDR_CSEQ)->val, CSEQ);
	ck_assert_uint_eq(resp->cseq.num, 314159);
	ck_assert_int_eq(resp->cseq.method, SIP_METHOD_INVITE);
	ck_pl(sip_msg_hdr(resp, SIP_HDR_TO)->val, "Bob <sip:bob@example.com>;tag=tt1");
	ck_pl(resp->to.tag, "tt1");
	ck_pl(resp->to.uri_pl, "sip:bob@example.com");

	/* nothing else crosses */
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_CONTACT));
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_SUBJECT));
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_TIMESTAMP));
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_MAX_FORWARDS));
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_CONTENT_TYPE));
	ck_assert(resp->has_clen);
	ck_assert_uint_eq(resp->clen, 0);
	ck_assert_uint_eq(resp->body.l, 0);
	/* the message ends with the blank line */
	ck_assert_uint_eq(resp->raw.l, mb->len);
	ck_assert(memcmp(mb->data + mb->len - 4, "\r\n\r\n", 4) == 0);
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_to_tag_kept_when_request_had_one)
{
	struct sip_msg *req = parse_text(
		"BYE sip:bob@192.0.2.4 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKbye\r\n"
		"To: <sip:bob@example.com>;tag=theirs\r\n"
		"From: <sip:alice@example.com>;tag=mine\r\n"
		"Call-ID: bye@example.com\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 200, NULL, "other", NULL, NULL, NULL, &mb);

	ck_pl(resp->to.tag, "theirs");
	ck_pl(sip_msg_hdr(resp, SIP_HDR_TO)->val, "<sip:bob@example.com>;tag=theirs");
	ck_assert(!text_has(mb, "other"));
	done(resp, mb);

	/* no tag offered: the To is copied as it is */
	resp = respond(req, 481, NULL, NULL, NULL, NULL, NULL, &mb);
	ck_pl(resp->to.tag, "theirs");
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_no_to_tag_when_none_offered)
{
	struct sip_msg *req = parse_text(request);
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 486, NULL, NULL, NULL, NULL, NULL, &mb);

	ck_assert_ptr_null(resp->to.tag.p);
	ck_pl(sip_msg_hdr(resp, SIP_HDR_TO)->val, "Bob <sip:bob@example.com>");
	ck_pl(resp->reason, "Busy Here");
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_100_trying_has_no_to_tag_and_copies_timestamp)
{
	struct sip_msg *req = parse_text(request);
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 100, NULL, "tt1", NULL, NULL, NULL, &mb);
	const struct sip_hdr *ts;

	/* RFC 3261 8.2.6.1 */
	ck_pl(resp->reason, "Trying");
	ck_assert_ptr_null(resp->to.tag.p);
	ck_assert(!text_has(mb, "tt1"));
	ts = sip_msg_hdr(resp, SIP_HDR_TIMESTAMP);
	ck_assert_ptr_nonnull(ts);
	ck_pl(ts->val, "54.3 0.25");
	done(resp, mb);

	/* other provisional and final responses carry no Timestamp */
	resp = respond(req, 180, NULL, "tt1", NULL, NULL, NULL, &mb);
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_TIMESTAMP));
	ck_pl(resp->to.tag, "tt1");
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_extra_header_lines_appear)
{
	struct sip_msg *req = parse_text(request);
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 405, NULL, "t", "Allow: INVITE, ACK, BYE\r\n"
				       "Retry-After: 30\r\nX-Ours: yes\r\n", NULL, NULL, &mb);

	ck_pl(sip_msg_hdr(resp, SIP_HDR_ALLOW)->val, "INVITE, ACK, BYE");
	ck_pl(sip_msg_hdr(resp, SIP_HDR_RETRY_AFTER)->val, "30");
	ck_pl(sip_msg_hdr_by_name(resp, "x-ours")->val, "yes");
	ck_pl(resp->reason, "Method Not Allowed");
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_reason_phrase_given_is_used)
{
	struct sip_msg *req = parse_text(request);
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 403, "No Trunk For This Source", "t", NULL, NULL,
				       NULL, &mb);

	ck_assert_uint_eq(resp->scode, 403);
	ck_pl(resp->reason, "No Trunk For This Source");
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_body_with_content_type_and_length)
{
	struct sip_msg *req = parse_text(request);
	const struct pl ctype = PL("application/sdp");
	const struct pl body = PL("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 200, NULL, "t", NULL, &ctype, &body, &mb);
	char line[64];

	ck_pl(resp->ctype, "application/sdp");
	ck_assert(resp->has_clen);
	ck_assert_uint_eq(resp->clen, body.l);
	ck_pl(resp->body, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
	snprintf(line, sizeof(line), "\r\nContent-Length: %zu\r\n\r\n", body.l);
	ck_assert(text_has(mb, line));
	ck_assert(resp->body.p + resp->body.l == mb->data + mb->len);
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_content_type_only_with_a_body)
{
	struct sip_msg *req = parse_text(request);
	const struct pl ctype = PL("application/sdp");
	const struct pl empty = PL("");
	struct mbuf *mb;
	struct sip_msg *resp = respond(req, 200, NULL, "t", NULL, &ctype, NULL, &mb);

	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_CONTENT_TYPE));
	ck_assert_uint_eq(resp->clen, 0);
	ck_assert(text_has(mb, "\r\nContent-Length: 0\r\n\r\n"));
	done(resp, mb);

	resp = respond(req, 200, NULL, "t", NULL, &ctype, &empty, &mb);
	ck_assert_ptr_null(sip_msg_hdr(resp, SIP_HDR_CONTENT_TYPE));
	ck_assert_uint_eq(resp->clen, 0);
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_build_response_rejects_bad_arguments)
{
	struct sip_msg *req = parse_text(request);
	struct sip_msg *resp = parse_text("SIP/2.0 200 OK\r\nVia: " VIA2 "\r\n"
					  "To: <sip:bob@example.com>;tag=x\r\nFrom: " FROM "\r\n"
					  "Call-ID: " CALLID "\r\nCSeq: " CSEQ "\r\n"
					  "Content-Length: 0\r\n\r\n");
	struct mbuf *sentinel = (struct mbuf *)(void *)&sentinel;
	struct mbuf *mb = sentinel;

	ck_assert_int_eq(sip_build_response(&mb, req, 99, NULL, NULL, NULL, NULL, NULL), EINVAL);
	ck_assert_int_eq(sip_build_response(&mb, req, 700, NULL, NULL, NULL, NULL, NULL), EINVAL);
	ck_assert_int_eq(sip_build_response(&mb, resp, 200, NULL, NULL, NULL, NULL, NULL), EINVAL);
	ck_assert_int_eq(sip_build_response(&mb, NULL, 200, NULL, NULL, NULL, NULL, NULL), EINVAL);
	ck_assert_int_eq(sip_build_response(NULL, req, 200, NULL, NULL, NULL, NULL, NULL), EINVAL);
	ck_assert_ptr_eq(mb, sentinel);
	sip_msg_free(resp);
	sip_msg_free(req);
}
END_TEST

static void set_src(struct sip_msg *req, const char *ip, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&req->src;

	memset(&req->src, 0, sizeof(req->src));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
}

START_TEST(test_top_via_gets_rport_and_received_from_the_source)
{
	/* RFC 3581 4: the source port fills an empty rport, and received is
	 * added even when the sent-by host is the source address */
	struct sip_msg *req = parse_text(
		"OPTIONS sip:sbc.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKnat, SIP/2.0/UDP p.example.com;branch=z9hG4bKp\r\n"
		"Via: SIP/2.0/UDP q.example.com;branch=z9hG4bKq\r\n"
		"To: <sip:sbc.example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
		"Call-ID: nat@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	struct mbuf *mb;
	struct sip_msg *resp;
	const struct sip_hdr *h;

	set_src(req, "198.51.100.7", 40000);
	resp = respond(req, 200, NULL, "t", NULL, NULL, NULL, &mb);
	ck_assert(resp->via.has_rport);
	ck_pl(resp->via.rport, "40000");
	ck_pl(resp->via.received, "198.51.100.7");
	ck_pl(resp->via.branch, "z9hG4bKnat");
	ck_pl(resp->via.host, "192.0.2.1");
	ck_assert_uint_eq(resp->via.port, 5060);
	h = sip_msg_hdr(resp, SIP_HDR_VIA);
	ck_pl(h->val, "SIP/2.0/UDP 192.0.2.1:5060;rport=40000;branch=z9hG4bKnat;received=198.51.100.7"
		      ", SIP/2.0/UDP p.example.com;branch=z9hG4bKp");
	h = sip_msg_hdr_next(resp, h);
	ck_pl(h->val, "SIP/2.0/UDP q.example.com;branch=z9hG4bKq");
	ck_assert_ptr_null(sip_msg_hdr_next(resp, h));
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

START_TEST(test_top_via_received_only_when_sent_by_differs)
{
	/* RFC 3261 18.2.1 */
	static const char text[] =
		"OPTIONS sip:sbc.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s;branch=z9hG4bKr\r\n"
		"To: <sip:sbc.example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
		"Call-ID: r@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	char buf[512];
	struct mbuf *mb;
	struct sip_msg *req, *resp;

	snprintf(buf, sizeof(buf), text, "198.51.100.7:5060");
	req = parse_text(buf);
	set_src(req, "198.51.100.7", 5060);
	resp = respond(req, 200, NULL, "t", NULL, NULL, NULL, &mb);
	ck_assert_ptr_null(resp->via.received.p);
	ck_pl(sip_msg_hdr(resp, SIP_HDR_VIA)->val, "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKr");
	done(resp, mb);
	sip_msg_free(req);

	snprintf(buf, sizeof(buf), text, "phone.example.com");
	req = parse_text(buf);
	set_src(req, "198.51.100.7", 5060);
	resp = respond(req, 200, NULL, "t", NULL, NULL, NULL, &mb);
	ck_pl(resp->via.received, "198.51.100.7");
	ck_assert(!resp->via.has_rport);
	done(resp, mb);
	sip_msg_free(req);
}
END_TEST

/* ---- header lines and the writer ---- */

START_TEST(test_build_hdr_uses_canonical_names)
{
	const struct pl v = PL("value");

	for (unsigned i = SIP_HDR_OTHER + 1; i < SIP_HDR_COUNT; i++) {
		struct mbw w;
		struct mbuf *mb = NULL;
		char want[128];
		enum sip_hdr_id id = (enum sip_hdr_id)i;

		ck_assert_int_eq(mbw_init(&w, 0), 0);
		sip_build_hdr(&w, id, &v);
		ck_assert_int_eq(mbw_finish(&w, &mb), 0);
		snprintf(want, sizeof(want), "%s: value\r\n", sip_hdr_name(id));
		ck_assert_uint_eq(mb->len, strlen(want));
		ck_assert(memcmp(mb->data, want, mb->len) == 0);
		/* and it reads back as the same header */
		ck_assert_int_eq(sip_hdr_lookup(mb->data, strlen(sip_hdr_name(id))), id);
		mbuf_unref(mb);
	}
	struct mbw w;
	struct mbuf *mb = NULL;
	ck_assert_int_eq(mbw_init(&w, 0), 0);
	sip_build_hdr(&w, SIP_HDR_CALL_ID, &v);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_str_eq(mb->data, "Call-ID: value\r\n");
	mbuf_unref(mb);
}
END_TEST

START_TEST(test_build_body_writes_length_blank_line_and_body)
{
	struct mbw w;
	struct mbuf *mb = NULL;
	const struct pl ct = PL("text/plain");
	const struct pl body = PL("hello");

	ck_assert_int_eq(mbw_init(&w, 0), 0);
	sip_build_body(&w, &ct, &body);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_str_eq(mb->data, "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
	mbuf_unref(mb);

	ck_assert_int_eq(mbw_init(&w, 0), 0);
	sip_build_body(&w, NULL, NULL);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_str_eq(mb->data, "Content-Length: 0\r\n\r\n");
	mbuf_unref(mb);
}
END_TEST

START_TEST(test_writer_grows_across_many_appends)
{
	struct mbw w;
	struct mbuf *mb = NULL;
	size_t cap = 1 << 20, n = 0;
	char *want = malloc(cap);
	char tmp[64];

	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(mbw_init(&w, 1), 0);
	for (uint32_t i = 0; i < 5000; i++) {
		int k;

		mbw_puts(&w, "Via: ");
		mbw_u32(&w, i * 2654435761u);
		mbw_putc(&w, ';');
		mbw_printf(&w, "branch=z9hG4bK%u", i);
		mbw_put(&w, "\r\n", 2);
		k = snprintf(tmp, sizeof(tmp), "Via: %u;branch=z9hG4bK%u\r\n",
			     (unsigned)(i * 2654435761u), (unsigned)i);
		memcpy(want + n, tmp, (size_t)k);
		n += (size_t)k;
		ck_assert_uint_eq(mbw_len(&w), n);
	}
	ck_assert(memcmp(mbw_at(&w, 0), want, 16) == 0);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_ptr_null(w.mb);
	ck_assert_uint_eq(mb->len, n);
	ck_assert_uint_ge(mb->size, n);
	ck_assert_uint_eq(mb->refs, 1);
	ck_assert(memcmp(mb->data, want, n) == 0);
	mbuf_unref(mb);
	free(want);
}
END_TEST

START_TEST(test_writer_u32_bounds)
{
	struct mbw w;
	struct mbuf *mb = NULL;

	ck_assert_int_eq(mbw_init(&w, 2), 0);
	mbw_u32(&w, 0);
	mbw_putc(&w, ' ');
	mbw_u32(&w, 4294967295u);
	mbw_putc(&w, ' ');
	mbw_u32(&w, 1000000000u);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_str_eq(mb->data, "0 4294967295 1000000000");
	mbuf_unref(mb);
}
END_TEST

START_TEST(test_writer_back_patching)
{
	struct mbw w;
	struct mbuf *mb = NULL;
	size_t at;

	ck_assert_int_eq(mbw_init(&w, 4), 0);
	mbw_puts(&w, "Content-Length: ");
	at = mbw_len(&w);
	mbw_puts(&w, "00000\r\n\r\n");
	mbw_puts(&w, "body!");
	memcpy(mbw_at(&w, at), "00005", 5);
	ck_assert_int_eq(mbw_finish(&w, &mb), 0);
	ck_assert_str_eq(mb->data, "Content-Length: 00005\r\n\r\nbody!");
	mbuf_unref(mb);
}
END_TEST

START_TEST(test_writer_error_is_sticky)
{
	struct mbw w;
	struct mbuf *sentinel = (struct mbuf *)(void *)&sentinel;
	struct mbuf *mb = sentinel;
	const struct pl v = PL("x");
	size_t len;

	ck_assert_int_eq(mbw_init(&w, 0), 0);
	mbw_puts(&w, "SIP/2.0 200 OK\r\n");
	len = mbw_len(&w);
	/* a header without a name is an error the writer keeps */
	sip_build_hdr(&w, SIP_HDR_OTHER, &v);
	ck_assert_int_eq(w.err, EINVAL);
	ck_assert_uint_eq(mbw_len(&w), len);
	mbw_puts(&w, "Via: x\r\n");
	mbw_putc(&w, 'c');
	mbw_u32(&w, 42);
	mbw_printf(&w, "%s", "more");
	mbw_put(&w, "abc", 3);
	sip_build_hdr(&w, SIP_HDR_VIA, &v);
	ck_assert_uint_eq(mbw_len(&w), len);
	ck_assert_int_eq(w.err, EINVAL);
	/* finish reports the first error and frees the buffer (ASan checks) */
	ck_assert_int_eq(mbw_finish(&w, &mb), EINVAL);
	ck_assert_ptr_eq(mb, sentinel);
	ck_assert_ptr_null(w.mb);
}
END_TEST

START_TEST(test_writer_reset_frees)
{
	struct mbw w;

	ck_assert_int_eq(mbw_init(&w, 0), 0);
	mbw_puts(&w, "discarded");
	mbw_reset(&w);
	ck_assert_ptr_null(w.mb);
	ck_assert_uint_eq(mbw_len(&w), 0);
}
END_TEST

static Suite *sip_build_suite(void)
{
	Suite *s = suite_create("sip_build");
	TCase *tc = tcase_create("response");

	tcase_add_test(tc, test_response_status_line_and_copied_headers);
	tcase_add_test(tc, test_to_tag_kept_when_request_had_one);
	tcase_add_test(tc, test_no_to_tag_when_none_offered);
	tcase_add_test(tc, test_100_trying_has_no_to_tag_and_copies_timestamp);
	tcase_add_test(tc, test_extra_header_lines_appear);
	tcase_add_test(tc, test_reason_phrase_given_is_used);
	tcase_add_test(tc, test_body_with_content_type_and_length);
	tcase_add_test(tc, test_content_type_only_with_a_body);
	tcase_add_test(tc, test_build_response_rejects_bad_arguments);
	tcase_add_test(tc, test_top_via_gets_rport_and_received_from_the_source);
	tcase_add_test(tc, test_top_via_received_only_when_sent_by_differs);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_test(tc, test_build_hdr_uses_canonical_names);
	tcase_add_test(tc, test_build_body_writes_length_blank_line_and_body);
	tcase_add_test(tc, test_writer_grows_across_many_appends);
	tcase_add_test(tc, test_writer_u32_bounds);
	tcase_add_test(tc, test_writer_back_patching);
	tcase_add_test(tc, test_writer_error_is_sticky);
	tcase_add_test(tc, test_writer_reset_frees);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sip_build_suite());
}
