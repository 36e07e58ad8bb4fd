/* The egress leak check of the call core: whole tokens only, and
 * identifiers hidden behind a %-escape (a Replaces inside a Refer-To). */
#include <check.h>
#include <string.h>

#include "call/topo.h"
#include "testutil.h"
#include "topo_ref.h"

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

START_TEST(test_leak_identifiers_of_every_length_together)
{
	struct topo_guard g;

	/* one short enough to be looked for alone, and the window of the
	 * others as short as their shortest */
	memset(&g, 0, sizeof(g));
	topo_guard_add(&g, "a1");
	topo_guard_add(&g, "cid-0123456789@192.0.2.1");
	topo_guard_add(&g, "10.0.0.1");
	topo_guard_add(&g, "::1");
	ck_assert_ptr_null(leak(&g, "Via: SIP/2.0/UDP 10.0.0.10;branch=z9hG4bKa1b\r\nX: a12 ::12\r\n"));
	ck_assert_str_eq(leak(&g, "X: a1\r\n"), "a1");
	ck_assert_str_eq(leak(&g, "Contact: <sip:[::1]:5060>\r\n"), "::1");
	ck_assert_str_eq(leak(&g, "10.0.0.1"), "10.0.0.1");
	ck_assert_str_eq(leak(&g, "Call-ID: cid-0123456789@192.0.2.1\r\n"), "cid-0123456789@192.0.2.1");
	/* two leak: the one first in the guard is named */
	ck_assert_str_eq(leak(&g, "Via: SIP/2.0/UDP 10.0.0.1\r\nCall-ID: cid-0123456789@192.0.2.1\r\n"),
			 "cid-0123456789@192.0.2.1");
	/* a message shorter than every identifier */
	ck_assert_ptr_null(leak(&g, "10.0"));
}
END_TEST

/* a byte from a small alphabet, so that near misses are frequent: token
 * characters and what ends or escapes a token */
static char random_char(unsigned *seed)
{
	static const char alphabet[] = "0123456789aAbBfF.:-_%@;=<> \r\n";

	*seed = *seed * 1103515245u + 12345u;
	return alphabet[(*seed >> 16) % (sizeof(alphabet) - 1)];
}

START_TEST(test_leak_finds_what_one_identifier_at_a_time_finds)
{
	unsigned seed = 7, leaks = 0;
	char toks[TOPO_MAX_TOKENS][24], text[400];

	for (unsigned round = 0; round < 20000; round++) {
		struct topo_guard g;
		const char *ref;
		size_t len;

		memset(&g, 0, sizeof(g));
		seed = seed * 1103515245u + 12345u;
		unsigned n = 1 + (seed >> 16) % TOPO_MAX_TOKENS;
		for (unsigned i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t tl = 1 + (seed >> 16) % (sizeof(toks[i]) - 1);

			for (size_t j = 0; j < tl; j++)
				toks[i][j] = random_char(&seed);
			toks[i][tl] = 0;
			topo_guard_add(&g, toks[i]);
		}
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(text);
		for (size_t j = 0; j < len; j++)
			text[j] = random_char(&seed);
		/* plant an identifier now and then, whole or cut short */
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 2) {
			const char *t = g.tok[(seed >> 20) % g.n];
			size_t tl = strlen(t) - ((seed >> 24) % 2 && strlen(t) > 1);

			if (tl <= len) {
				seed = seed * 1103515245u + 12345u;
				memcpy(text + (seed >> 16) % (len - tl + 1), t, tl);
			}
		}
		struct mbuf *mb = NULL;

		ck_assert_int_eq(mbuf_dup(&mb, text, len), 0);
		ref = topo_ref_leak(g.tok, g.n, mb->data, mb->len);
		ck_assert_msg(topo_leak(&g, mb) == ref, "round %u: found %s, expected %s", round,
			      topo_leak(&g, mb) ? topo_leak(&g, mb) : "nothing", ref ? ref : "nothing");
		leaks += ref != NULL;
		mbuf_unref(mb);
	}
	/* both outcomes were tried many times */
	ck_assert_uint_gt(leaks, 2000);
	ck_assert_uint_lt(leaks, 18000);
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
	tcase_add_test(tc, test_leak_identifiers_of_every_length_together);
	tcase_add_test(tc, test_leak_finds_what_one_identifier_at_a_time_finds);
	tcase_add_test(tc, test_copy_headers_except_event);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(call_topo_suite());
}
