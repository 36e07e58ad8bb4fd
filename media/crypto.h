/* SRTP (RFC 3711, RFC 7714) through libsrtp2, and SDES keys (RFC 4568).
 *
 * A struct media_srtp is one direction: either it protects what we send
 * to a peer or it unprotects what a peer sends us.  Errors of libsrtp and
 * OpenSSL are logged with their own codes here and returned as errno
 * values.
 */
#ifndef MEDIA_CRYPTO_H
#define MEDIA_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/sdp.h"

enum media_suite {
	MEDIA_SUITE_NONE = 0,
	MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80,
	MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32,
	MEDIA_SUITE_AEAD_AES_128_GCM,	/* RFC 7714 */
	MEDIA_SUITE_AEAD_AES_256_GCM,
};

#define MEDIA_KEY_MAX 44	/* master key + salt of the largest suite */
#define MEDIA_MKI_MAX 8		/* MKI bytes we accept (RFC 4568 allows 128) */
/* bytes protect() may add to RTP: tag and MKI (+4 for the SRTCP index) */
#define MEDIA_SRTP_MAX_TRAILER (16 + MEDIA_MKI_MAX)

struct media_key {
	enum media_suite suite;
	uint8_t key[MEDIA_KEY_MAX];	/* master key then master salt */
	size_t len;
	/* RFC 3711 3.1: the master key identifier its packets carry, if any
	 * (a=crypto "|MKI:length"), big-endian in mki_len bytes */
	uint8_t mki[MEDIA_MKI_MAX];
	uint8_t mki_len;
};

/* libsrtp's srtp_init, once per process; returns 0 or EIO */
int media_srtp_init(void);
/* whether AES-CM and HMAC-SHA1 run on OpenSSL (crypto_ossl.c) rather
 * than on libsrtp's own primitives; after media_srtp_init */
bool media_srtp_openssl(void);
/* before the first media_srtp_init only: false keeps libsrtp's own
 * primitives (for comparing the two; the default is OpenSSL's) */
void media_srtp_use_openssl(bool on);
/* crypto_ossl.c: hands libsrtp the OpenSSL types; true when it took both */
bool media_crypto_ossl_register(void);

/* the SDP name (RFC 4568 6.2, RFC 7714 14.2), NULL for NONE */
const char *media_suite_name(enum media_suite s);
/* ENOTSUP for a suite we do not know or the installed libsrtp lacks */
int media_suite_from_name(const struct media_str *name, enum media_suite *out);
size_t media_suite_key_len(enum media_suite s);
bool media_suite_supported(enum media_suite s);

/* a fresh key from the CSPRNG (OpenSSL RAND_bytes); EIO when it fails */
int media_key_generate(struct media_key *k, enum media_suite s);
/* the key of an a=crypto line: suite, "inline:BASE64[|lifetime][|MKI:len]".
 * EBADMSG for a malformed key, ENOTSUP for an unknown suite, an MKI
 * longer than MEDIA_MKI_MAX bytes, several keys, or session parameters we
 * cannot honour; *k is set only on success */
int media_key_from_sdes(struct media_key *k, const struct media_sdp_crypto *c);
/* "inline:BASE64[|MKI:len]" into buf; ENOSPC when it does not fit */
int media_key_to_sdes(const struct media_key *k, char *buf, size_t size);
bool media_key_eq(const struct media_key *a, const struct media_key *b);
/* The answerer's choice (RFC 4568 7.1.1, 7.1.2): the first a=crypto line of
 * the stream whose suite is in 'allowed' (in the offer's order, NONE-ended
 * list; NULL: every suite we support) and whose key we can use.  *idxp is
 * the line's index in st->crypto, *key its key.  ENOENT when none fits:
 * the stream is refused (or the answer made without SRTP, by policy). */
int media_crypto_choose(const struct media_sdp_stream *st, const enum media_suite *allowed,
			unsigned *idxp, struct media_key *key);

struct media_srtp;

/* one direction's context (inbound: unprotect) for any SSRC */
int media_srtp_alloc(struct media_srtp **sp, const struct media_key *k, bool inbound);
void media_srtp_free(struct media_srtp *s);
/* protects in place; *len grows by the trailer, within cap (ENOSPC) */
int media_srtp_protect(struct media_srtp *s, void *pkt, size_t *len, size_t cap, bool rtcp);
/* unprotects in place: 0, EACCES authentication failure, EALREADY replay,
 * EBADMSG anything else libsrtp refuses */
int media_srtp_unprotect(struct media_srtp *s, void *pkt, size_t *len, bool rtcp);

#endif
