/* SRTP contexts through libsrtp2, SDES key handling with OpenSSL. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MEDIA_SRTP_NSS
#include <nss.h>
#endif
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <srtp2/srtp.h>

#include "media/crypto.h"
#include "media/log.h"

struct media_srtp {
	srtp_t ctx;
	bool mki;		/* packets carry the MKI of keys[0] */
	srtp_master_key_t mk;	/* what the policy's keys[] points at */
	srtp_master_key_t *mkp;
	uint8_t key[MEDIA_KEY_MAX];
	uint8_t mki_id[MEDIA_MKI_MAX];
};

static const struct {
	enum media_suite suite;
	const char *name;
	size_t key_len;
} suites[] = {
	{ MEDIA_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 30 },
	{ MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 30 },
	{ MEDIA_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", SRTP_AES_GCM_128_KEY_LEN_WSALT },
	{ MEDIA_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", SRTP_AES_GCM_256_KEY_LEN_WSALT },
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t init_status;
static bool gcm_ok;
static bool ossl_ok;
static bool ossl_wanted = true;

static void set_policy(srtp_policy_t *p, const struct media_key *k, bool inbound)
{
	memset(p, 0, sizeof(*p));
	switch (k->suite) {
	case MEDIA_SUITE_AES_CM_128_HMAC_SHA1_32:
		/* RFC 4568 6.2.2: the short tag is for SRTP only; SRTCP keeps 80 */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
		break;
	case MEDIA_SUITE_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		break;
	case MEDIA_SUITE_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
		break;
	default:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
		break;
	}
	p->ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p->key = (unsigned char *)(uintptr_t)k->key;
	p->window_size = 128;
	/* a relay forwards what it gets; a duplicate from the sender must not
	 * turn into a protect failure */
	p->allow_repeat_tx = 1;
}

static void init(void)
{
	struct media_key k = { .suite = MEDIA_SUITE_AEAD_AES_128_GCM, .len = 28 };
	srtp_policy_t p;
	srtp_t ctx;

#ifdef MEDIA_SRTP_NSS
	/* libsrtp on NSS would call NSS_NoDB_Init, whose set-up makes every
	 * cipher operation slower the more contexts are alive; the same
	 * database-less set-up without that costs a quarter at 3000 streams */
	if (!NSS_IsInitialized() &&
	    NSS_Initialize("", "", "", "", NSS_INIT_READONLY | NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB |
			   NSS_INIT_FORCEOPEN | NSS_INIT_NOROOTINIT) != SECSuccess)
		media_logf(MEDIA_LOG_WARN, "NSS_Initialize failed: NSS error %d; libsrtp sets NSS up itself",
			   (int)PORT_GetError());
#endif
	init_status = srtp_init();
	if (init_status) {
		media_logf(MEDIA_LOG_ERR, "srtp_init failed: libsrtp status %d", (int)init_status);
		return;
	}
	ossl_ok = ossl_wanted && media_crypto_ossl_register();
	/* GCM exists only when libsrtp was built with a crypto library */
	set_policy(&p, &k, true);
	if (srtp_create(&ctx, &p) == srtp_err_status_ok) {
		gcm_ok = true;
		srtp_dealloc(ctx);
	}
}

int media_srtp_init(void)
{
	pthread_once(&init_once, init);
	return init_status ? EIO : 0;
}

void media_srtp_use_openssl(bool on)
{
	ossl_wanted = on;
}

bool media_srtp_openssl(void)
{
	return media_srtp_init() == 0 && ossl_ok;
}

const char *media_suite_name(enum media_suite s)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].suite == s)
			return suites[i].name;
	return NULL;
}

size_t media_suite_key_len(enum media_suite s)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].suite == s)
			return suites[i].key_len;
	return 0;
}

bool media_suite_supported(enum media_suite s)
{
	if (media_srtp_init())
		return false;
	if (s == MEDIA_SUITE_AEAD_AES_128_GCM || s == MEDIA_SUITE_AEAD_AES_256_GCM)
		return gcm_ok;
	return media_suite_key_len(s) != 0;
}

int media_suite_from_name(const struct media_str *name, enum media_suite *out)
{
	size_t i;

	for (i = 0; i < NSUITES; i++) {
		if (media_str_eq(name, suites[i].name)) {
			if (!media_suite_supported(suites[i].suite))
				return ENOTSUP;
			*out = suites[i].suite;
			return 0;
		}
	}
	return ENOTSUP;
}

