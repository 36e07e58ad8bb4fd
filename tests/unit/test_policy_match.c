/* Which trunk a source is, blocked sources, and validation errors that
 * name the bad row. */
#include <errno.h>
#include <stdio.h>

#include "test_policy_fixture.h"
#include "testutil.h"

static struct policy_snapshot *matching_snapshot(void)
{
	struct policy_builder *b = fx_builder();

	fx_trunk(b, 1, "wide", "external");
	fx_source(b, 1, "10.0.0.0/8", 0, "any");
	fx_trunk(b, 2, "narrow", "external");
	fx_source(b, 2, "10.1.2.0/24", 0, "any");
	fx_trunk(b, 3, "host", "external");
	fx_source(b, 3, "10.1.2.3", 0, "any");
	fx_trunk(b, 4, "host-tls", "external");
	fx_source(b, 4, "10.1.2.3", 0, "tls");
	fx_trunk(b, 5, "host-5070", "external");
	fx_source(b, 5, "10.1.2.3", 5070, "any");
	fx_trunk(b, 6, "v6", "internal");
	fx_source(b, 6, "2001:db8::/32", 0, "any");
	fx_trunk(b, 7, "v6-host", "internal");
	fx_source(b, 7, "2001:db8::1:5", 0, "udp");
	fx_source(b, 7, "192.0.2.77", 0, "any");	/* a trunk with two sources */
	return fx_finish(b);
}

static const char *match(const struct policy_snapshot *s, const char *ip, unsigned port,
			 enum policy_transport tp)
{
	struct sockaddr_storage ss = fx_addr(ip, port);
	const struct policy_trunk *t = policy_trunk_match(s, &ss, tp);

	return t ? t->name : "(none)";
}

START_TEST(most_specific_ipv4_prefix_wins)
{
	struct policy_snapshot *s = matching_snapshot();

	ck_assert_str_eq(match(s, "10.9.9.9", 5060, POLICY_TP_UDP), "wide");
	ck_assert_str_eq(match(s, "10.1.2.200", 5060, POLICY_TP_UDP), "narrow");
	ck_assert_str_eq(match(s, "10.1.2.3", 5060, POLICY_TP_UDP), "host");
	ck_assert_str_eq(match(s, "11.0.0.1", 5060, POLICY_TP_UDP), "(none)");
	ck_assert_str_eq(match(s, "192.0.2.77", 1, POLICY_TP_TCP), "v6-host");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(port_and_transport_make_a_source_more_specific)
{
	struct policy_snapshot *s = matching_snapshot();

	ck_assert_str_eq(match(s, "10.1.2.3", 5070, POLICY_TP_UDP), "host-5070");
	ck_assert_str_eq(match(s, "10.1.2.3", 5061, POLICY_TP_TLS), "host-tls");
	ck_assert_str_eq(match(s, "10.1.2.3", 5060, POLICY_TP_TCP), "host");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(ipv6_prefixes_and_mapped_ipv4)
{
	struct policy_snapshot *s = matching_snapshot();

	ck_assert_str_eq(match(s, "2001:db8:ffff::9", 5060, POLICY_TP_UDP), "v6");
	ck_assert_str_eq(match(s, "2001:db8::1:5", 5060, POLICY_TP_UDP), "v6-host");
	/* the host entry is udp only: over tcp the /32 is the best match */
	ck_assert_str_eq(match(s, "2001:db8::1:5", 5060, POLICY_TP_TCP), "v6");
	ck_assert_str_eq(match(s, "2001:db9::1", 5060, POLICY_TP_UDP), "(none)");
	/* an IPv4 peer seen on a dual-stack socket */
	ck_assert_str_eq(match(s, "::ffff:10.1.2.9", 5060, POLICY_TP_UDP), "narrow");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(trunk_by_name_and_blocked_source)
{
	struct policy_builder *b = fx_builder();
	struct policy_snapshot *s;
	struct sockaddr_storage a = fx_addr("203.0.113.9", 5060), c = fx_addr("203.0.114.1", 5060);
	char err[POLICY_ERR_MAX];

	fx_trunk(b, 1, "carrier", "external");
	ck_assert_int_eq(policy_builder_block_source(b, 1, "203.0.113.0/24", "scanner", err,
						     sizeof(err)), 0);
	s = fx_finish(b);
	ck_assert_ptr_nonnull(policy_trunk_by_name(s, "carrier"));
	ck_assert_ptr_null(policy_trunk_by_name(s, "carrier2"));
	ck_assert_str_eq(policy_source_blocked(s, &a), "scanner");
	ck_assert_ptr_null(policy_source_blocked(s, &c));
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(bad_source_prefix_names_the_trunk)
{
	struct policy_builder *b = fx_builder();
	char err[POLICY_ERR_MAX] = "";

	fx_trunk(b, 2, "carrier", "external");
	ck_assert_int_eq(policy_builder_source(b, 2, "10.0.0.0/33", 0, "any", err, sizeof(err)),
			 EINVAL);
	ck_assert_str_eq(err, "trunk carrier: source \"10.0.0.0/33\" is not an address or prefix");
	ck_assert_int_eq(policy_builder_source(b, 2, "carrier.example", 0, "any", err, sizeof(err)),
			 EINVAL);
	ck_assert_int_eq(policy_builder_source(b, 2, "10.0.0.1", 0, "sctp", err, sizeof(err)), EINVAL);
	ck_assert_int_eq(policy_builder_source(b, 9, "10.0.0.1", 0, "any", err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "source \"10.0.0.1\": trunk 9 does not exist");
	policy_builder_free(b);
}
END_TEST

START_TEST(route_to_missing_trunk_names_the_route)
{
	struct policy_builder *b = fx_builder();
	struct policy_snapshot *s = NULL;
	char err[POLICY_ERR_MAX] = "";

	fx_trunk(b, 1, "pbx", "internal");
	fx_target(b, 1, "127.0.0.11", 0, 1);
	fx_route(b, 3, 1, "1", 1);
	fx_route(b, 7, 1, "2", 9);
	ck_assert_int_eq(policy_builder_finish(b, &s, err, sizeof(err)), EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "route 7: target trunk 9 does not exist");
	policy_builder_free(b);
}
END_TEST

START_TEST(each_bad_field_is_refused_with_its_row)
{
	struct policy_builder *b = fx_builder();
	struct policy_route_def d;
	struct policy_trunk_def t;
	struct policy_rule_def r;
	char err[POLICY_ERR_MAX] = "";

	fx_trunk(b, 1, "pbx", "internal");
	memset(&t, 0, sizeof(t));
	t.id = 2;
	t.name = "pbx";
	t.zone = "internal";
	ck_assert_int_eq(policy_builder_trunk(b, &t, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "trunk pbx: name used twice");
	t.name = "x";
	t.media_mode = "loud";
	ck_assert_int_eq(policy_builder_trunk(b, &t, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "trunk x: media mode \"loud\""));
	t.media_mode = NULL;
	t.refer = "maybe";
	ck_assert_int_eq(policy_builder_trunk(b, &t, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "trunk x: refer \"maybe\" is not allow or deny"));
	t.refer = NULL;

	d = fx_route_def(11, 1, "12a", 1);
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 11: prefix \"12a\""));
	d = fx_route_def(12, 1, "1", 1);
	d.days = "mon-fry";
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 12: days \"mon-fry\""));
	d.days = NULL;
	d.time_start = "25:00";
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 12: time window 25:00-24:00"));
	d.time_start = NULL;
	d.tz = "Not a rule";
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 12: time zone \"Not a rule\""));
	d.tz = NULL;
	d.user_regex = "(unclosed";
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 12: user_regex \"(unclosed\""));
	d.user_regex = NULL;
	d.failover_codes = "200";
	ck_assert_int_eq(policy_builder_route(b, &d, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "route 12: failover codes \"200\""));

	memset(&r, 0, sizeof(r));
	r.id = 4;
	r.trunk = 1;
	r.match = "[";
	r.replace = "x";
	ck_assert_int_eq(policy_builder_rule(b, &r, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "rule 4: match \"[\""));
	ck_assert_int_eq(policy_builder_block_prefix(b, 5, 0, "90x", "", err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "blocked prefix 5:"));
	policy_builder_free(b);
}
END_TEST

