/* libFuzzer harness for stream framing (tp_frame_scan).
 *
 * The input is a stream of SIP as it would arrive on a connection.  It is
 * framed three times: all at once, one byte at a time, and in chunks of
 * sizes drawn from a hash of the input, as reads from a socket would
 * deliver it.  All must cut the same messages at the same offsets, owe the
 * same number of pongs and end the same way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"

enum { MAX_UNITS = 4096 };

struct result {
	size_t msg_off[MAX_UNITS];
	size_t msg_len[MAX_UNITS];
	unsigned nmsg;
	unsigned pongs;
	int end;		/* EAGAIN or EBADMSG */
};

static size_t next_chunk(uint32_t *state)
{
	/* xorshift: sizes from 1 to 64, with an occasional large read */
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return (x & 7) == 0 ? 1 + (x >> 8) % 4096 : 1 + (x >> 8) % 64;
}

/* chunking: 0 all at once, 1 byte by byte, else the xorshift seed */
static void frame(const char *s, size_t len, uint32_t seed, struct result *r)
{
	struct tp_frame f;
	size_t consumed = 0, avail = 0;
	uint32_t state = seed;

	memset(r, 0, sizeof(*r));
	tp_frame_init(&f);
	r->end = EAGAIN;
	while (avail < len) {
		avail += seed == 0 ? len : seed == 1 ? 1 : next_chunk(&state);
		if (avail > len)
			avail = len;
		for (;;) {
			size_t n = 0;
			int err = tp_frame_scan(&f, s + consumed, avail - consumed, &n);

			if (err == EAGAIN)
				break;
			if (err != 0) {
				if (err != EBADMSG)
					abort();
				r->end = EBADMSG;
				return;
			}
			if (n == 0 || n > avail - consumed)
				abort();
			if (f.keepalive) {
				r->pongs += f.pongs;
			} else {
				if (n > TP_FRAME_MAX || s[consumed] == '\n')
					abort();
				if (r->nmsg < MAX_UNITS) {
					r->msg_off[r->nmsg] = consumed;
					r->msg_len[r->nmsg] = n;
				}
				r->nmsg++;
			}
			consumed += n;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct result *a, const struct result *b)
{
	if (a->end != b->end || a->nmsg != b->nmsg)
		abort();
	if (a->end == EAGAIN && a->pongs != b->pongs)
		abort();
	for (unsigned i = 0; i < a->nmsg && i < MAX_UNITS; i++) {
		if (a->msg_off[i] != b->msg_off[i] || a->msg_len[i] != b->msg_len[i])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, part;
	uint32_t seed = 2166136261u;
	char *s;

	if (size == 0)
		return 0;
	/* a copy of its own size, so ASan sees any read past the end */
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data, size);
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	if (seed < 2)
		seed += 2;

	frame(s, size, 0, &whole);
	frame(s, size, 1, &part);
	same(&whole, &part);
	frame(s, size, seed, &part);
	same(&whole, &part);
	free(s);
	return 0;
}
