/* Routing decisions: longest prefix, regex routes, time windows, weights,
 * number rules and the refusals. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "test_policy_fixture.h"
#include "testutil.h"

enum { PBX = 1, CARRIER = 2, BACKUP = 3, MOBILE = 4 };
#define REFERENCE_HASH 0xd255a6b091e32537ull	/* see decision_hash */

static struct policy_builder *base(void)
{
	struct policy_builder *b = fx_builder();

	fx_trunk(b, PBX, "pbx", "internal");
	fx_target(b, PBX, "127.0.0.11", 0, 1);
	fx_trunk(b, CARRIER, "carrier", "external");
	fx_target(b, CARRIER, "127.0.0.21", 0, 1);
	fx_trunk(b, BACKUP, "backup", "external");
	fx_target(b, BACKUP, "127.0.0.31", 0, 1);
	fx_trunk(b, MOBILE, "mobile", "external");
	fx_target(b, MOBILE, "127.0.0.41", 0, 1);
	return b;
}

static time_t utc(int y, int mon, int d, int h, int min)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = min;
	return timegm(&tm);
}

/* the decision's first trunk, or the status as text */
static const char *first(const struct policy_snapshot *s, const char *from, const char *num,
			 time_t now)
{
	static char buf[64];
	struct policy_decision d;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, from), num, "alice", num, now,
				       1, &d), 0);
	if (d.status) {
		snprintf(buf, sizeof(buf), "%d", d.status);
		return buf;
	}
	return d.attempts[0].trunk->name;
}

