/* SRTP through the media wrapper: known-answer vectors (libsrtp's reference
 * packets for the RFC 3711 default and RFC 7714 GCM), failures counted as
 * errors, SDES keys (RFC 4568). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "media/crypto.h"
#include "testutil.h"

static const uint8_t cm_key[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41,
	0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};
static const uint8_t rtp_plain[28] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};
static const uint8_t cm80_rtp[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0x4e,
	0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15, 0x94, 0x9d,
	0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb,
};
static const uint8_t rtcp_plain[24] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};
static const uint8_t cm80_rtcp[38] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0x71, 0x28, 0x03, 0x5b, 0xe4,
	0x87, 0xb9, 0xbd, 0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8, 0x80, 0x00,
	0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98,
};
static const uint8_t gcm_key[28] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
	0x0e, 0x0f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
};
static const uint8_t gcm_rtp[44] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0xc5, 0x00, 0x2e,
	0xde, 0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11, 0x59, 0xe0, 0x88, 0x0a, 0xa0, 0x6e, 0xd2, 0x97,
	0x68, 0x26, 0xf7, 0x96, 0xb2, 0x01, 0xdf, 0x31, 0x31, 0xa1, 0x27, 0xe8, 0xa3, 0x92,
};
static const uint8_t gcm_rtcp[44] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xc9, 0x8b, 0x8b, 0x5d, 0xf0, 0x39, 0x2a,
	0x55, 0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e, 0x70, 0x25, 0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3,
	0xb4, 0x46, 0xea, 0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e, 0x80, 0x00, 0x00, 0x01,
};

static struct media_key key_of(enum media_suite s, const uint8_t *k, size_t len)
{
	struct media_key key = { .suite = s, .len = len };

	memcpy(key.key, k, len);
	return key;
}

/* protect plain and compare with cipher; unprotect cipher and compare with plain */
static void known_answer(const struct media_key *k, const uint8_t *plain, size_t plen,
			 const uint8_t *cipher, size_t clen, bool rtcp)
{
	struct media_srtp *tx, *rx;
	uint8_t buf[128];
	size_t len = plen;

	ck_assert_int_eq(media_srtp_alloc(&tx, k, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&rx, k, true), 0);
	memcpy(buf, plain, plen);
	ck_assert_int_eq(media_srtp_protect(tx, buf, &len, sizeof(buf), rtcp), 0);
	ck_assert_uint_eq(len, clen);
	ck_assert_msg(memcmp(buf, cipher, clen) == 0, "ciphertext differs from the reference");
	memcpy(buf, cipher, clen);
	len = clen;
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, rtcp), 0);
	ck_assert_uint_eq(len, plen);
	ck_assert(memcmp(buf, plain, plen) == 0);
	media_srtp_free(tx);
	media_srtp_free(rx);
}

START_TEST(test_srtp_aes_cm_128_sha1_80_known_answer)
{
	struct media_key k = key_of(MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, cm_key, 30);

	known_answer(&k, rtp_plain, 28, cm80_rtp, 38, false);
	known_answer(&k, rtcp_plain, 24, cm80_rtcp, 38, true);
}
END_TEST

/* libsrtp took our OpenSSL AES-CM and HMAC-SHA1 (after their own
 * known-answer tests); the known answers above and below run through them */
START_TEST(test_srtp_primitives_run_on_openssl)
{
	ck_assert(media_srtp_openssl());
}
END_TEST

START_TEST(test_srtp_aes_cm_128_sha1_32_known_answer)
{
	struct media_key k = key_of(MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32, cm_key, 30);

	/* the same keystream, the tag cut to 4 bytes; SRTCP keeps the 80-bit tag */
	known_answer(&k, rtp_plain, 28, cm80_rtp, 32, false);
	known_answer(&k, rtcp_plain, 24, cm80_rtcp, 38, true);
}
END_TEST

START_TEST(test_srtp_aead_aes_128_gcm_known_answer)
{
	struct media_key k = key_of(MEDIA_SUITE_AEAD_AES_128_GCM, gcm_key, 28);

	if (!media_suite_supported(MEDIA_SUITE_AEAD_AES_128_GCM))
		return;
	known_answer(&k, rtp_plain, 28, gcm_rtp, 44, false);
	known_answer(&k, rtcp_plain, 24, gcm_rtcp, 44, true);
}
END_TEST

START_TEST(test_srtp_tampered_packet_is_auth_failure_and_repeat_is_replay)
{
	struct media_key k = key_of(MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, cm_key, 30);
	struct media_srtp *rx;
	uint8_t buf[64];
	size_t len;

	ck_assert_int_eq(media_srtp_alloc(&rx, &k, true), 0);
	memcpy(buf, cm80_rtp, 38);
	buf[20] ^= 1;
	len = 38;
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), EACCES);
	memcpy(buf, cm80_rtp, 38);
	len = 38;
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), 0);
	memcpy(buf, cm80_rtp, 38);
	len = 38;
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), EALREADY);
	len = 5;
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), EBADMSG);
	media_srtp_free(rx);
}
END_TEST

