/* RTCP on the way through: SDES items that name the peer are replaced. */
#include <check.h>
#include <string.h>

#include "media/rtcp.h"
#include "testutil.h"

/* RR (8 bytes) + SDES with one chunk: CNAME "alice@10.1.2.3", TOOL "PBX 1.0" */
static const uint8_t compound[] = {
	0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
	0x81, 202, 0x00, 0x08, 0x11, 0x22, 0x33, 0x44,
	1, 14, 'a', 'l', 'i', 'c', 'e', '@', '1', '0', '.', '1', '.', '2', '.', '3',
	6, 7, 'P', 'B', 'X', ' ', '1', '.', '0', 0, 0, 0,
};

START_TEST(test_rtcp_sdes_items_are_replaced_by_our_cname)
{
	uint8_t p[256];
	size_t n;

	ck_assert_uint_eq(sizeof(compound) % 4, 0);
	memcpy(p, compound, sizeof(compound));
	n = media_rtcp_sanitize(p, sizeof(compound), sizeof(p));
	ck_assert_uint_eq(n, 8 + 4 + 12);
	/* the RR is untouched */
	ck_assert(memcmp(p, compound, 8) == 0);
	/* SDES: SC 1, length 3 words, the SSRC kept, CNAME "b2bua", END */
	ck_assert_uint_eq(p[8], 0x81);
	ck_assert_uint_eq(p[9], 202);
	ck_assert_uint_eq(p[10] << 8 | p[11], 3);
	ck_assert(memcmp(p + 12, "\x11\x22\x33\x44", 4) == 0);
	ck_assert_uint_eq(p[16], 1);
	ck_assert_uint_eq(p[17], 5);
	ck_assert(memcmp(p + 18, "b2bua", 5) == 0);
	ck_assert_uint_eq(p[23], 0);
	ck_assert_ptr_null(memmem(p, n, "10.1.2.3", 8));
	ck_assert_ptr_null(memmem(p, n, "PBX", 3));
}
END_TEST

START_TEST(test_rtcp_without_sdes_is_kept_as_it_is)
{
	static const uint8_t sr[28] = { 0x80, 200, 0, 6, 1, 2, 3, 4 };
	uint8_t p[64];

	memcpy(p, sr, sizeof(sr));
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(sr), sizeof(p)), sizeof(sr));
	ck_assert(memcmp(p, sr, sizeof(sr)) == 0);
}
END_TEST

START_TEST(test_rtcp_malformed_compounds_are_refused)
{
	uint8_t p[256];

	/* a length past the end */
	memcpy(p, compound, sizeof(compound));
	p[3] = 9;
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(compound), sizeof(p)), 0);
	/* an item running past its packet */
	memcpy(p, compound, sizeof(compound));
	p[17] = 60;
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(compound), sizeof(p)), 0);
	/* more chunks announced than present */
	memcpy(p, compound, sizeof(compound));
	p[8] = 0x83;
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(compound), sizeof(p)), 0);
	/* not version 2, and a truncated header */
	memcpy(p, compound, sizeof(compound));
	p[0] = 0x40;
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(compound), sizeof(p)), 0);
	ck_assert_uint_eq(media_rtcp_sanitize(p, 3, sizeof(p)), 0);
	/* no room for the rewritten packet */
	memcpy(p, compound, sizeof(compound));
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(compound), 20), 0);
}
END_TEST

START_TEST(test_rtcp_tiny_cname_chunks_may_grow)
{
	/* two chunks of 8 bytes (1-character CNAME) become 12 each */
	static const uint8_t sdes[20] = { 0x82, 202, 0, 4, 0, 0, 0, 1, 1, 1, 'x', 0,
					  0, 0, 0, 2, 1, 1, 'y', 0 };
	uint8_t p[64];

	memcpy(p, sdes, sizeof(sdes));
	ck_assert_uint_eq(media_rtcp_sanitize(p, sizeof(sdes), sizeof(p)), 28);
	ck_assert_uint_eq(p[3], 6);
	ck_assert(memcmp(p + 16, "\0\0\0\2", 4) == 0);
}
END_TEST

static Suite *rtcp_suite(void)
{
	Suite *s = suite_create("media_rtcp");
	TCase *tc = tcase_create("rtcp");

	tcase_add_test(tc, test_rtcp_sdes_items_are_replaced_by_our_cname);
	tcase_add_test(tc, test_rtcp_without_sdes_is_kept_as_it_is);
	tcase_add_test(tc, test_rtcp_malformed_compounds_are_refused);
	tcase_add_test(tc, test_rtcp_tiny_cname_chunks_may_grow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(rtcp_suite());
}
