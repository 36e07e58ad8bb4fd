/* The digit trie behind longest-prefix routing.
 *
 * Built once from prefixes sorted with strcmp, so that every subtree is a
 * contiguous run of the input and a node's items (prefixes ending there)
 * come first in its run.  Nodes are 16 bytes with their children side by
 * side: a million random prefixes take a few million nodes and a lookup
 * touches one node per digit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_priv.h"

/* ASCII order, so that sorted input gives children in bit order */
static int char_index(char c)
{
	switch (c) {
	case '#': return 0;
	case '*': return 1;
	case '+': return 2;
	default:
		return (c >= '0' && c <= '9') ? 3 + (c - '0') : -1;
	}
}

static int node_alloc(struct policy_trie *t, unsigned n, uint32_t *first)
{
	while (t->n_nodes + n > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		struct policy_trie_node *p = realloc(t->nodes, ncap * sizeof(*p));

		if (!p)
			return ENOMEM;
		t->nodes = p;
		t->cap = ncap;
	}
	if (t->n_nodes + n > UINT32_MAX)
		return ENOMEM;
	memset(&t->nodes[t->n_nodes], 0, n * sizeof(t->nodes[0]));
	*first = (uint32_t)t->n_nodes;
	t->n_nodes += n;
	return 0;
}

#define PFX(i) (base + (i) * stride)

static int build(struct policy_trie *t, uint32_t node, const char *base, size_t stride,
		 size_t lo, size_t hi, size_t depth)
{
	size_t i = lo, starts[13], ends[13];
	unsigned nchild = 0;
	uint16_t mask = 0;
	uint32_t child;
	int err;

	while (i < hi && PFX(i)[depth] == '\0')
		i++;
	t->nodes[node].first = (uint32_t)lo;
	t->nodes[node].count = (uint32_t)(i - lo);
	while (i < hi) {
		int c = char_index(PFX(i)[depth]);
		size_t j = i + 1;

		while (j < hi && PFX(j)[depth] == PFX(i)[depth])
			j++;
		if (c < 0 || depth + 1 >= POLICY_TRIE_DEPTH)
			return EINVAL;
		mask |= (uint16_t)(1u << c);
		starts[nchild] = i;
		ends[nchild] = j;
		nchild++;
		i = j;
	}
	if (!nchild)
		return 0;
	err = node_alloc(t, nchild, &child);
	if (err)
		return err;
	t->nodes[node].child_base = child;
	t->nodes[node].child_mask = mask;
	for (unsigned k = 0; k < nchild; k++) {
		err = build(t, child + k, base, stride, starts[k], ends[k], depth + 1);
		if (err)
			return err;
	}
	return 0;
}

int policy_trie_build(struct policy_trie *t, const char *base, size_t stride, size_t n)
{
	uint32_t root;
	int err;

	memset(t, 0, sizeof(*t));
	if (n > UINT32_MAX)
		return ENOMEM;
	err = node_alloc(t, 1, &root);
	if (!err)
		err = build(t, root, base, stride, 0, n, 0);
	if (err)
		policy_trie_free(t);
	return err;
}

void policy_trie_free(struct policy_trie *t)
{
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

unsigned policy_trie_walk(const struct policy_trie *t, const char *number,
			  const struct policy_trie_node **out)
{
	const struct policy_trie_node *n;
	unsigned cnt = 0;

	if (!t->n_nodes)
		return 0;
	n = &t->nodes[0];
	for (size_t d = 0;; d++) {
		int c;
		uint16_t bit;

		if (n->count)
			out[cnt++] = n;
		c = number[d] ? char_index(number[d]) : -1;
		if (c < 0 || d >= POLICY_TRIE_DEPTH)
			break;
		bit = (uint16_t)(1u << c);
		if (!(n->child_mask & bit))
			break;
		n = &t->nodes[n->child_base + (unsigned)__builtin_popcount(n->child_mask & (bit - 1u))];
	}
	return cnt;
}
