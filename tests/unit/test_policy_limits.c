/* Per-trunk limits: concurrency in, out and total, and the CPS token
 * bucket, with an injected clock. */
#include <errno.h>

#include "test_policy_fixture.h"
#include "testutil.h"

static struct policy_snapshot *limited(unsigned in, unsigned out, unsigned total, double cps,
				       unsigned burst)
{
	struct policy_builder *b = fx_builder();
	struct policy_trunk_def d;
	char err[POLICY_ERR_MAX] = "";

	memset(&d, 0, sizeof(d));
	d.id = 1;
	d.name = "carrier";
	d.zone = "external";
	d.limits.max_in = in;
	d.limits.max_out = out;
	d.limits.max_total = total;
	d.limits.cps = cps;
	d.limits.burst = burst;
	ck_assert_msg(policy_builder_trunk(b, &d, err, sizeof(err)) == 0, "%s", err);
	return fx_finish(b);
}

START_TEST(concurrent_inbound_limit_and_release)
{
	struct policy_snapshot *s = limited(2, 0, 0, 0, 0);
	const struct policy_trunk *t = policy_trunk_by_name(s, "carrier");
	struct policy_limiter *l;
	const char *why = NULL;
	unsigned ra = 0;

	ck_assert_int_eq(policy_limiter_alloc(&l), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), EBUSY);
	ck_assert_str_eq(why, "max_calls_in");
	ck_assert_uint_ge(ra, 1);
	/* outbound calls are not counted against the inbound limit */
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_OUT, 0, &ra, &why), 0);
	ck_assert_uint_eq(policy_limit_active(l, t, POLICY_DIR_IN), 2);
	policy_limit_release(l, t, POLICY_DIR_IN);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	policy_limiter_free(l);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(total_limit_counts_both_directions)
{
	struct policy_snapshot *s = limited(0, 0, 3, 0, 0);
	const struct policy_trunk *t = policy_trunk_by_name(s, "carrier");
	struct policy_limiter *l;
	const char *why = NULL;
	unsigned ra = 0;

	ck_assert_int_eq(policy_limiter_alloc(&l), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_OUT, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_OUT, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), EBUSY);
	ck_assert_str_eq(why, "max_calls");
	policy_limit_release(l, t, POLICY_DIR_OUT);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	policy_limiter_free(l);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(cps_token_bucket_with_burst)
{
	struct policy_snapshot *s = limited(0, 0, 0, 2.0, 3);
	const struct policy_trunk *t = policy_trunk_by_name(s, "carrier");
	struct policy_limiter *l;
	const char *why = NULL;
	unsigned ra = 0, passed = 0;

	ck_assert_int_eq(policy_limiter_alloc(&l), 0);
	/* a burst of 3 at t=100, then refused */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 100.0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 100.0, &ra, &why), EBUSY);
	ck_assert_str_eq(why, "cps");
	ck_assert_uint_eq(ra, 1);
	/* half a second later one token is back */
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_OUT, 100.5, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_OUT, 100.5, &ra, &why), EBUSY);
	/* over ten seconds of steady offered load at 20/s, about 2/s pass */
	for (int i = 0; i < 200; i++)
		passed += policy_limit_take(l, t, POLICY_DIR_IN, 101.0 + i * 0.05, &ra, &why) == 0;
	ck_assert_msg(passed >= 19 && passed <= 22, "passed %u", passed);
	policy_limiter_free(l);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(refused_concurrency_spends_no_token)
{
	struct policy_snapshot *s = limited(1, 0, 0, 1.0, 1);
	const struct policy_trunk *t = policy_trunk_by_name(s, "carrier");
	struct policy_limiter *l;
	const char *why = NULL;
	unsigned ra = 0;

	ck_assert_int_eq(policy_limiter_alloc(&l), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 1.0, &ra, &why), EBUSY);
	ck_assert_str_eq(why, "max_calls_in");
	policy_limit_release(l, t, POLICY_DIR_IN);
	/* the token refilled at t=1 is still there */
	ck_assert_int_eq(policy_limit_take(l, t, POLICY_DIR_IN, 1.0, &ra, &why), 0);
	policy_limiter_free(l);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(counters_survive_a_reload)
{
	struct policy_snapshot *s1 = limited(1, 0, 0, 0, 0), *s2 = limited(2, 0, 0, 0, 0);
	struct policy_limiter *l;
	const char *why = NULL;
	unsigned ra = 0;

	ck_assert_int_eq(policy_limiter_alloc(&l), 0);
	ck_assert_int_eq(policy_limit_take(l, policy_trunk_by_name(s1, "carrier"), POLICY_DIR_IN,
					   0, &ra, &why), 0);
	/* the new snapshot raises the limit to 2: one call is already up */
	ck_assert_uint_eq(policy_limit_active(l, policy_trunk_by_name(s2, "carrier"),
					      POLICY_DIR_IN), 1);
	ck_assert_int_eq(policy_limit_take(l, policy_trunk_by_name(s2, "carrier"), POLICY_DIR_IN,
					   0, &ra, &why), 0);
	ck_assert_int_eq(policy_limit_take(l, policy_trunk_by_name(s2, "carrier"), POLICY_DIR_IN,
					   0, &ra, &why), EBUSY);
	policy_limiter_free(l);
	policy_snapshot_unref(s1);
	policy_snapshot_unref(s2);
}
END_TEST

static Suite *policy_limits_suite(void)
{
	Suite *s = suite_create("policy_limits");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, concurrent_inbound_limit_and_release);
	tcase_add_test(tc, total_limit_counts_both_directions);
	tcase_add_test(tc, cps_token_bucket_with_burst);
	tcase_add_test(tc, refused_concurrency_spends_no_token);
	tcase_add_test(tc, counters_survive_a_reload);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(policy_limits_suite());
}
