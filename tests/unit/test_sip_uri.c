/* URI decoding (RFC 3261 19.1, 25.1; RFC 3966; RFC 4475 3.1.1.x). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip.h"
#include "testutil.h"

#define ck_pl(v, s) \
	ck_assert_msg(pl_eq_str(&(v), (s)), "%s is \"%.*s\", expected \"%s\"", #v, PL_FMT(v), (s))

static int decode(struct sip_uri *u, const char *s)
{
	struct pl t = pl_make(s, strlen(s));

	return sip_uri_decode(u, &t);
}

static void ok(struct sip_uri *u, const char *s)
{
	int err = decode(u, s);

	ck_assert_msg(err == 0, "\"%s\" rejected: %d", s, err);
}

static void bad(const char *s)
{
	struct sip_uri u;
	int err = decode(&u, s);

	ck_assert_msg(err == EBADMSG, "\"%s\" gave %d, expected EBADMSG", s, err);
}

START_TEST(test_sip_uri_parts)
{
	struct sip_uri u;
	const char *s = "sip:alice@atlanta.example.com";

	ok(&u, s);
	ck_assert_int_eq(u.scheme, SIP_SCHEME_SIP);
	ck_pl(u.scheme_pl, "sip");
	ck_pl(u.user, "alice");
	ck_assert_ptr_null(u.password.p);
	ck_pl(u.host, "atlanta.example.com");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ck_assert_uint_eq(u.port, 0);
	ck_assert_ptr_null(u.port_pl.p);
	ck_assert_ptr_null(u.params.p);
	ck_assert_ptr_null(u.headers.p);
	/* views into the text */
	ck_assert(u.user.p == s + 4);
	ck_assert(u.host.p == s + 10);
}
END_TEST

START_TEST(test_sips_and_scheme_case)
{
	struct sip_uri u;

	ok(&u, "sips:bob@biloxi.example.com");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_SIPS);
	ck_pl(u.host, "biloxi.example.com");
	ok(&u, "SIP:bob@biloxi.example.com");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_SIP);
	ck_pl(u.scheme_pl, "SIP");
	ok(&u, "SiPs:biloxi.example.com");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_SIPS);
	ck_assert_uint_eq(u.user.l, 0);
}
END_TEST

START_TEST(test_tel_uri_is_opaque)
{
	struct sip_uri u;

	ok(&u, "tel:+1-201-555-0123;phone-context=example.com");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_TEL);
	ck_pl(u.opaque, "+1-201-555-0123;phone-context=example.com");
	ck_assert_ptr_null(u.host.p);
	ck_assert_ptr_null(u.user.p);
}
END_TEST

START_TEST(test_unknown_scheme_is_opaque)
{
	struct sip_uri u;

	ok(&u, "mailto:alice@example.com");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_OTHER);
	ck_pl(u.scheme_pl, "mailto");
	ck_pl(u.opaque, "alice@example.com");
	ok(&u, "urn:service:sos");
	ck_assert_int_eq(u.scheme, SIP_SCHEME_OTHER);
	ck_pl(u.opaque, "service:sos");
}
END_TEST

START_TEST(test_bad_scheme_is_ebadmsg)
{
	bad("alice@example.com");
	bad(":alice@example.com");
	bad("1sip:alice@example.com");
	bad("s_p:alice@example.com");
	bad("sip:");
	bad("tel:");
}
END_TEST

START_TEST(test_user_with_escapes_kept_escaped)
{
	struct sip_uri u;

	ok(&u, "sip:%61lice%20smith@example.com");
	ck_pl(u.user, "%61lice%20smith");
	ck_pl(u.host, "example.com");
}
END_TEST

START_TEST(test_user_with_semicolon_rfc4475_semiuri)
{
	struct sip_uri u;

	/* RFC 4475 3.1.1.9 */
	ok(&u, "sip:user;par=u%40example.net@example.com");
	ck_pl(u.user, "user;par=u%40example.net");
	ck_pl(u.host, "example.com");
	ck_assert_ptr_null(u.params.p);
	ok(&u, "sip:1234;phone-context=example.net@example.com;user=phone");
	ck_pl(u.user, "1234;phone-context=example.net");
	ck_pl(u.params, "user=phone");
}
END_TEST