START_TEST(longest_prefix_wins)
{
	struct policy_builder *b = base();
	struct policy_snapshot *s;

	fx_route(b, 1, PBX, "", CARRIER);
	fx_route(b, 2, PBX, "44", BACKUP);
	fx_route(b, 3, PBX, "447", MOBILE);
	fx_route(b, 4, PBX, "4470", CARRIER);
	s = fx_finish(b);
	ck_assert_str_eq(first(s, "pbx", "33123", 0), "carrier");
	ck_assert_str_eq(first(s, "pbx", "44123", 0), "backup");
	ck_assert_str_eq(first(s, "pbx", "447911", 0), "mobile");
	ck_assert_str_eq(first(s, "pbx", "4470", 0), "carrier");
	ck_assert_str_eq(first(s, "pbx", "44", 0), "backup");
	ck_assert_str_eq(first(s, "pbx", "4", 0), "carrier");
	/* no route from the carrier: 404 */
	ck_assert_str_eq(first(s, "carrier", "44123", 0), "404");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(own_trunk_routes_beat_any_trunk_routes_at_equal_length)
{
	struct policy_builder *b = base();
	struct policy_snapshot *s;

	fx_route(b, 1, 0, "44", BACKUP);
	fx_route(b, 2, PBX, "44", MOBILE);
	fx_route(b, 3, 0, "4", CARRIER);
	s = fx_finish(b);
	ck_assert_str_eq(first(s, "pbx", "441", 0), "mobile");
	ck_assert_str_eq(first(s, "carrier", "441", 0), "backup");
	ck_assert_str_eq(first(s, "carrier", "45", 0), "carrier");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(unknown_source_blocked_prefix_and_incomplete_number)
{
	struct policy_builder *b = base();
	struct policy_route_def d = fx_route_def(1, PBX, "44", CARRIER);
	struct policy_snapshot *s;
	struct policy_decision dec;
	char err[POLICY_ERR_MAX];

	d.min_length = 10;
	fx_route_add(b, &d);
	fx_route(b, 2, PBX, "0", CARRIER);
	ck_assert_int_eq(policy_builder_block_prefix(b, 1, 0, "0900", "premium rate", err,
						     sizeof(err)), 0);
	s = fx_finish(b);
	ck_assert_str_eq(first(s, "pbx", "4412", 0), "484");
	ck_assert_str_eq(first(s, "pbx", "4412345678", 0), "carrier");
	ck_assert_str_eq(first(s, "pbx", "09001234", 0), "403");
	ck_assert_str_eq(first(s, "pbx", "0800", 0), "carrier");

	memset(&dec, 0, sizeof(dec));
	ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "09001234", "a", "b", 0,
				       1, &dec), 0);
	ck_assert_int_eq(dec.status, 403);
	ck_assert_str_eq(dec.reason, "blocked prefix 0900: premium rate");
	ck_assert_int_eq(policy_decide(s, NULL, "0800", "a", "b", 0, 1, &dec), 0);
	ck_assert_int_eq(dec.status, 403);
	ck_assert_ptr_nonnull(strstr(dec.reason, "unknown source"));
	ck_assert_uint_eq(dec.n_attempts, 0);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(regex_route_needs_prefix_and_pattern)
{
	struct policy_builder *b = base();
	struct policy_route_def d = fx_route_def(1, PBX, "44", MOBILE);
	struct policy_snapshot *s;

	d.user_regex = "^447[0-9]{9}$";
	fx_route_add(b, &d);
	fx_route(b, 2, PBX, "4", CARRIER);
	s = fx_finish(b);
	ck_assert_str_eq(first(s, "pbx", "447911123456", 0), "mobile");
	/* one digit too many: the regex route is skipped, the shorter prefix takes it */
	ck_assert_str_eq(first(s, "pbx", "4479111234567", 0), "carrier");
	ck_assert_str_eq(first(s, "pbx", "441234", 0), "carrier");
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(time_window_in_a_zone_across_midnight)
{
	struct policy_builder *b = base();
	struct policy_route_def d = fx_route_def(1, PBX, "", BACKUP);
	struct policy_snapshot *s;

	/* Friday night 22:00 to Saturday 06:00, Paris time */
	d.days = "fri";
	d.time_start = "22:00";
	d.time_end = "06:00";
	d.tz = "CET-1CEST,M3.5.0,M10.5.0/3";
	d.tz_name = "Europe/Paris";
	fx_route_add(b, &d);
	d = fx_route_def(2, PBX, "", CARRIER);
	d.priority = 1;		/* the fallback outside the window */
	fx_route_add(b, &d);
	s = fx_finish(b);
	/* 2024-07-05 is a Friday; Paris is UTC+2 in summer */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 5, 19, 59)), "carrier");	/* 21:59 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 5, 20, 0)), "backup");	/* 22:00 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 5, 22, 30)), "backup");	/* Sat 00:30 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 6, 3, 59)), "backup");	/* Sat 05:59 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 6, 4, 0)), "carrier");	/* Sat 06:00 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 6, 20, 30)), "carrier");	/* Sat 22:30 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 4, 22, 30)), "carrier");	/* Fri 00:30 */
	/* in winter Paris is UTC+1: 2024-01-05 is a Friday */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 1, 5, 20, 30)), "carrier");	/* 21:30 */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 1, 5, 21, 0)), "backup");	/* 22:00 */
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(weekday_office_hours)
{
	struct policy_builder *b = base();
	struct policy_route_def d = fx_route_def(1, PBX, "", BACKUP);
	struct policy_snapshot *s;

	d.days = "mon-fri";
	d.time_start = "09:00";
	d.time_end = "17:30";
	fx_route_add(b, &d);
	s = fx_finish(b);
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 1, 9, 0)), "backup");	/* Monday */
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 1, 17, 29)), "backup");
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 1, 17, 30)), "404");
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 1, 8, 59)), "404");
	ck_assert_str_eq(first(s, "pbx", "1", utc(2024, 7, 6, 12, 0)), "404");	/* Saturday */
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(posix_tz_rules_southern_hemisphere)
{
	struct policy_tz tz;
	struct tm tm;

	ck_assert_int_eq(policy_tz_parse("AEST-10AEDT,M10.1.0,M4.1.0/3", &tz), 0);
	policy_tz_local(&tz, utc(2024, 1, 15, 0, 0), &tm);	/* January: DST, UTC+11 */
	ck_assert_int_eq(tm.tm_hour, 11);
	policy_tz_local(&tz, utc(2024, 7, 15, 0, 0), &tm);	/* July: UTC+10 */
	ck_assert_int_eq(tm.tm_hour, 10);
	ck_assert_int_eq(policy_tz_parse("<-03>3", &tz), 0);
	policy_tz_local(&tz, utc(2024, 7, 15, 1, 0), &tm);
	ck_assert_int_eq(tm.tm_hour, 22);
	ck_assert_int_eq(tm.tm_mday, 14);
	ck_assert_int_eq(policy_tz_parse("Europe/Paris", &tz), EINVAL);
}
END_TEST

