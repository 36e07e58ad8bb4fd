/* AES-CM-128 (RFC 3711 4.1.1) and HMAC-SHA1 (RFC 3711 4.2.1) for libsrtp,
 * computed by OpenSSL.
 *
 * libsrtp keeps the protocol (key derivation, replay lists, the rollover
 * counter, the packet index) and calls its cipher and auth types for the
 * primitives.  Where libsrtp is built on NSS, each of those calls sets up
 * and tears down an NSS context, which costs several microseconds a packet.
 * These types keep one OpenSSL context per key for the life of the SRTP
 * session instead, and take the place of libsrtp's own through its
 * srtp_replace_cipher_type() and srtp_replace_auth_type().  libsrtp runs
 * each type's known-answer test (test_data below) before it accepts it.
 */
#include <stdlib.h>
#include <string.h>

/* SHA1_Init and friends are deprecated in OpenSSL 3 in favour of EVP,
 * whose per-message restart allocates (see HMAC-SHA1 below) */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>

#include "media/crypto.h"
#include "media/log.h"

#define ICM_KEY 16		/* AES-128 */
#define ICM_SALT 14		/* RFC 3711 4.1.1: 112-bit salt */
#define SHA1_LEN 20

/* ---- AES-CM ---- */

struct icm {
	EVP_CIPHER_CTX *ctx;
	uint8_t offset[16];	/* the salt, its last two octets zero */
};

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len);

/* RFC 3711 B.2: the keystream of the first two blocks */
static const uint8_t icm_key[ICM_KEY + ICM_SALT] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
	0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static uint8_t icm_iv[16];
static const uint8_t icm_zero[32];
static const uint8_t icm_stream[32] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
	0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
};
static const srtp_cipher_test_case_t icm_test = {
	.key_length_octets = sizeof(icm_key),
	.key = icm_key,
	.idx = icm_iv,
	.plaintext_length_octets = sizeof(icm_zero),
	.plaintext = icm_zero,
	.ciphertext_length_octets = sizeof(icm_stream),
	.ciphertext = icm_stream,
};

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c)
{
	struct icm *s = c->state;

	EVP_CIPHER_CTX_free(s->ctx);
	free(s);
	free(c);
	return srtp_err_status_ok;
}

static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
	struct icm *s = state;

	memset(s->offset, 0, sizeof(s->offset));
	memcpy(s->offset, key + ICM_KEY, ICM_SALT);
	if (!EVP_EncryptInit_ex(s->ctx, EVP_aes_128_ctr(), NULL, key, NULL))
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

/* RFC 3711 4.1.1: the counter is the salt XOR the IV libsrtp makes from
 * the SSRC and the packet index; OpenSSL's CTR mode counts on from it */
static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct icm *s = state;
	uint8_t ctr[16];

	(void)dir;
	for (unsigned i = 0; i < sizeof(ctr); i++)
		ctr[i] = s->offset[i] ^ iv[i];
	if (!EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, ctr))
		return srtp_err_status_cipher_fail;
	return srtp_err_status_ok;
}

/* the keystream XORed in place: encryption and decryption alike */
static srtp_err_status_t icm_crypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct icm *s = state;
	int out = 0;

	if (*len > (unsigned int)INT32_MAX || !EVP_EncryptUpdate(s->ctx, buf, &out, buf, (int)*len) ||
	    (unsigned int)out != *len)
		return srtp_err_status_cipher_fail;
	return srtp_err_status_ok;
}

static const srtp_cipher_type_t icm_type = {
	.alloc = icm_alloc,
	.dealloc = icm_dealloc,
	.init = icm_init,
	.encrypt = icm_crypt,
	.decrypt = icm_crypt,
	.set_iv = icm_set_iv,
	.description = "AES-128 counter mode (OpenSSL)",
	.test_data = &icm_test,
	.id = SRTP_AES_ICM_128,
};

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
	srtp_cipher_t *c;
	struct icm *s;

	(void)tag_len;
	if (key_len != ICM_KEY + ICM_SALT)
		return srtp_err_status_bad_param;
	c = calloc(1, sizeof(*c));
	s = calloc(1, sizeof(*s));
	if (!c || !s || !(s->ctx = EVP_CIPHER_CTX_new())) {
		free(s);
		free(c);
		return srtp_err_status_alloc_fail;
	}
	c->type = &icm_type;
	c->state = s;
	c->key_len = key_len;
	c->algorithm = SRTP_AES_ICM_128;
	*cp = c;
	return srtp_err_status_ok;
}