START_TEST(test_srtp_wrong_key_never_decrypts)
{
	struct media_key k;
	struct media_srtp *rx;
	uint8_t buf[64];
	size_t len = 38;

	ck_assert_int_eq(media_key_generate(&k, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_srtp_alloc(&rx, &k, true), 0);
	memcpy(buf, cm80_rtp, 38);
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), EACCES);
	media_srtp_free(rx);
}
END_TEST

START_TEST(test_srtp_protect_needs_room_for_the_tag)
{
	struct media_key k = key_of(MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, cm_key, 30);
	struct media_srtp *tx;
	uint8_t buf[38];
	size_t len = 28;

	ck_assert_int_eq(media_srtp_alloc(&tx, &k, false), 0);
	memcpy(buf, rtp_plain, 28);
	ck_assert_int_eq(media_srtp_protect(tx, buf, &len, 30, false), ENOSPC);
	ck_assert_uint_eq(len, 28);
	media_srtp_free(tx);
}
END_TEST

static struct media_sdp_crypto crypto_line(const char *suite, const char *kp, const char *sp)
{
	struct media_sdp_crypto c = { 1, { suite, strlen(suite) }, { kp, strlen(kp) }, { sp, strlen(sp) } };

	return c;
}

START_TEST(test_sdes_key_parse_and_format_round_trip)
{
	struct media_sdp_crypto c;
	struct media_key k, k2;
	char buf[80];

	/* RFC 4568 section 9.1's example key, lifetime kept out of the key */
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), 0);
	ck_assert_int_eq(k.suite, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(k.len, 30);
	ck_assert_int_eq(media_key_to_sdes(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
	c = crypto_line("AES_CM_128_HMAC_SHA1_32", buf, "");
	ck_assert_int_eq(media_key_from_sdes(&k2, &c), 0);
	ck_assert_int_eq(k2.suite, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert(memcmp(k.key, k2.key, 30) == 0);
	ck_assert_int_eq(media_key_to_sdes(&k, buf, 20), ENOSPC);
}
END_TEST

START_TEST(test_sdes_gcm_keys_with_and_without_padding)
{
	struct media_sdp_crypto c;
	struct media_key k, back;
	char buf[80];

	if (!media_suite_supported(MEDIA_SUITE_AEAD_AES_256_GCM))
		return;
	ck_assert_int_eq(media_key_generate(&k, MEDIA_SUITE_AEAD_AES_256_GCM), 0);
	ck_assert_uint_eq(k.len, 44);
	ck_assert_int_eq(media_key_to_sdes(&k, buf, sizeof(buf)), 0);
	c = crypto_line("AEAD_AES_256_GCM", buf, "");
	ck_assert_int_eq(media_key_from_sdes(&back, &c), 0);
	ck_assert(media_key_eq(&k, &back));
	/* 28 bytes of AES-128-GCM need padding; accept it left out */
	ck_assert_int_eq(media_key_generate(&k, MEDIA_SUITE_AEAD_AES_128_GCM), 0);
	ck_assert_int_eq(media_key_to_sdes(&k, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strchr(buf, '='));
	*strchr(buf, '=') = '\0';
	c = crypto_line("AEAD_AES_128_GCM", buf, "");
	ck_assert_int_eq(media_key_from_sdes(&back, &c), 0);
	ck_assert(media_key_eq(&k, &back));
}
END_TEST

START_TEST(test_sdes_unsupported_and_malformed_keys_refused)
{
	struct media_sdp_crypto c;
	struct media_key k;

	c = crypto_line("F8_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), ENOTSUP);
	/* an MKI longer than we take, or one that does not fit its length */
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:9", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), ENOTSUP);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|300:1", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:200", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|x:4", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "UNENCRYPTED_SRTP");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), ENOTSUP);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "WSH=128");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), 0);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywj", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
	/* a refused key leaves the output as it was */
	memset(&k, 0x5a, sizeof(k));
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:9", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), ENOTSUP);
	ck_assert_uint_eq(k.key[0], 0x5a);
	ck_assert_uint_eq(k.key[29], 0x5a);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
	c = crypto_line("AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjk*PywjNWhcYD0mXXtxaVBR", "");
	ck_assert_int_eq(media_key_from_sdes(&k, &c), EBADMSG);
}
END_TEST