START_TEST(test_user_unreserved_characters)
{
	struct sip_uri u;

	ok(&u, "sip:-_.!~*'()&=+$,;?/@example.com");
	ck_pl(u.user, "-_.!~*'()&=+$,;?/");
	ck_pl(u.host, "example.com");
	ck_assert_ptr_null(u.headers.p);
}
END_TEST

START_TEST(test_password)
{
	struct sip_uri u;

	ok(&u, "sip:alice:secretword@atlanta.example.com;transport=tcp");
	ck_pl(u.user, "alice");
	ck_pl(u.password, "secretword");
	ck_pl(u.host, "atlanta.example.com");
	ck_pl(u.params, "transport=tcp");
	ok(&u, "sip:alice:@atlanta.example.com");
	ck_pl(u.user, "alice");
	ck_assert_ptr_nonnull(u.password.p);
	ck_assert_uint_eq(u.password.l, 0);
	bad("sip:alice:se%zzcret@atlanta.example.com");
}
END_TEST

START_TEST(test_empty_user_is_ebadmsg)
{
	bad("sip:@example.com");
	bad("sip::pw@example.com");
}
END_TEST

START_TEST(test_host_types)
{
	struct sip_uri u;

	ok(&u, "sip:alice@192.0.2.4");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
	ck_pl(u.host, "192.0.2.4");
	ok(&u, "sip:alice@mail.example.com");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ok(&u, "sip:alice@a1.example");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ok(&u, "sip:alice@[2001:db8::10]");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV6);
	ck_pl(u.host, "2001:db8::10");
	ck_assert_uint_eq(u.port, 0);
	ok(&u, "sip:[::ffff:192.0.2.1]");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV6);
	ck_pl(u.host, "::ffff:192.0.2.1");
}
END_TEST

START_TEST(test_bad_hosts_are_ebadmsg)
{
	bad("sip:alice@");
	bad("sip:alice@-bad.example.com");
	bad("sip:alice@.example.com");
	bad("sip:alice@exa_mple.com");
	bad("sip:alice@[2001:db8::10");
	bad("sip:alice@[2001:db8::g]");
	bad("sip:alice@[1:2]");
	bad("sip:alice@[]");
	bad("sip:alice@[2001:db8::1]x");
}
END_TEST

START_TEST(test_ipv6_without_brackets_is_ebadmsg)
{
	bad("sip:2001:db8::10");
	bad("sip:alice@2001:db8::10");
	bad("sip:alice@::1");
}
END_TEST

START_TEST(test_ipv6_bracket_body_is_all_address)
{
	struct sip_uri u;

	/* RFC 5118 4.4: the port is outside the brackets */
	ok(&u, "sip:[2001:db8::10:5070]");
	ck_pl(u.host, "2001:db8::10:5070");
	ck_assert_uint_eq(u.port, 0);
	ck_assert_ptr_null(u.port_pl.p);

	ok(&u, "sip:[2001:db8::10]:5070");
	ck_pl(u.host, "2001:db8::10");
	ck_assert_uint_eq(u.port, 5070);
	ck_pl(u.port_pl, "5070");
}
END_TEST

START_TEST(test_port_range)
{
	struct sip_uri u;

	ok(&u, "sip:example.com:0");
	ck_assert_uint_eq(u.port, 0);
	ck_pl(u.port_pl, "0");
	ok(&u, "sip:alice@example.com:5060;transport=udp");
	ck_assert_uint_eq(u.port, 5060);
	ck_pl(u.params, "transport=udp");
	ok(&u, "sip:192.0.2.1:65535");
	ck_assert_uint_eq(u.port, 65535);
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
	bad("sip:192.0.2.1:65536");
	bad("sip:example.com:99999999999");
	bad("sip:example.com:");
	bad("sip:example.com:-1");
	bad("sip:example.com:50x");
	bad("sip:[2001:db8::1]:");
}
END_TEST

