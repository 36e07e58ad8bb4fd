/* What call transfer carries: %-decoding, the headers of a URI (the
 * Replaces inside Refer-To), Replaces (RFC 3891) and the status line of a
 * message/sipfrag body (RFC 3420). */
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

static struct sip_msg *load(const char *name)
{
	char path[256];
	struct mbuf *mb;
	struct sip_msg *msg = NULL;
	int err;

	snprintf(path, sizeof(path), "msg/%s", name);
	mb = test_read_data(path);
	err = sip_msg_parse(&msg, mb, 0, mb->len, 0, NULL);
	ck_assert_msg(err == 0, "%s: %d", name, err);
	ck_assert_msg(msg->bad.status == 0, "%s: %s", name, msg->bad.reason);
	mbuf_unref(mb);
	return msg;
}

static int uri_hdr(const char *uri, const char *name, char *buf, size_t size)
{
	struct sip_uri u;
	struct pl t = P(uri);

	ck_assert_int_eq(sip_uri_decode(&u, &t), 0);
	return sip_uri_header_get(&u, name, buf, size, NULL);
}

static int replaces(struct sip_replaces *r, const char *s)
{
	struct pl t = P(s);

	return sip_replaces_decode(r, &t);
}

static int frag(const char *s, uint16_t *code)
{
	struct pl t = P(s);

	return sip_sipfrag_status(&t, code);
}

/* ---- %-decoding ---- */

START_TEST(test_pct_decode_escapes_in_either_case)
{
	char buf[64];
	size_t n;
	struct pl in = P("a%3Bb%3db%40c%2520");

	ck_assert_int_eq(sip_pct_decode(&in, buf, sizeof(buf), &n), 0);
	ck_assert_str_eq(buf, "a;b=b@c%20");
	ck_assert_uint_eq(n, strlen("a;b=b@c%20"));
}
END_TEST

START_TEST(test_pct_decode_bad_escapes_are_ebadmsg)
{
	static const char *const bad[] = { "%", "%4", "ab%", "%zz", "%4g", "a%0Db", "%0a", "%7f", "%00" };
	char buf[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pl in = P(bad[i]);
		ck_assert_msg(sip_pct_decode(&in, buf, sizeof(buf), NULL) == EBADMSG, "\"%s\" accepted",
			      bad[i]);
	}
}
END_TEST

START_TEST(test_pct_decode_too_long_is_e2big)
{
	char buf[4];
	struct pl in = P("abcd");
	struct pl fits = P("a%41c");

	ck_assert_int_eq(sip_pct_decode(&in, buf, sizeof(buf), NULL), E2BIG);
	ck_assert_int_eq(sip_pct_decode(&fits, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "aAc");
	ck_assert_int_eq(sip_pct_decode(&in, buf, 0, NULL), E2BIG);
}
END_TEST

/* ---- URI headers ---- */

START_TEST(test_uri_header_found_among_others_and_decoded)
{
	char buf[128];

	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1;user=phone?X-Foo=bar&Replaces=c1%40h%3Bto-tag%3D1",
				 "Replaces", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "c1@h;to-tag=1");
	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?X-Foo=bar&Replaces=x", "x-foo", buf,
				 sizeof(buf)), 0);
	ck_assert_str_eq(buf, "bar");
	/* the name compares case-insensitively, escaped or not */
	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?replaces=a", "Replaces", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "a");
	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?Re%70laces=b", "Replaces", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "b");
}
END_TEST

START_TEST(test_uri_header_absent_is_enoent)
{
	char buf[16];

	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1", "Replaces", buf, sizeof(buf)), ENOENT);
	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?X-Replaces=a&Replace=b&Replaces", "Replaces",
				 buf, sizeof(buf)), ENOENT);
}
END_TEST

START_TEST(test_uri_header_bad_value)
{
	char buf[8];

	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?Replaces=a%0D%0AVia:x", "Replaces", buf,
				 sizeof(buf)), EBADMSG);
	ck_assert_int_eq(uri_hdr("sip:carol@192.0.2.1?Replaces=abcdefghij", "Replaces", buf,
				 sizeof(buf)), E2BIG);
}
END_TEST

/* ---- Replaces ---- */

START_TEST(test_replaces_fields)
{
	struct sip_replaces r;

	ck_assert_int_eq(replaces(&r, "98732@sip.example.com;from-tag=r33th4x0r ;to-tag=ff87ff"), 0);
	ck_pl(r.callid, "98732@sip.example.com");
	ck_pl(r.to_tag, "ff87ff");
	ck_pl(r.from_tag, "r33th4x0r");
	ck_assert(!r.early_only);
	ck_assert_int_eq(replaces(&r, " abc ; TO-TAG=1;From-Tag=2;early-only;x=y"), 0);
	ck_pl(r.callid, "abc");
	ck_pl(r.to_tag, "1");
	ck_pl(r.from_tag, "2");
	ck_assert(r.early_only);
}
END_TEST

