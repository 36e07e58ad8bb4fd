/* Offer/answer state per leg (RFC 3264, RFC 3311 glare, late offer). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "media/oa.h"
#include "testutil.h"

/* an SDP with the given m-lines, e.g. "audio:1000 video:0" */
static struct media_sdp *sdp_with(const char *mlines)
{
	char buf[2048], type[16];
	struct media_sdp *sdp = NULL;
	const char *p = mlines;
	unsigned port;
	int n, used;

	n = snprintf(buf, sizeof(buf), "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n");
	while (sscanf(p, " %15[a-z]:%u%n", type, &port, &used) == 2) {
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "m=%s %u RTP/AVP 0\r\n", type, port);
		p += used;
	}
	ck_assert_int_eq(media_sdp_parse(&sdp, buf, (size_t)n), 0);
	return sdp;
}

START_TEST(test_oa_offer_then_answer_becomes_negotiated)
{
	struct media_oa oa;
	struct media_sdp *offer = sdp_with("audio:1000"), *answer = sdp_with("audio:2000");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_offer_sent(&oa, offer), 0);
	ck_assert_int_eq(oa.state, MEDIA_OA_LOCAL_OFFER);
	ck_assert_int_eq(media_oa_answer_received(&oa, answer), 0);
	ck_assert_int_eq(oa.state, MEDIA_OA_STABLE);
	ck_assert_ptr_eq(oa.local, offer);
	ck_assert_ptr_eq(oa.remote, answer);
	ck_assert_ptr_null(oa.offer);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_second_offer_while_one_outstanding_is_ebusy)
{
	struct media_oa oa;
	struct media_sdp *o1 = sdp_with("audio:1000"), *o2 = sdp_with("audio:1002");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_offer_received(&oa, o1), 0);
	/* glare: ours crosses theirs; the caller answers 491 */
	ck_assert_int_eq(media_oa_offer_sent(&oa, o2), EBUSY);
	ck_assert_int_eq(media_oa_offer_received(&oa, o2), EBUSY);
	ck_assert_ptr_eq(oa.offer, o1);
	media_sdp_free(o2);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_answer_without_offer_is_eproto)
{
	struct media_oa oa;
	struct media_sdp *a = sdp_with("audio:1000");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_answer_received(&oa, a), EPROTO);
	ck_assert_int_eq(media_oa_answer_sent(&oa, a), EPROTO);
	ck_assert_int_eq(media_oa_offer_sent(&oa, sdp_with("audio:1")), 0);
	/* we cannot answer our own offer */
	ck_assert_int_eq(media_oa_answer_sent(&oa, a), EPROTO);
	media_sdp_free(a);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_answer_must_match_offer_mlines)
{
	struct media_oa oa;
	struct media_sdp *fewer = sdp_with("audio:2000");
	struct media_sdp *swapped = sdp_with("video:2000 audio:2002");
	struct media_sdp *accepts_rejected = sdp_with("audio:2000 video:2002");
	struct media_sdp *good = sdp_with("audio:2000 video:0");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_offer_received(&oa, sdp_with("audio:1000 video:0")), 0);
	ck_assert_int_eq(media_oa_answer_sent(&oa, fewer), EBADMSG);
	ck_assert_int_eq(media_oa_answer_sent(&oa, swapped), EBADMSG);
	ck_assert_int_eq(media_oa_answer_sent(&oa, accepts_rejected), EBADMSG);
	ck_assert_int_eq(oa.state, MEDIA_OA_REMOTE_OFFER);
	ck_assert_int_eq(media_oa_answer_sent(&oa, good), 0);
	ck_assert_ptr_eq(oa.local, good);
	ck_assert_uint_eq(oa.remote->streams[1].port, 0);
	media_sdp_free(fewer);
	media_sdp_free(swapped);
	media_sdp_free(accepts_rejected);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_reoffer_may_add_but_not_remove_mlines)
{
	struct media_oa oa;
	struct media_sdp *removed = sdp_with("audio:1000");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_offer_sent(&oa, sdp_with("audio:1000 video:1002")), 0);
	ck_assert_int_eq(media_oa_answer_received(&oa, sdp_with("audio:2000 video:2002")), 0);
	/* RFC 3264 8.2: removing is rejecting with port 0, the line stays */
	ck_assert_int_eq(media_oa_offer_received(&oa, removed), EBADMSG);
	ck_assert_int_eq(oa.state, MEDIA_OA_STABLE);
	ck_assert_int_eq(media_oa_offer_received(&oa, sdp_with("audio:3000 video:0")), 0);
	ck_assert_int_eq(media_oa_answer_sent(&oa, sdp_with("audio:1000 video:0")), 0);
	/* RFC 3264 8.1: a stream added mid-call */
	ck_assert_int_eq(media_oa_offer_sent(&oa, sdp_with("audio:1000 video:0 video:1004")), 0);
	ck_assert_int_eq(media_oa_answer_received(&oa, sdp_with("audio:2000 video:0 video:2004")), 0);
	ck_assert_uint_eq(oa.mlines, 3);
	media_sdp_free(removed);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_rollback_keeps_last_negotiated)
{
	struct media_oa oa;
	struct media_sdp *local = sdp_with("audio:1000"), *remote = sdp_with("audio:2000");

	media_oa_init(&oa);
	ck_assert_int_eq(media_oa_rollback(&oa), EPROTO);
	ck_assert_int_eq(media_oa_offer_sent(&oa, local), 0);
	ck_assert_int_eq(media_oa_answer_received(&oa, remote), 0);
	/* a re-INVITE refused with 488 */
	ck_assert_int_eq(media_oa_offer_received(&oa, sdp_with("audio:4000")), 0);
	ck_assert_int_eq(media_oa_rollback(&oa), 0);
	ck_assert_int_eq(oa.state, MEDIA_OA_STABLE);
	ck_assert_ptr_eq(oa.local, local);
	ck_assert_ptr_eq(oa.remote, remote);
	media_oa_reset(&oa);
}
END_TEST