/* ---- HMAC-SHA1 ----
 *
 * RFC 2104 over OpenSSL's SHA-1 block functions: the key's inner and outer
 * pad are hashed once, at init, and each message starts from a copy of
 * those states.  Through EVP_MAC the same restart copies a provider
 * context, which allocates and frees memory on every packet. */

struct hmac {
	SHA_CTX inner, outer;	/* after the key's ipad and opad blocks */
	SHA_CTX work;		/* the message under way */
};

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len);

/* RFC 2202 2: test case 1 */
static const uint8_t hmac_key[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t hmac_data[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t hmac_tag[SHA1_LEN] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const srtp_auth_test_case_t hmac_test = {
	.key_length_octets = sizeof(hmac_key),
	.key = hmac_key,
	.data_length_octets = sizeof(hmac_data),
	.data = hmac_data,
	.tag_length_octets = sizeof(hmac_tag),
	.tag = hmac_tag,
};

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a)
{
	/* the key's states are secrets */
	OPENSSL_cleanse(a->state, sizeof(struct hmac));
	free(a->state);
	free(a);
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len)
{
	struct hmac *h = state;
	uint8_t pad[SHA_CBLOCK];
	int i, ok;

	/* keys longer than a block would be hashed first; SRTP's are 20 bytes */
	if (key_len < 0 || key_len > SHA_CBLOCK)
		return srtp_err_status_bad_param;
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < key_len; i++)
		pad[i] ^= key[i];
	ok = SHA1_Init(&h->inner) && SHA1_Update(&h->inner, pad, sizeof(pad));
	for (i = 0; i < SHA_CBLOCK; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	ok = ok && SHA1_Init(&h->outer) && SHA1_Update(&h->outer, pad, sizeof(pad));
	/* the pads are the key: gone whatever happened */
	OPENSSL_cleanse(pad, sizeof(pad));
	if (!ok)
		return srtp_err_status_auth_fail;
	h->work = h->inner;
	return srtp_err_status_ok;
}

/* a new message under the same key */
static srtp_err_status_t hmac_start(void *state)
{
	struct hmac *h = state;

	h->work = h->inner;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *buf, int len)
{
	struct hmac *h = state;

	if (len < 0 || !SHA1_Update(&h->work, buf, (size_t)len))
		return srtp_err_status_auth_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *buf, int len, int tag_len,
				      uint8_t *tag)
{
	struct hmac *h = state;
	uint8_t md[SHA1_LEN];

	if (tag_len < 0 || tag_len > SHA1_LEN || hmac_update(state, buf, len) ||
	    !SHA1_Final(md, &h->work))
		return srtp_err_status_auth_fail;
	h->work = h->outer;
	if (!SHA1_Update(&h->work, md, sizeof(md)) || !SHA1_Final(md, &h->work))
		return srtp_err_status_auth_fail;
	memcpy(tag, md, (size_t)tag_len);
	return srtp_err_status_ok;
}

static const srtp_auth_type_t hmac_type = {
	.alloc = hmac_alloc,
	.dealloc = hmac_dealloc,
	.init = hmac_init,
	.compute = hmac_compute,
	.update = hmac_update,
	.start = hmac_start,
	.description = "HMAC-SHA1 (OpenSSL SHA-1)",
	.test_data = &hmac_test,
	.id = SRTP_HMAC_SHA1,
};

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
	srtp_auth_t *a;

	if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 || out_len > SHA1_LEN)
		return srtp_err_status_bad_param;
	a = calloc(1, sizeof(*a));
	if (!a || !(a->state = calloc(1, sizeof(struct hmac)))) {
		free(a);
		return srtp_err_status_alloc_fail;
	}
	a->type = &hmac_type;
	a->key_len = key_len;
	a->out_len = out_len;
	*ap = a;
	return srtp_err_status_ok;
}

bool media_crypto_ossl_register(void)
{
	srtp_err_status_t st;

	st = srtp_replace_cipher_type(&icm_type, SRTP_AES_ICM_128);
	if (st) {
		media_logf(MEDIA_LOG_WARN, "AES-CM through OpenSSL refused: libsrtp status %d", (int)st);
		return false;
	}
	st = srtp_replace_auth_type(&hmac_type, SRTP_HMAC_SHA1);
	if (st) {
		media_logf(MEDIA_LOG_WARN, "HMAC-SHA1 through OpenSSL refused: libsrtp status %d", (int)st);
		return false;
	}
	return true;
}