START_TEST(test_replaces_malformed_is_ebadmsg)
{
	static const char *const bad[] = {
		"",			/* no Call-ID */
		"abc",			/* RFC 3891 3: both tags are required */
		"abc;to-tag=1",
		"abc;from-tag=2",
		";to-tag=1;from-tag=2",
		"a b;to-tag=1;from-tag=2",	/* a Call-ID is one word */
		"abc;to-tag=1;to-tag=3;from-tag=2",
		"abc;to-tag=1;from-tag=2;from-tag=2",
		"abc;to-tag=;from-tag=2",
		"abc;to-tag=1;from-tag=<2>",
		"abc;to-tag=1;from-tag=2;early-only=yes",
		"abc;to-tag=1;from-tag=2;b@d=1",
	};
	struct sip_replaces r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(replaces(&r, bad[i]) == EBADMSG, "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(test_replaces_too_many_params_is_e2big)
{
	char s[600] = "abc;to-tag=1;from-tag=2";
	struct sip_replaces r;

	for (int i = 0; i < SIP_MAX_URI_PARAMS; i++)
		strcat(s, ";p");
	ck_assert_int_eq(replaces(&r, s), E2BIG);
}
END_TEST

START_TEST(test_replaces_in_refer_to_of_a_refer)
{
	struct sip_msg *m = load("refer-replaces.sip");
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_REFER_TO);
	struct sip_addr a;
	struct sip_replaces r;
	char buf[256];
	size_t n;

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_addr_decode(&a, &h->val), 0);
	ck_pl(a.dname, "\"Carol\"");
	ck_pl(a.uri.user, "carol");
	ck_assert_int_eq(sip_uri_header_get(&a.uri, "Replaces", buf, sizeof(buf), &n), 0);
	struct pl v = pl_make(buf, n);
	ck_assert_int_eq(sip_replaces_decode(&r, &v), 0);
	ck_pl(r.callid, "dlg2@192.0.2.21");
	ck_pl(r.to_tag, "b2b-dlg2");
	ck_pl(r.from_tag, "a-dlg2");
	ck_assert(r.early_only);
	sip_msg_free(m);
}
END_TEST

/* ---- sipfrag ---- */

START_TEST(test_sipfrag_status_line)
{
	uint16_t code = 0;

	ck_assert_int_eq(frag("SIP/2.0 200 OK\r\n", &code), 0);
	ck_assert_uint_eq(code, 200);
	ck_assert_int_eq(frag("SIP/2.0 100 Trying", &code), 0);
	ck_assert_uint_eq(code, 100);
	ck_assert_int_eq(frag("sip/2.0 603\r\n", &code), 0);
	ck_assert_uint_eq(code, 603);
}
END_TEST

START_TEST(test_sipfrag_not_a_status_line_is_ebadmsg)
{
	static const char *const bad[] = {
		"", "SIP/2.0 ", "SIP/2.0 20", "SIP/2.0 2000 OK", "SIP/2.0 099 Low", "SIP/2.0 700 High",
		"SIP/2.0 2x0 OK", "INVITE sip:a@b SIP/2.0", "SIP/3.0 200 OK", " SIP/2.0 200 OK",
	};
	uint16_t code;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(frag(bad[i], &code) == EBADMSG, "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(test_sipfrag_of_a_refer_notify)
{
	struct sip_msg *m = load("notify-sipfrag.sip");
	uint16_t code = 0;

	ck_assert_int_eq(sip_sipfrag_status(&m->body, &code), 0);
	ck_assert_uint_eq(code, 180);
	sip_msg_free(m);
}
END_TEST

static Suite *sip_transfer_suite(void)
{
	Suite *s = suite_create("sip_transfer");
	TCase *tc;

	tc = tcase_create("pct");
	tcase_add_test(tc, test_pct_decode_escapes_in_either_case);
	tcase_add_test(tc, test_pct_decode_bad_escapes_are_ebadmsg);
	tcase_add_test(tc, test_pct_decode_too_long_is_e2big);
	suite_add_tcase(s, tc);

	tc = tcase_create("uri_headers");
	tcase_add_test(tc, test_uri_header_found_among_others_and_decoded);
	tcase_add_test(tc, test_uri_header_absent_is_enoent);
	tcase_add_test(tc, test_uri_header_bad_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("replaces");
	tcase_add_test(tc, test_replaces_fields);
	tcase_add_test(tc, test_replaces_malformed_is_ebadmsg);
	tcase_add_test(tc, test_replaces_too_many_params_is_e2big);
	tcase_add_test(tc, test_replaces_in_refer_to_of_a_refer);
	suite_add_tcase(s, tc);

	tc = tcase_create("sipfrag");
	tcase_add_test(tc, test_sipfrag_status_line);
	tcase_add_test(tc, test_sipfrag_not_a_status_line_is_ebadmsg);
	tcase_add_test(tc, test_sipfrag_of_a_refer_notify);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sip_transfer_suite());
}