/* RFC 4568 section 9.1's key with its MKI 1 of 4 bytes: the packets carry it */
START_TEST(test_sdes_key_with_mki_protects_and_unprotects)
{
	struct media_sdp_crypto c = crypto_line("AES_CM_128_HMAC_SHA1_80",
						"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4", "");
	struct media_key k, plain_k;
	struct media_srtp *tx, *rx, *rx_no_mki;
	uint8_t buf[128], copy[128];
	char text[96];
	size_t len = 28;

	ck_assert_int_eq(media_key_from_sdes(&k, &c), 0);
	ck_assert_uint_eq(k.mki_len, 4);
	ck_assert(memcmp(k.mki, "\0\0\0\1", 4) == 0);
	ck_assert_int_eq(media_key_to_sdes(&k, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4");
	plain_k = k;
	plain_k.mki_len = 0;
	ck_assert(!media_key_eq(&k, &plain_k));
	ck_assert_int_eq(media_srtp_alloc(&tx, &k, false), 0);
	ck_assert_int_eq(media_srtp_alloc(&rx, &k, true), 0);
	ck_assert_int_eq(media_srtp_alloc(&rx_no_mki, &plain_k, true), 0);
	memcpy(buf, rtp_plain, 28);
	ck_assert_int_eq(media_srtp_protect(tx, buf, &len, sizeof(buf), false), 0);
	/* RFC 3711 3.1: payload, MKI, then the tag */
	ck_assert_uint_eq(len, 28 + 4 + 10);
	ck_assert(memcmp(buf + 28, "\0\0\0\1", 4) == 0);
	memcpy(copy, buf, len);
	ck_assert_int_eq(media_srtp_unprotect(rx, buf, &len, false), 0);
	ck_assert_uint_eq(len, 28);
	ck_assert(memcmp(buf, rtp_plain, 28) == 0);
	len = 42;
	ck_assert_int_eq(media_srtp_unprotect(rx_no_mki, copy, &len, false), EACCES);
	media_srtp_free(tx);
	media_srtp_free(rx);
	media_srtp_free(rx_no_mki);
}
END_TEST

START_TEST(test_generated_keys_differ)
{
	struct media_key a, b;

	ck_assert_int_eq(media_key_generate(&a, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert_int_eq(media_key_generate(&b, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	ck_assert(!media_key_eq(&a, &b));
	ck_assert_int_eq(media_key_generate(&a, MEDIA_SUITE_NONE), EINVAL);
}
END_TEST

START_TEST(test_sdes_answer_chooses_exactly_one_usable_line)
{
	static const char body[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
		"m=audio 1000 RTP/SAVP 0\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:9\r\n"
		"a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\r\n"
		"a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n";
	static const enum media_suite only80[] = { MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, MEDIA_SUITE_NONE };
	static const enum media_suite gcm[] = { MEDIA_SUITE_AEAD_AES_256_GCM, MEDIA_SUITE_NONE };
	struct media_sdp *sdp;
	struct media_key k;
	unsigned idx = 99;

	ck_assert_int_eq(media_sdp_parse(&sdp, body, sizeof(body) - 1), 0);
	/* unknown suite and a 9-byte MKI skipped: the first usable line is tag 3 */
	ck_assert_int_eq(media_crypto_choose(&sdp->streams[0], NULL, &idx, &k), 0);
	ck_assert_uint_eq(sdp->streams[0].crypto[idx].tag, 3);
	ck_assert_int_eq(k.suite, MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32);
	/* the trunk's policy narrows it */
	ck_assert_int_eq(media_crypto_choose(&sdp->streams[0], only80, &idx, &k), 0);
	ck_assert_uint_eq(sdp->streams[0].crypto[idx].tag, 4);
	idx = 99;
	ck_assert_int_eq(media_crypto_choose(&sdp->streams[0], gcm, &idx, &k), ENOENT);
	ck_assert_uint_eq(idx, 99);
	media_sdp_free(sdp);
}
END_TEST

static Suite *srtp_suite(void)
{
	Suite *s = suite_create("srtp");
	TCase *tc = tcase_create("srtp");

	tcase_add_test(tc, test_srtp_primitives_run_on_openssl);
	tcase_add_test(tc, test_srtp_aes_cm_128_sha1_80_known_answer);
	tcase_add_test(tc, test_srtp_aes_cm_128_sha1_32_known_answer);
	tcase_add_test(tc, test_srtp_aead_aes_128_gcm_known_answer);
	tcase_add_test(tc, test_srtp_tampered_packet_is_auth_failure_and_repeat_is_replay);
	tcase_add_test(tc, test_srtp_wrong_key_never_decrypts);
	tcase_add_test(tc, test_srtp_protect_needs_room_for_the_tag);
	suite_add_tcase(s, tc);
	tc = tcase_create("sdes");
	tcase_add_test(tc, test_sdes_key_parse_and_format_round_trip);
	tcase_add_test(tc, test_sdes_gcm_keys_with_and_without_padding);
	tcase_add_test(tc, test_sdes_unsupported_and_malformed_keys_refused);
	tcase_add_test(tc, test_generated_keys_differ);
	tcase_add_test(tc, test_sdes_key_with_mki_protects_and_unprotects);
	tcase_add_test(tc, test_sdes_answer_chooses_exactly_one_usable_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(srtp_suite());
}