START_TEST(test_params_with_and_without_values)
{
	struct sip_uri u;
	struct pl v;

	ok(&u, "sip:alice@example.com;transport=tcp;lr;maddr=239.255.255.1;ttl=15");
	ck_pl(u.params, "transport=tcp;lr;maddr=239.255.255.1;ttl=15");
	ck_assert(sip_param_get(&u.params, "lr", &v));
	ck_assert_uint_eq(v.l, 0);
	ck_assert(sip_param_get(&u.params, "maddr", &v));
	ck_pl(v, "239.255.255.1");
	ck_assert(sip_param_get(&u.params, "TRANSPORT", &v));
	ck_pl(v, "tcp");
	ck_assert(!sip_param_get(&u.params, "user", &v));
	/* escapes and paramchars: RFC 3261 25.1 */
	ok(&u, "sip:example.com;x%41=%42[]/:&+$-_.!~*'()");
	ck_pl(u.params, "x%41=%42[]/:&+$-_.!~*'()");
}
END_TEST

START_TEST(test_empty_param_is_ebadmsg)
{
	bad("sip:alice@example.com;;lr");
	bad("sip:alice@example.com;");
	bad("sip:alice@example.com;lr;");
	bad("sip:alice@example.com;=tcp");
	bad("sip:alice@example.com;transport=");
	bad("sip:alice@example.com;a=b=c");
	bad("sip:alice@example.com;a=b,c");
}
END_TEST

START_TEST(test_max_params_accepted_one_more_is_e2big)
{
	char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "sip:alice@example.com");
	struct sip_uri u;

	for (unsigned i = 0; i < SIP_MAX_URI_PARAMS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ";p%u=%u", i, i);
	ok(&u, buf);
	snprintf(buf + n, sizeof(buf) - n, ";one-more");
	ck_assert_int_eq(decode(&u, buf), E2BIG);
}
END_TEST

START_TEST(test_headers_after_question_mark)
{
	struct sip_uri u;

	ok(&u, "sip:alice@example.com?subject=project%20x&priority=urgent");
	ck_pl(u.host, "example.com");
	ck_pl(u.headers, "subject=project%20x&priority=urgent");
	ck_assert_ptr_null(u.params.p);

	ok(&u, "sips:alice@example.com:5061;transport=tls?to=bob%40example.com");
	ck_assert_uint_eq(u.port, 5061);
	ck_pl(u.params, "transport=tls");
	ck_pl(u.headers, "to=bob%40example.com");

	/* '?' in the user part is not the start of the headers */
	ok(&u, "sip:a?b@example.com?x=y");
	ck_pl(u.user, "a?b");
	ck_pl(u.headers, "x=y");

	bad("sip:alice@example.com?");
	bad("sip:alice@example.com?x=%z1");
}
END_TEST

START_TEST(test_whitespace_angle_brackets_quotes_are_ebadmsg)
{
	bad("sip:alice smith@example.com");
	bad("sip:alice@example.com ");
	bad("sip:alice@example.com\t");
	bad("sip:alice@exam\r\nple.com");
	bad("sip:<alice@example.com");
	bad("sip:alice@example.com>");
	bad("sip:al\"ice@example.com");
	bad("tel:+1 555");
	bad("mailto:<alice@example.com>");
}
END_TEST

START_TEST(test_bad_escapes_are_ebadmsg)
{
	bad("sip:al%ice@example.com");
	bad("sip:alice%@example.com");
	bad("sip:alice%4@example.com");
	bad("sip:alice%4g@example.com");
	bad("sip:example.com;x=%4");
	bad("sip:example.com;x%=1");
}
END_TEST

START_TEST(test_raw_at_in_user_is_ebadmsg)
{
	/* the last '@' ends the userinfo: an unescaped '@' before it is
	 * not a user character */
	bad("sip:a@b@example.com");
}
END_TEST

START_TEST(test_null_arguments_are_einval)
{
	struct sip_uri u;
	struct pl t = PL_INIT;

	ck_assert_int_eq(sip_uri_decode(&u, &t), EINVAL);
	ck_assert_int_eq(sip_uri_decode(&u, NULL), EINVAL);
	t = PL("sip:a@b");
	ck_assert_int_eq(sip_uri_decode(NULL, &t), EINVAL);
}
END_TEST

