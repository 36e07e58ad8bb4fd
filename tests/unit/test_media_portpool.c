/* Port pool per zone: even RTP ports, RTCP next, quarantine on release. */
#include <check.h>
#include <errno.h>

#include "media/portpool.h"
#include "testutil.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

START_TEST(test_portpool_hands_out_even_ports_with_room_for_rtcp)
{
	struct media_portpool *pool;
	uint16_t p, seen[8];
	unsigned i;

	/* 20001..20010: the RTP ports are 20002 .. 20008 (20010's RTCP would be 20011) */
	ck_assert_int_eq(media_portpool_alloc(&pool, 20001, 20010, 0, fake_clock, NULL), 0);
	ck_assert_uint_eq(media_portpool_capacity(pool), 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(media_portpool_take(pool, &seen[i]), 0);
		ck_assert_uint_eq(seen[i] % 2, 0);
		ck_assert_uint_ge(seen[i], 20002);
		ck_assert_uint_le(seen[i] + 1u, 20010);
	}
	ck_assert_uint_eq(seen[0], 20002);
	ck_assert_uint_eq(seen[3], 20008);
	p = 1;
	ck_assert_int_eq(media_portpool_take(pool, &p), ENOSPC);
	ck_assert_uint_eq(p, 1);
	media_portpool_free(pool);
}
END_TEST

START_TEST(test_portpool_lab_zones)
{
	struct media_portpool *internal, *external;
	uint16_t p;

	ck_assert_int_eq(media_portpool_alloc(&internal, 20000, 29999, 5000, NULL, NULL), 0);
	ck_assert_int_eq(media_portpool_alloc(&external, 30000, 39999, 5000, NULL, NULL), 0);
	ck_assert_uint_eq(media_portpool_capacity(internal), 5000);
	ck_assert_uint_eq(media_portpool_capacity(external), 5000);
	ck_assert_int_eq(media_portpool_take(external, &p), 0);
	ck_assert_uint_eq(p, 30000);
	ck_assert_int_eq(media_portpool_release(external, p), 0);
	media_portpool_free(internal);
	media_portpool_free(external);
}
END_TEST

START_TEST(test_portpool_released_port_waits_out_quarantine)
{
	struct media_portpool *pool;
	uint16_t a, b, c;

	fake_now = 1000;
	ck_assert_int_eq(media_portpool_alloc(&pool, 20000, 20003, 30000, fake_clock, NULL), 0);
	ck_assert_int_eq(media_portpool_take(pool, &a), 0);
	ck_assert_int_eq(media_portpool_take(pool, &b), 0);
	ck_assert_int_eq(media_portpool_release(pool, a), 0);
	ck_assert_uint_eq(media_portpool_available(pool), 0);
	ck_assert_int_eq(media_portpool_take(pool, &c), ENOSPC);
	fake_now += 29999;
	ck_assert_int_eq(media_portpool_take(pool, &c), ENOSPC);
	fake_now += 1;
	ck_assert_uint_eq(media_portpool_available(pool), 1);
	ck_assert_int_eq(media_portpool_take(pool, &c), 0);
	ck_assert_uint_eq(c, a);
	media_portpool_free(pool);
}
END_TEST

START_TEST(test_portpool_usage_counts_taken_and_quarantined_ports)
{
	struct media_portpool *pool;
	unsigned in_use, quarantined;
	uint16_t a, b, c;

	fake_now = 0;
	ck_assert_int_eq(media_portpool_alloc(&pool, 20000, 20009, 100, fake_clock, NULL), 0);
	media_portpool_usage(pool, &in_use, &quarantined);
	ck_assert_uint_eq(in_use, 0);
	ck_assert_uint_eq(quarantined, 0);
	ck_assert_int_eq(media_portpool_take(pool, &a), 0);
	ck_assert_int_eq(media_portpool_take(pool, &b), 0);
	ck_assert_int_eq(media_portpool_take(pool, &c), 0);
	ck_assert_int_eq(media_portpool_release(pool, a), 0);
	fake_now = 50;
	ck_assert_int_eq(media_portpool_release(pool, b), 0);
	media_portpool_usage(pool, &in_use, &quarantined);
	ck_assert_uint_eq(in_use, 1);
	ck_assert_uint_eq(quarantined, 2);
	fake_now = 100;
	media_portpool_usage(pool, &in_use, &quarantined);
	ck_assert_uint_eq(quarantined, 1);
	fake_now = 150;
	media_portpool_usage(pool, &in_use, &quarantined);
	ck_assert_uint_eq(in_use, 1);
	ck_assert_uint_eq(quarantined, 0);
	ck_assert_uint_eq(media_portpool_available(pool), 4);
	media_portpool_free(pool);
}
END_TEST

START_TEST(test_portpool_fresh_ports_before_quarantined_ones)
{
	struct media_portpool *pool;
	uint16_t a, b;

	fake_now = 0;
	ck_assert_int_eq(media_portpool_alloc(&pool, 20000, 20005, 10, fake_clock, NULL), 0);
	ck_assert_int_eq(media_portpool_take(pool, &a), 0);
	ck_assert_int_eq(media_portpool_release(pool, a), 0);
	fake_now = 100;
	/* the least recently released port comes first: never-used ports */
	ck_assert_int_eq(media_portpool_take(pool, &b), 0);
	ck_assert_uint_ne(b, a);
	ck_assert_int_eq(media_portpool_take(pool, &b), 0);
	ck_assert_uint_ne(b, a);
	ck_assert_int_eq(media_portpool_take(pool, &b), 0);
	ck_assert_uint_eq(b, a);
	media_portpool_free(pool);
}
END_TEST

START_TEST(test_portpool_release_of_unknown_port_is_einval)
{
	struct media_portpool *pool;
	uint16_t a;

	ck_assert_int_eq(media_portpool_alloc(&pool, 20000, 20009, 0, fake_clock, NULL), 0);
	ck_assert_int_eq(media_portpool_release(pool, 20002), EINVAL);
	ck_assert_int_eq(media_portpool_take(pool, &a), 0);
	ck_assert_int_eq(media_portpool_release(pool, (uint16_t)(a + 1)), EINVAL);
	ck_assert_int_eq(media_portpool_release(pool, 19998), EINVAL);
	ck_assert_int_eq(media_portpool_release(pool, 20010), EINVAL);
	ck_assert_int_eq(media_portpool_release(pool, a), 0);
	/* twice is a bug the pool refuses to turn into a duplicate */
	ck_assert_int_eq(media_portpool_release(pool, a), EINVAL);
	ck_assert_uint_eq(media_portpool_available(pool), 5);
	media_portpool_free(pool);
	ck_assert_int_eq(media_portpool_alloc(&pool, 20001, 20002, 0, NULL, NULL), EINVAL);
	ck_assert_int_eq(media_portpool_alloc(&pool, 0, 1, 0, NULL, NULL), EINVAL);
}
END_TEST

static Suite *portpool_suite(void)
{
	Suite *s = suite_create("media_portpool");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_portpool_hands_out_even_ports_with_room_for_rtcp);
	tcase_add_test(tc, test_portpool_lab_zones);
	tcase_add_test(tc, test_portpool_released_port_waits_out_quarantine);
	tcase_add_test(tc, test_portpool_usage_counts_taken_and_quarantined_ports);
	tcase_add_test(tc, test_portpool_fresh_ports_before_quarantined_ones);
	tcase_add_test(tc, test_portpool_release_of_unknown_port_is_einval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(portpool_suite());
}