START_TEST(priority_first_then_weights_within_tolerance)
{
	struct policy_builder *b = base();
	struct policy_route_def d;
	struct policy_snapshot *s;
	unsigned count[5] = { 0 };
	const unsigned draws = 20000;

	d = fx_route_def(1, PBX, "", CARRIER);
	d.priority = 1;
	d.weight = 1;
	fx_route_add(b, &d);
	d = fx_route_def(2, PBX, "", BACKUP);
	d.priority = 1;
	d.weight = 3;
	fx_route_add(b, &d);
	d = fx_route_def(3, PBX, "", MOBILE);
	d.priority = 1;
	d.weight = 6;
	fx_route_add(b, &d);
	d = fx_route_def(4, PBX, "", CARRIER);
	d.priority = 9;
	d.max_attempts = 8;
	fx_route_add(b, &d);
	s = fx_finish(b);
	for (unsigned i = 0; i < draws; i++) {
		struct policy_decision dec;

		memset(&dec, 0, sizeof(dec));
		ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "1", "a", "b", 0,
					       0x5eed0000ull + i, &dec), 0);
		ck_assert_uint_eq(dec.n_attempts, 3);	/* the first route's max_attempts */
		count[dec.attempts[0].route->id]++;
		/* the priority 9 route never comes before a priority 1 one */
		for (unsigned k = 0; k < dec.n_attempts; k++)
			ck_assert_int_ne(dec.attempts[k].route->id, 4);
	}
	ck_assert_msg(count[1] > draws * 8 / 100 && count[1] < draws * 12 / 100, "%u", count[1]);
	ck_assert_msg(count[2] > draws * 27 / 100 && count[2] < draws * 33 / 100, "%u", count[2]);
	ck_assert_msg(count[3] > draws * 57 / 100 && count[3] < draws * 63 / 100, "%u", count[3]);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(same_seed_same_order_and_targets_by_weight)
{
	struct policy_builder *b = fx_builder();
	struct policy_snapshot *s;
	unsigned first_a = 0;
	const unsigned draws = 10000;

	fx_trunk(b, 1, "pbx", "internal");
	fx_trunk(b, 2, "carrier", "external");
	fx_target(b, 2, "a.example", 0, 1);
	fx_target(b, 2, "b.example", 0, 3);
	fx_target(b, 2, "standby.example", 1, 100);
	fx_route(b, 1, 1, "", 2);
	s = fx_finish(b);
	for (unsigned i = 0; i < draws; i++) {
		struct policy_decision d1, d2;

		memset(&d1, 0, sizeof(d1));
		memset(&d2, 0, sizeof(d2));
		ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "1", "a", "b", 0, i,
					       &d1), 0);
		ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "1", "a", "b", 0, i,
					       &d2), 0);
		ck_assert_uint_eq(d1.attempts[0].n_targets, 3);
		ck_assert_ptr_eq(d1.attempts[0].targets[0], d2.attempts[0].targets[0]);
		ck_assert_str_eq(d1.attempts[0].targets[2]->host, "standby.example");
		first_a += strcmp(d1.attempts[0].targets[0]->host, "a.example") == 0;
	}
	ck_assert_msg(first_a > draws * 22 / 100 && first_a < draws * 28 / 100, "%u", first_a);
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(number_rules_in_before_routing_and_out_per_attempt)
{
	struct policy_builder *b = base();
	struct policy_rule_def r;
	struct policy_snapshot *s;
	struct policy_decision d;
	char err[POLICY_ERR_MAX] = "", trace[2048];

	/* national 0 from the PBX becomes +44 ... before routing */
	memset(&r, 0, sizeof(r));
	r.id = 1;
	r.trunk = PBX;
	r.dir = POLICY_DIR_IN;
	r.field = POLICY_FIELD_RURI;
	r.match = "^0([1-9][0-9]*)$";
	r.replace = "+44\\1";
	ck_assert_msg(policy_builder_rule(b, &r, err, sizeof(err)) == 0, "%s", err);
	/* the carrier wants 00 instead of + and our From in E.164 */
	r.id = 2;
	r.trunk = CARRIER;
	r.dir = POLICY_DIR_OUT;
	r.match = "^\\+";
	r.replace = "00";
	ck_assert_msg(policy_builder_rule(b, &r, err, sizeof(err)) == 0, "%s", err);
	memset(&r, 0, sizeof(r));
	r.id = 3;
	r.trunk = CARRIER;
	r.dir = POLICY_DIR_OUT;
	r.field = POLICY_FIELD_FROM;
	r.strip = 1;
	r.prepend = "+4420";
	ck_assert_msg(policy_builder_rule(b, &r, err, sizeof(err)) == 0, "%s", err);
	fx_route(b, 1, PBX, "+44", CARRIER);
	s = fx_finish(b);

	memset(&d, 0, sizeof(d));
	d.trace = trace;
	d.trace_size = sizeof(trace);
	ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "02079460000", "57123",
				       "02079460000", 0, 1, &d), 0);
	ck_assert_int_eq(d.status, 0);
	ck_assert_str_eq(d.ruri_user, "+442079460000");
	ck_assert_str_eq(d.attempts[0].ruri_user, "00442079460000");
	ck_assert_str_eq(d.attempts[0].from_user, "+44207123");
	ck_assert_str_eq(d.attempts[0].to_user, "02079460000");
	ck_assert_ptr_nonnull(strstr(trace, "rule 1 (in ruri): 02079460000 -> +442079460000"));
	ck_assert_ptr_nonnull(strstr(trace, "rule 2 (out ruri): +442079460000 -> 00442079460000"));
	ck_assert_ptr_nonnull(strstr(trace, "attempt 1: route 1 (prefix \"+44\""));
	policy_snapshot_unref(s);
}
END_TEST

