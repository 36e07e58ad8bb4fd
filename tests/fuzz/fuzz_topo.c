/* libFuzzer harness: the egress leak check.  Input: a count of identifiers,
 * each identifier as a length byte and its bytes, then the message.  The
 * check must name exactly what looking for one identifier after the other
 * with memmem names (topo_ref.h), and read nothing outside the message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "call/topo.h"
#include "../unit/topo_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char toks[TOPO_MAX_TOKENS][256];
	struct topo_guard g;
	struct mbuf *mb;
	size_t pos = 1;
	unsigned n;

	if (size < 1)
		return 0;
	memset(&g, 0, sizeof(g));
	n = data[0] % (TOPO_MAX_TOKENS + 1);
	for (unsigned i = 0; i < n && pos < size; i++) {
		size_t tl = data[pos++];

		if (tl > size - pos)
			tl = size - pos;
		memcpy(toks[i], data + pos, tl);
		toks[i][tl] = '\0';
		pos += tl;
		topo_guard_add(&g, toks[i]);
	}
	/* the message in a buffer of exactly its size (mbuf_alloc adds a
	 * NUL), so that ASan sees a read one byte past its end */
	mb = malloc(sizeof(*mb) + (size - pos));
	if (!mb)
		return 0;
	mb->refs = 1;
	mb->size = mb->len = size - pos;
	memcpy(mb->data, data + pos, size - pos);
	if (topo_leak(&g, mb) != topo_ref_leak(g.tok, g.n, mb->data, mb->len))
		abort();
	free(mb);
	return 0;
}