int media_key_generate(struct media_key *k, enum media_suite s)
{
	size_t len = media_suite_key_len(s);

	if (!len)
		return EINVAL;
	if (RAND_bytes(k->key, (int)len) != 1) {
		media_logf(MEDIA_LOG_ERR, "RAND_bytes failed: OpenSSL error %lu", ERR_get_error());
		return EIO;
	}
	k->suite = s;
	k->len = len;
	k->mki_len = 0;	/* our packets carry no MKI */
	return 0;
}

static int b64_decode(const char *p, size_t l, uint8_t *out, size_t want)
{
	char in[96];
	uint8_t buf[72];
	size_t n = l, pad = 0;
	int got;

	/* some peers leave out the '=' padding */
	if (l == 0 || l + 3 > sizeof(in))
		return EBADMSG;
	memcpy(in, p, l);
	while (n % 4)
		in[n++] = '=';
	while (pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	got = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (got < 0 || (size_t)got < pad || (size_t)got - pad != want)
		return EBADMSG;
	memcpy(out, buf, want);
	return 0;
}

static int dec_u64(const char *p, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (p == e || e - p > 19)
		return EBADMSG;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return EBADMSG;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

/* RFC 4568 9.2: mki = mki-value ":" mki-length, both decimal */
static int parse_mki(struct media_key *k, const char *p, const char *colon, const char *e)
{
	uint64_t value, len;
	unsigned i;

	if (dec_u64(p, colon, &value) || dec_u64(colon + 1, e, &len) || len < 1 || len > 128)
		return EBADMSG;
	if (len > MEDIA_MKI_MAX)
		return ENOTSUP;
	if (len < 8 && value >> (8 * len))
		return EBADMSG;
	for (i = 0; i < len; i++)
		k->mki[len - 1 - i] = (uint8_t)(value >> (8 * i));
	k->mki_len = (uint8_t)len;
	return 0;
}

int media_key_from_sdes(struct media_key *out, const struct media_sdp_crypto *c)
{
	struct media_str kp = c->key_params;
	struct media_key key, *k = &key;
	enum media_suite s;
	const char *bar, *end;
	size_t len;
	int err;

	err = media_suite_from_name(&c->suite, &s);
	if (err)
		return err;
	len = media_suite_key_len(s);
	/* RFC 4568 9.2: one key; several (";") would need MKIs */
	if (kp.l < 7 || memcmp(kp.p, "inline:", 7) != 0)
		return EBADMSG;
	if (memchr(kp.p, ';', kp.l))
		return ENOTSUP;
	end = kp.p + kp.l;
	bar = memchr(kp.p + 7, '|', (size_t)(end - kp.p - 7));
	err = b64_decode(kp.p + 7, (size_t)((bar ? bar : end) - kp.p - 7), k->key, len);
	if (err)
		return err;
	/* lifetime ("2^20" or a number) is advisory; "value:length" is the MKI */
	k->mki_len = 0;
	while (bar) {
		const char *next = memchr(bar + 1, '|', (size_t)(end - bar - 1));
		const char *fe = next ? next : end;
		const char *colon = memchr(bar + 1, ':', (size_t)(fe - bar - 1));

		if (colon) {
			err = parse_mki(k, bar + 1, colon, fe);
			if (err)
				return err;
		}
		bar = next;
	}
	/* session parameters change the packet format too (RFC 4568 6.3);
	 * only the replay window size is harmless */
	if (c->session_params.l &&
	    !(c->session_params.l > 4 && memcmp(c->session_params.p, "WSH=", 4) == 0 &&
	      !memchr(c->session_params.p, ' ', c->session_params.l)))
		return ENOTSUP;
	k->suite = s;
	k->len = len;
	*out = key;
	return 0;
}

int media_key_to_sdes(const struct media_key *k, char *buf, size_t size)
{
	char b64[64];
	int n;

	if (!k->len || k->len > MEDIA_KEY_MAX)
		return EINVAL;
	n = EVP_EncodeBlock((unsigned char *)b64, k->key, (int)k->len);
	if (n <= 0 || (size_t)n + 8 > size)
		return ENOSPC;
	memcpy(buf, "inline:", 7);
	memcpy(buf + 7, b64, (size_t)n);
	buf[7 + n] = '\0';
	if (k->mki_len) {
		uint64_t v = 0;
		unsigned i;
		int m;

		for (i = 0; i < k->mki_len; i++)
			v = v << 8 | k->mki[i];
		m = snprintf(buf + 7 + n, size - 7 - (size_t)n, "|%llu:%u", (unsigned long long)v,
			     (unsigned)k->mki_len);
		if (m < 0 || (size_t)m >= size - 7 - (size_t)n)
			return ENOSPC;
	}
	return 0;
}

bool media_key_eq(const struct media_key *a, const struct media_key *b)
{
	return a->suite == b->suite && a->len == b->len && memcmp(a->key, b->key, a->len) == 0 &&
	       a->mki_len == b->mki_len && memcmp(a->mki, b->mki, a->mki_len) == 0;
}

int media_crypto_choose(const struct media_sdp_stream *st, const enum media_suite *allowed,
			unsigned *idxp, struct media_key *key)
{
	unsigned i;

	for (i = 0; i < st->ncrypto; i++) {
		struct media_key k;
		const enum media_suite *a;

		if (media_key_from_sdes(&k, &st->crypto[i]))
			continue;
		for (a = allowed; a && *a != MEDIA_SUITE_NONE && *a != k.suite; a++)
			;
		if (allowed && *a == MEDIA_SUITE_NONE)
			continue;
		*idxp = i;
		*key = k;
		return 0;
	}
	return ENOENT;
}

int media_srtp_alloc(struct media_srtp **sp, const struct media_key *k, bool inbound)
{
	struct media_srtp *s;
	srtp_err_status_t st;
	srtp_policy_t p;
	int err;

	err = media_srtp_init();
	if (err)
		return err;
	if (!k || k->len != media_suite_key_len(k->suite) || !k->len || k->mki_len > MEDIA_MKI_MAX)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	set_policy(&p, k, inbound);
	if (k->mki_len) {
		/* RFC 3711 3.1: one master key known by its MKI */
		memcpy(s->key, k->key, k->len);
		memcpy(s->mki_id, k->mki, k->mki_len);
		s->mk.key = s->key;
		s->mk.mki_id = s->mki_id;
		s->mk.mki_size = k->mki_len;
		s->mkp = &s->mk;
		p.key = NULL;
		p.keys = &s->mkp;
		p.num_master_keys = 1;
		s->mki = true;
	}
	st = srtp_create(&s->ctx, &p);
	if (st) {
		media_logf(MEDIA_LOG_ERR, "srtp_create (%s) failed: libsrtp status %d",
			   media_suite_name(k->suite), (int)st);
		free(s);
		return st == srtp_err_status_alloc_fail ? ENOMEM : EINVAL;
	}
	*sp = s;
	return 0;
}

void media_srtp_free(struct media_srtp *s)
{
	if (!s)
		return;
	srtp_dealloc(s->ctx);
	free(s);
}

static int status_err(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
	case srtp_err_status_bad_mki:
		return EACCES;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return EALREADY;
	default:
		return EBADMSG;
	}
}

int media_srtp_protect(struct media_srtp *s, void *pkt, size_t *len, size_t cap, bool rtcp)
{
	int n = (int)*len, err;

	if (*len < (rtcp ? 8u : 12u))
		return EBADMSG;
	if (*len + MEDIA_SRTP_MAX_TRAILER + 4 > cap)
		return ENOSPC;
	err = status_err(rtcp ? srtp_protect_rtcp_mki(s->ctx, pkt, &n, s->mki, 0)
			      : srtp_protect_mki(s->ctx, pkt, &n, s->mki, 0));
	if (err)
		return err;
	*len = (size_t)n;
	return 0;
}

int media_srtp_unprotect(struct media_srtp *s, void *pkt, size_t *len, bool rtcp)
{
	int n = (int)*len, err;

	if (*len < (rtcp ? 8u : 12u) || *len > 65535)
		return EBADMSG;
	err = status_err(rtcp ? srtp_unprotect_rtcp_mki(s->ctx, pkt, &n, s->mki)
			      : srtp_unprotect_mki(s->ctx, pkt, &n, s->mki));
	if (err)
		return err;
	*len = (size_t)n;
	return 0;
}