START_TEST(failover_codes_and_attempt_order)
{
	struct policy_builder *b = base();
	struct policy_route_def d;
	struct policy_snapshot *s;
	struct policy_decision dec;

	d = fx_route_def(1, PBX, "", CARRIER);
	d.failover_codes = "408,480,500-599";
	d.max_attempts = 2;
	fx_route_add(b, &d);
	d = fx_route_def(2, PBX, "", BACKUP);
	d.priority = 1;
	fx_route_add(b, &d);
	d = fx_route_def(3, PBX, "", MOBILE);
	d.priority = 2;
	fx_route_add(b, &d);
	s = fx_finish(b);
	memset(&dec, 0, sizeof(dec));
	ck_assert_int_eq(policy_decide(s, policy_trunk_by_name(s, "pbx"), "1", "a", "b", 0, 1, &dec), 0);
	ck_assert_uint_eq(dec.n_attempts, 2);
	ck_assert_str_eq(dec.attempts[0].trunk->name, "carrier");
	ck_assert_str_eq(dec.attempts[1].trunk->name, "backup");
	ck_assert(policy_route_fails_over(dec.attempts[0].route, 503));
	ck_assert(policy_route_fails_over(dec.attempts[0].route, 480));
	ck_assert(!policy_route_fails_over(dec.attempts[0].route, 486));
	ck_assert(!policy_route_fails_over(dec.attempts[0].route, 404));
	/* the default list */
	ck_assert(policy_route_fails_over(dec.attempts[1].route, 408));
	ck_assert(!policy_route_fails_over(dec.attempts[1].route, 480));
	policy_snapshot_unref(s);
}
END_TEST

/* FNV-1a over the bytes of a string, NUL included */
static uint64_t fnv(uint64_t h, const char *s)
{
	do {
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	} while (*s++);
	return h;
}

static uint64_t fnv_uint(uint64_t h, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	return fnv(h, buf);
}

/* everything the call core reads from a decision */
static uint64_t decision_hash(uint64_t h, const struct policy_decision *d)
{
	h = fnv_uint(h, (unsigned)d->status);
	h = fnv_uint(h, d->retry_after);
	h = fnv(h, d->reason);
	h = fnv_uint(h, d->n_attempts);
	for (unsigned i = 0; i < d->n_attempts; i++) {
		const struct policy_attempt *a = &d->attempts[i];

		h = fnv_uint(h, (unsigned long long)a->route->id);
		h = fnv(h, a->trunk->name);
		h = fnv_uint(h, a->n_targets);
		for (unsigned k = 0; k < a->n_targets; k++)
			h = fnv(h, a->targets[k]->host);
		h = fnv(h, a->ruri_user);
		h = fnv(h, a->from_user);
		h = fnv(h, a->to_user);
	}
	return h;
}

/* A known answer: decisions over refusals, weighted routes and targets,
 * number rules and attempt caps hash to the value the reference
 * implementation gave, whatever the struct held before the call and
 * whether or not a trace is asked for. */
