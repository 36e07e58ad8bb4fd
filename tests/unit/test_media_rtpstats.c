/* RTP reception statistics (RFC 3550 A.1 sequence tracking, A.3 loss, A.8 jitter). */
#include <check.h>

#include "media/rtpstats.h"
#include "testutil.h"

START_TEST(test_rtpstats_no_loss_no_jitter_at_a_steady_pace)
{
	struct media_rtp_src s = { 0 };
	unsigned i;

	for (i = 0; i < 100; i++)
		media_rtp_src_update(&s, 1, (uint16_t)(1000 + i), i * 160u, 5000 + i * 160u);
	ck_assert_int_eq(media_rtp_src_lost(&s), 0);
	ck_assert_uint_eq(s.received, 100);
	ck_assert(media_rtp_src_jitter_ms(&s, 8000) == 0.0);
}
END_TEST

START_TEST(test_rtpstats_loss_counted_across_sequence_wrap)
{
	struct media_rtp_src s = { 0 };
	uint32_t i;

	/* 65530 .. 65535, 0 .. 9 with 65534 and 3 missing */
	for (i = 65530; i < 65546; i++) {
		uint16_t seq = (uint16_t)i;

		if (seq == 65534 || seq == 3)
			continue;
		media_rtp_src_update(&s, 7, seq, i * 160u, i * 160u);
	}
	ck_assert_uint_eq(s.received, 14);
	ck_assert_int_eq(media_rtp_src_lost(&s), 2);
	ck_assert_uint_eq(s.cycles, 65536);
}
END_TEST

START_TEST(test_rtpstats_duplicates_and_reordering_do_not_count_as_loss)
{
	struct media_rtp_src s = { 0 };

	media_rtp_src_update(&s, 7, 10, 0, 0);
	media_rtp_src_update(&s, 7, 12, 320, 320);
	media_rtp_src_update(&s, 7, 11, 160, 330);
	media_rtp_src_update(&s, 7, 13, 480, 480);
	ck_assert_int_eq(media_rtp_src_lost(&s), 0);
	/* a duplicate makes it negative, as RFC 3550 A.3 allows */
	media_rtp_src_update(&s, 7, 13, 480, 490);
	ck_assert_int_eq(media_rtp_src_lost(&s), -1);
}
END_TEST

START_TEST(test_rtpstats_jitter_follows_a8)
{
	struct media_rtp_src s = { 0 };
	unsigned i;

	/* every other packet 80 units (10 ms at 8 kHz) late: D = 80 each time,
	 * J converges to 80 units = 10 ms */
	for (i = 0; i < 400; i++)
		media_rtp_src_update(&s, 9, (uint16_t)i, i * 160u, i * 160u + (i & 1 ? 80u : 0u));
	ck_assert_msg(media_rtp_src_jitter_ms(&s, 8000) > 9.5 && media_rtp_src_jitter_ms(&s, 8000) <= 10.0,
		      "jitter %f ms", media_rtp_src_jitter_ms(&s, 8000));
}
END_TEST

START_TEST(test_rtpstats_new_ssrc_and_restart_start_over)
{
	struct media_rtp_src s = { 0 };

	media_rtp_src_update(&s, 1, 100, 0, 0);
	media_rtp_src_update(&s, 1, 101, 160, 160);
	media_rtp_src_update(&s, 2, 5000, 0, 320);
	ck_assert_uint_eq(s.received, 1);
	ck_assert_int_eq(media_rtp_src_lost(&s), 0);
	/* a far jump is ignored once, and taken as a restart when it repeats */
	media_rtp_src_update(&s, 2, 30000, 0, 480);
	ck_assert_uint_eq(s.received, 1);
	media_rtp_src_update(&s, 2, 30001, 160, 640);
	ck_assert_uint_eq(s.received, 1);
	ck_assert_int_eq(media_rtp_src_lost(&s), 0);
}
END_TEST

static Suite *rtpstats_suite(void)
{
	Suite *s = suite_create("media_rtpstats");
	TCase *tc = tcase_create("rtpstats");

	tcase_add_test(tc, test_rtpstats_no_loss_no_jitter_at_a_steady_pace);
	tcase_add_test(tc, test_rtpstats_loss_counted_across_sequence_wrap);
	tcase_add_test(tc, test_rtpstats_duplicates_and_reordering_do_not_count_as_loss);
	tcase_add_test(tc, test_rtpstats_jitter_follows_a8);
	tcase_add_test(tc, test_rtpstats_new_ssrc_and_restart_start_over);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(rtpstats_suite());
}