START_TEST(test_oa_late_offer_in_200_answer_in_ack)
{
	struct media_oa leg_a, leg_b;

	/* INVITE without SDP on leg A: we offer in our 200, the ACK answers;
	 * leg B runs its own exchange independently (its 200 carried an offer
	 * that we answer in the ACK) */
	media_oa_init(&leg_a);
	media_oa_init(&leg_b);
	ck_assert_int_eq(media_oa_offer_received(&leg_b, sdp_with("audio:5000")), 0);
	ck_assert_int_eq(media_oa_offer_sent(&leg_a, sdp_with("audio:20000")), 0);
	ck_assert_int_eq(media_oa_answer_received(&leg_a, sdp_with("audio:6000")), 0);
	ck_assert_int_eq(media_oa_answer_sent(&leg_b, sdp_with("audio:30000")), 0);
	ck_assert_int_eq(leg_a.state, MEDIA_OA_STABLE);
	ck_assert_int_eq(leg_b.state, MEDIA_OA_STABLE);
	ck_assert_uint_eq(leg_a.remote->streams[0].port, 6000);
	ck_assert_uint_eq(leg_b.remote->streams[0].port, 5000);
	media_oa_reset(&leg_a);
	media_oa_reset(&leg_b);
}
END_TEST

static Suite *oa_suite(void)
{
	Suite *s = suite_create("sdp_oa");
	TCase *tc = tcase_create("oa");

	tcase_add_test(tc, test_oa_offer_then_answer_becomes_negotiated);
	tcase_add_test(tc, test_oa_second_offer_while_one_outstanding_is_ebusy);
	tcase_add_test(tc, test_oa_answer_without_offer_is_eproto);
	tcase_add_test(tc, test_oa_answer_must_match_offer_mlines);
	tcase_add_test(tc, test_oa_reoffer_may_add_but_not_remove_mlines);
	tcase_add_test(tc, test_oa_rollback_keeps_last_negotiated);
	tcase_add_test(tc, test_oa_late_offer_in_200_answer_in_ack);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(oa_suite());
}