START_TEST(decisions_match_the_reference_whatever_the_struct_held)
{
	static const char *const numbers[] = {
		"02079460000", "0207", "0900123", "900123", "4420794600", "123", "", "+1555",
	};
	struct policy_builder *b = base();
	struct policy_route_def d;
	struct policy_rule_def r;
	struct policy_snapshot *s;
	char err[POLICY_ERR_MAX] = "", trace[4096];
	uint64_t h = 0xcbf29ce484222325ull;

	fx_target(b, CARRIER, "127.0.0.22", 0, 3);
	fx_target(b, CARRIER, "127.0.0.23", 1, 1);
	fx_target(b, BACKUP, "127.0.0.32", 0, 0);
	memset(&r, 0, sizeof(r));
	r.id = 1;
	r.trunk = PBX;
	r.dir = POLICY_DIR_IN;
	r.field = POLICY_FIELD_RURI;
	r.match = "^0([1-9][0-9]*)$";
	r.replace = "44\\1";
	ck_assert_msg(policy_builder_rule(b, &r, err, sizeof(err)) == 0, "%s", err);
	memset(&r, 0, sizeof(r));
	r.id = 2;
	r.trunk = CARRIER;
	r.dir = POLICY_DIR_OUT;
	r.field = POLICY_FIELD_FROM;
	r.prepend = "+44";
	ck_assert_msg(policy_builder_rule(b, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(policy_builder_block_prefix(b, 1, 0, "900", "premium", err,
						     sizeof(err)), 0);
	d = fx_route_def(1, PBX, "", CARRIER);
	d.max_attempts = 8;
	fx_route_add(b, &d);
	d = fx_route_def(2, PBX, "", BACKUP);
	d.weight = 2;
	fx_route_add(b, &d);
	d = fx_route_def(3, PBX, "", MOBILE);
	d.priority = 1;
	fx_route_add(b, &d);
	d = fx_route_def(4, PBX, "44", CARRIER);
	d.min_length = 11;
	d.max_attempts = 2;
	fx_route_add(b, &d);
	d = fx_route_def(5, 0, "44", BACKUP);
	d.user_regex = "^442";
	fx_route_add(b, &d);
	d = fx_route_def(6, CARRIER, "+1", PBX);
	fx_route_add(b, &d);
	s = fx_finish(b);
	for (uint64_t seed = 0; seed < 64; seed++) {
		for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
			for (int from = 0; from <= CARRIER; from++) {
				const struct policy_trunk *t = from ? policy_trunk_by_name(s,
					from == PBX ? "pbx" : "carrier") : NULL;
				struct policy_decision clean, dirty;

				memset(&clean, 0, sizeof(clean));
				clean.trace = trace;
				clean.trace_size = sizeof(trace);
				memset(&dirty, 0xa5, sizeof(dirty));
				dirty.trace = NULL;
				dirty.trace_size = 0;
				ck_assert_int_eq(policy_decide(s, t, numbers[i], "5712", numbers[i], 0,
							       seed, &clean), 0);
				ck_assert_int_eq(policy_decide(s, t, numbers[i], "5712", numbers[i], 0,
							       seed, &dirty), 0);
				ck_assert_ptr_eq(dirty.from, t);
				ck_assert_uint_eq(decision_hash(0, &clean), decision_hash(0, &dirty));
				h = decision_hash(h, &clean);
			}
		}
	}
	ck_assert_msg(h == REFERENCE_HASH, "0x%016llxull", (unsigned long long)h);
	policy_snapshot_unref(s);
}
END_TEST

static Suite *policy_route_suite(void)
{
	Suite *s = suite_create("policy_route");
	TCase *tp = tcase_create("prefix");
	TCase *tt = tcase_create("time");
	TCase *tw = tcase_create("weights");
	TCase *tr = tcase_create("rules");

	tcase_add_test(tp, longest_prefix_wins);
	tcase_add_test(tp, own_trunk_routes_beat_any_trunk_routes_at_equal_length);
	tcase_add_test(tp, unknown_source_blocked_prefix_and_incomplete_number);
	tcase_add_test(tp, regex_route_needs_prefix_and_pattern);
	tcase_add_test(tt, time_window_in_a_zone_across_midnight);
	tcase_add_test(tt, weekday_office_hours);
	tcase_add_test(tt, posix_tz_rules_southern_hemisphere);
	tcase_add_test(tw, priority_first_then_weights_within_tolerance);
	tcase_add_test(tw, same_seed_same_order_and_targets_by_weight);
	tcase_add_test(tr, number_rules_in_before_routing_and_out_per_attempt);
	tcase_add_test(tr, failover_codes_and_attempt_order);
	tcase_add_test(tr, decisions_match_the_reference_whatever_the_struct_held);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tt);
	suite_add_tcase(s, tw);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	return test_run_suite(policy_route_suite());
}