START_TEST(test_hostname_grammar_enforced)
{
	struct sip_uri u;

	/* RFC 3261 25.1: the top label starts with a letter; labels are not
	 * empty and neither start nor end with '-' */
	bad("sip:256.1.1.1");
	bad("sip:1.2.3");
	bad("sip:192.0.2.1.5");
	bad("sip:example..com");
	bad("sip:a-.com");
	bad("sip:a.-b.com");
	ok(&u, "sip:a-b.example.com.");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ok(&u, "sip:x1.example9.com");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ok(&u, "sip:192.0.2.1");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
}
END_TEST

START_TEST(test_uri_user_of_sip_tel_and_none)
{
	struct sip_uri u;
	char buf[16];

	ok(&u, "sip:+15551234567@example.com");
	sip_uri_user(&u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "+15551234567");
	ok(&u, "tel:+15557654321");
	sip_uri_user(&u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "+15557654321");
	ok(&u, "sip:example.com");
	sip_uri_user(&u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	ok(&u, "sip:averyveryverylonguser@example.com");
	sip_uri_user(&u, buf, sizeof(buf));
	ck_assert_str_eq(buf, "averyveryverylo");	/* size - 1 characters and the NUL */
}
END_TEST

START_TEST(test_ipv4_parts_of_one_to_three_digits)
{
	struct sip_uri u;

	ok(&u, "sip:001.02.3.255");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
	ok(&u, "sip:0.0.0.0:5060");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
	ck_assert_uint_eq(u.port, 5060);
	/* a name may start with a digit; its top label may not */
	ok(&u, "sip:9a.example.com");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	bad("sip:0001.2.3.4");
	bad("sip:1.2.3.4.");
	bad("sip:1..2.3");
	bad("sip:.1.2.3.4");
	bad("sip:1.2.3.2555");
}
END_TEST

/* a host that starts like an IPv4 address is the whole run of host
 * characters: a name when it goes on with letters */
START_TEST(test_ipv4_prefix_of_a_longer_host)
{
	struct sip_uri u;

	ok(&u, "sip:alice@192.0.2.1.example.com:5060");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ck_pl(u.host, "192.0.2.1.example.com");
	ck_assert_uint_eq(u.port, 5060);
	ok(&u, "sip:192.0.2.1-a.example.com;lr");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ck_pl(u.host, "192.0.2.1-a.example.com");
	ok(&u, "sip:192.0.2.1;lr?h=v");
	ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
	ck_pl(u.host, "192.0.2.1");
	bad("sip:192.0.2.1x");
	bad("sip:192.0.2.1999");
	bad("sip:192.0.2.1_");
}
END_TEST

START_TEST(test_hostname_labels_and_trailing_dot)
{
	struct sip_uri u;

	ok(&u, "sip:example.");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ck_pl(u.host, "example.");
	ok(&u, "sip:1a.b2:5060");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	ck_assert_uint_eq(u.port, 5060);
	ok(&u, "sip:a--b.c-d.e");
	ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
	bad("sip:.");
	bad("sip:a..");
	bad("sip:a.b..");
	bad("sip:-a.com");
	bad("sip:a-.b.com");
	bad("sip:a.b-");
	bad("sip:a.b-.");
	bad("sip:a.1b");
	bad("sip:a.-");
}
END_TEST

START_TEST(test_userinfo_splits_at_its_first_colon)
{
	struct sip_uri u;

	ok(&u, "sip:alice:pass:word@example.com:5070;lr");
	ck_pl(u.user, "alice");
	ck_pl(u.password, "pass:word");
	ck_pl(u.host, "example.com");
	ck_assert_uint_eq(u.port, 5070);
	ck_pl(u.params, "lr");
	/* a colon after the '@' is the port's */
	ok(&u, "sip:alice@[2001:db8::1]:5071");
	ck_pl(u.user, "alice");
	ck_assert_ptr_null(u.password.p);
	ck_pl(u.host, "2001:db8::1");
	ck_assert_uint_eq(u.port, 5071);
}
END_TEST

START_TEST(test_escapes_at_either_end_of_a_run)
{
	struct sip_uri u;

	ok(&u, "sip:%41@example.com;x%41=b%42?h%41=v%42");
	ck_pl(u.user, "%41");
	ck_pl(u.params, "x%41=b%42");
	ck_pl(u.headers, "h%41=v%42");
	ok(&u, "sip:alice%41:pw%42@example.com");
	ck_pl(u.user, "alice%41");
	ck_pl(u.password, "pw%42");
	/* octets above 0x7f are tolerated; ? = & in the headers */
	ok(&u, "sip:j\xc3\xb6rg@example.com?a=b?c&d=e");
	ck_pl(u.user, "j\xc3\xb6rg");
	ck_pl(u.headers, "a=b?c&d=e");
	bad("sip:alice@example.com?h=v%4");
	bad("sip:alice@example.com;x=ab%4");
	bad("sip:alice:pw%@example.com");
}
END_TEST

START_TEST(test_controls_and_del_anywhere_are_ebadmsg)
{
	static const char *const uris[] = {
		"sip:a\x01lice@example.com", "sip:alice@example.com;x=\x7f",
		"sip:alice@example.com?h=\x1f", "sip:alice:p\x7fw@example.com",
		"tel:+1555\x7f", "tel:+1555\x0b", "x-foo:a\x1b",
	};
	static const char nul[] = "sip:alice@exa\0mple.com";
	struct sip_uri u;
	struct pl t = pl_make(nul, sizeof(nul) - 1);

	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
		bad(uris[i]);
	ck_assert_int_eq(sip_uri_decode(&u, &t), EBADMSG);
}
END_TEST

static Suite *sip_uri_suite(void)
{
	Suite *s = suite_create("sip_uri");
	TCase *tc = tcase_create("schemes");

	tcase_add_test(tc, test_sip_uri_parts);
	tcase_add_test(tc, test_sips_and_scheme_case);
	tcase_add_test(tc, test_tel_uri_is_opaque);
	tcase_add_test(tc, test_unknown_scheme_is_opaque);
	tcase_add_test(tc, test_bad_scheme_is_ebadmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("userinfo");
	tcase_add_test(tc, test_user_with_escapes_kept_escaped);
	tcase_add_test(tc, test_user_with_semicolon_rfc4475_semiuri);
	tcase_add_test(tc, test_user_unreserved_characters);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_empty_user_is_ebadmsg);
	tcase_add_test(tc, test_raw_at_in_user_is_ebadmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostport");
	tcase_add_test(tc, test_host_types);
	tcase_add_test(tc, test_bad_hosts_are_ebadmsg);
	tcase_add_test(tc, test_hostname_grammar_enforced);
	tcase_add_test(tc, test_ipv4_parts_of_one_to_three_digits);
	tcase_add_test(tc, test_ipv4_prefix_of_a_longer_host);
	tcase_add_test(tc, test_hostname_labels_and_trailing_dot);
	tcase_add_test(tc, test_userinfo_splits_at_its_first_colon);
	tcase_add_test(tc, test_escapes_at_either_end_of_a_run);
	tcase_add_test(tc, test_controls_and_del_anywhere_are_ebadmsg);
	tcase_add_test(tc, test_uri_user_of_sip_tel_and_none);
	tcase_add_test(tc, test_ipv6_without_brackets_is_ebadmsg);
	tcase_add_test(tc, test_ipv6_bracket_body_is_all_address);
	tcase_add_test(tc, test_port_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("params_headers");
	tcase_add_test(tc, test_params_with_and_without_values);
	tcase_add_test(tc, test_empty_param_is_ebadmsg);
	tcase_add_test(tc, test_max_params_accepted_one_more_is_e2big);
	tcase_add_test(tc, test_headers_after_question_mark);
	suite_add_tcase(s, tc);

	tc = tcase_create("rejects");
	tcase_add_test(tc, test_whitespace_angle_brackets_quotes_are_ebadmsg);
	tcase_add_test(tc, test_bad_escapes_are_ebadmsg);
	tcase_add_test(tc, test_null_arguments_are_einval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sip_uri_suite());
}