START_TEST(route_to_trunk_without_target_is_refused)
{
	struct policy_builder *b = fx_builder();
	struct policy_snapshot *s = NULL;
	char err[POLICY_ERR_MAX] = "";

	fx_trunk(b, 1, "pbx", "internal");
	fx_trunk(b, 2, "carrier", "external");
	fx_route(b, 5, 1, "", 2);
	ck_assert_int_eq(policy_builder_finish(b, &s, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "route 5: target trunk carrier has no target");
	policy_builder_free(b);
}
END_TEST

START_TEST(snapshot_reference_counting)
{
	struct policy_builder *b = fx_builder();
	struct policy_snapshot *s;

	fx_trunk(b, 1, "pbx", "internal");
	s = fx_finish(b);
	policy_snapshot_ref(s);
	policy_snapshot_unref(s);
	/* still alive: one reference left */
	ck_assert_uint_eq(policy_snapshot_trunk_count(s), 1);
	ck_assert_str_eq(policy_snapshot_trunk(s, 0)->name, "pbx");
	policy_snapshot_unref(s);
}
END_TEST

static Suite *policy_match_suite(void)
{
	Suite *s = suite_create("policy_match");
	TCase *tc = tcase_create("match");
	TCase *tv = tcase_create("validation");

	tcase_add_test(tc, most_specific_ipv4_prefix_wins);
	tcase_add_test(tc, port_and_transport_make_a_source_more_specific);
	tcase_add_test(tc, ipv6_prefixes_and_mapped_ipv4);
	tcase_add_test(tc, trunk_by_name_and_blocked_source);
	tcase_add_test(tc, snapshot_reference_counting);
	tcase_add_test(tv, bad_source_prefix_names_the_trunk);
	tcase_add_test(tv, route_to_missing_trunk_names_the_route);
	tcase_add_test(tv, each_bad_field_is_refused_with_its_row);
	tcase_add_test(tv, route_to_trunk_without_target_is_refused);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tv);
	return s;
}

int main(void)
{
	return test_run_suite(policy_match_suite());
}
