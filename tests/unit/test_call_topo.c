/* The egress leak check of the call core: whole tokens only, and
 * identifiers hidden behind a %-escape (a Replaces inside a Refer-To). */
#include <check.h>
#include <string.h>

#include "call/topo.h"
#include "testutil.h"

static const char *leak(const struct topo_guard *g, const char *text)
{
	struct mbuf *mb = test_mbuf(text);
	const char *t = topo_leak(g, mb);

	mbuf_unref(mb);
	return t;
}

START_TEST(test_leak_whole_tokens_only)
{
	struct topo_guard g;

	memset(&g, 0, sizeof(g));
	topo_guard_add(&g, "127.0.0.2");
	topo_guard_add(&g, "tagAB12");
	ck_assert_ptr_null(leak(&g, "Via: SIP/2.0/UDP 127.0.0.21:5060\r\n"));
	ck_assert_ptr_null(leak(&g, "From: <sip:a@b>;tag=xtagAB12\r\n"));
	ck_assert_str_eq(leak(&g, "Via: SIP/2.0/UDP 127.0.0.2;rport\r\n"), "127.0.0.2");
	ck_assert_str_eq(leak(&g, "From: <sip:a@b>;tag=tagAB12\r\n"), "tagAB12");
}
END_TEST

START_TEST(test_leak_address_with_port)
{
	struct topo_guard g;

	memset(&g, 0, sizeof(g));
	topo_guard_add(&g, "127.0.0.2");
	topo_guard_add(&g, "fd00::1");
	/* the commonest form of an address: followed by its port */
	ck_assert_str_eq(leak(&g, "Contact: <sip:a@127.0.0.2:5060>\r\n"), "127.0.0.2");
	ck_assert_ptr_null(leak(&g, "Contact: <sip:a@127.0.0.21:5060>\r\n"));
	/* an IPv6 token keeps ':' as part of it: not inside a longer address */
	ck_assert_ptr_null(leak(&g, "Contact: <sip:a@[fd00::1:5]>\r\n"));
	ck_assert_str_eq(leak(&g, "Contact: <sip:a@[fd00::1]:5060>\r\n"), "fd00::1");
}
END_TEST

START_TEST(test_leak_behind_an_escape)
{
	struct topo_guard g;

	memset(&g, 0, sizeof(g));
	topo_guard_add(&g, "tagAB12");
	topo_guard_add(&g, "cid99");
	/* "%3D" before the tag, "%3B" after it: still the tag */
	ck_assert_str_eq(leak(&g, "Refer-To: <sip:x@h?Replaces=other%3Bto-tag%3DtagAB12%3Bfrom-tag%3Dz>\r\n"),
			 "tagAB12");
	ck_assert_str_eq(leak(&g, "Refer-To: <sip:x@h?Replaces=cid99%3Bto-tag%3Da>\r\n"), "cid99");
	/* a '%' that is not an escape does not start a token */
	ck_assert_ptr_null(leak(&g, "Subject: 50%ZtagAB12\r\n"));
}
END_TEST

START_TEST(test_copy_headers_except_event)
{
	struct mbuf *mb = test_mbuf("NOTIFY sip:a@192.0.2.1 SIP/2.0\r\n"
				    "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKx\r\n"
				    "From: <sip:b@192.0.2.2>;tag=1\r\nTo: <sip:a@192.0.2.1>;tag=2\r\n"
				    "Call-ID: c1\r\nCSeq: 2 NOTIFY\r\nEvent: refer;id=7\r\n"
				    "Subscription-State: active\r\nContent-Length: 0\r\n\r\n");
	struct sip_msg *m = NULL;
	struct mbw w;
	struct mbuf *out;

	ck_assert_int_eq(sip_msg_parse(&m, mb, 0, mb->len, 0, NULL), 0);
	ck_assert_int_eq(mbw_init(&w, 64), 0);
	topo_copy_headers_except(&w, m, "Event");
	ck_assert_int_eq(mbw_finish(&w, &out), 0);
	ck_assert_str_eq(out->data, "Subscription-State: active\r\n");
	mbuf_unref(out);
	sip_msg_free(m);
	mbuf_unref(mb);
}
END_TEST

static Suite *call_topo_suite(void)
{
	Suite *s = suite_create("call_topo");
	TCase *tc = tcase_create("leak");

	tcase_add_test(tc, test_leak_whole_tokens_only);
	tcase_add_test(tc, test_leak_address_with_port);
	tcase_add_test(tc, test_leak_behind_an_escape);
	tcase_add_test(tc, test_copy_headers_except_event);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(call_topo_suite());
}
