/* Memory: the fixed-size pool and the string arena of a call, and the
 * message writer's printf. */
#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/mbuf.h"
#include "base/pool.h"
#include "base/rand.h"
#include "testutil.h"

START_TEST(test_pool_objects_are_zeroed_aligned_and_distinct)
{
	struct pool p;
	char *a, *b;

	pool_init(&p, 100, 4096);
	ck_assert_uint_eq(p.size, 112);
	a = pool_zalloc(&p);
	b = pool_zalloc(&p);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq((uintptr_t)a % 16, 0);
	ck_assert_uint_eq((uintptr_t)b % 16, 0);
	for (size_t i = 0; i < p.size; i++)
		ck_assert_int_eq(a[i], 0);
	memset(a, 0xaa, p.size);
	memset(b, 0xbb, p.size);
	ck_assert_uint_eq(p.used, 2);
	pool_free(&p, a);
	/* a freed object comes back, zeroed */
	char *c = pool_zalloc(&p);
	ck_assert_ptr_eq(c, a);
	for (size_t i = 0; i < p.size; i++)
		ck_assert_int_eq(c[i], 0);
	ck_assert_int_eq((unsigned char)b[0], 0xbb);
	pool_free(&p, b);
	pool_free(&p, c);
	pool_free(&p, NULL);
	ck_assert_uint_eq(pool_destroy(&p), 0);
}
END_TEST

START_TEST(test_pool_fills_chunks_and_returns_empty_ones)
{
	struct pool p;
	void *obj[1000];

	pool_init(&p, 1000, 16 * 1024);
	ck_assert_uint_eq(p.chunk_bytes, 16 * 1024);
	ck_assert_uint_gt(p.per_chunk, 10);
	for (int i = 0; i < 1000; i++) {
		obj[i] = pool_zalloc(&p);
		ck_assert_ptr_nonnull(obj[i]);
		memset(obj[i], i & 0xff, 1000);
	}
	/* dense: no more chunks than the objects need */
	ck_assert_uint_eq(p.chunks, (1000 + p.per_chunk - 1) / p.per_chunk);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(((unsigned char *)obj[i])[999], i & 0xff);
	/* free every other one, then the rest: every chunk but one goes back */
	for (int i = 0; i < 1000; i += 2)
		pool_free(&p, obj[i]);
	ck_assert_uint_eq(p.used, 500);
	for (int i = 1; i < 1000; i += 2)
		pool_free(&p, obj[i]);
	ck_assert_uint_eq(p.used, 0);
	ck_assert_uint_eq(p.chunks, 1);	/* one empty chunk kept */
	ck_assert_uint_eq(p.empty, 1);
	/* churn at the boundary of a chunk maps nothing new */
	for (int round = 0; round < 3; round++) {
		for (unsigned i = 0; i <= p.per_chunk; i++)
			obj[i] = pool_zalloc(&p);
		ck_assert_uint_eq(p.chunks, 2);
		for (unsigned i = 0; i <= p.per_chunk; i++)
			pool_free(&p, obj[i]);
		ck_assert_uint_eq(p.chunks, 1);
		ck_assert_uint_eq(p.empty, 1);
	}
	ck_assert_uint_eq(pool_destroy(&p), 0);
}
END_TEST

START_TEST(test_pool_destroy_counts_objects_still_out)
{
	struct pool p;

	pool_init(&p, 48, 0);
	ck_assert_ptr_nonnull(pool_zalloc(&p));
	ck_assert_ptr_nonnull(pool_zalloc(&p));
	ck_assert_uint_eq(pool_destroy(&p), 2);
}
END_TEST

START_TEST(test_arena_copies_strings_into_the_first_block)
{
	char buf[64];
	struct arena a;
	struct pl v = PL("tag=1234");

	arena_init(&a, buf, sizeof(buf));
	char *s = arena_strdup(&a, "abc");
	char *t = arena_pldup(&a, &v);
	char *e = arena_strndup(&a, "xyz", 0);
	ck_assert_str_eq(s, "abc");
	ck_assert_str_eq(t, "tag=1234");
	ck_assert_str_eq(e, "");
	ck_assert(s >= buf && s < buf + sizeof(buf));
	ck_assert(t >= buf && t < buf + sizeof(buf));
	ck_assert_ptr_null(a.more);
	ck_assert_ptr_null(arena_strdup(&a, NULL));
	void *al = arena_alloc(&a, 3);
	ck_assert_uint_eq((uintptr_t)al % 8, 0);
	arena_release(&a);
}
END_TEST

START_TEST(test_arena_overflows_into_blocks_it_frees)
{
	char buf[16], big[1000];
	struct arena a;

	arena_init(&a, buf, sizeof(buf));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *s = arena_strdup(&a, "0123456789");
	char *b = arena_strdup(&a, big);	/* does not fit: a block of its own */
	char *t = arena_strdup(&a, "later");
	ck_assert(s >= buf && s < buf + sizeof(buf));
	ck_assert(!(b >= buf && b < buf + sizeof(buf)));
	ck_assert_ptr_nonnull(a.more);
	ck_assert_str_eq(s, "0123456789");
	ck_assert_uint_eq(strlen(b), sizeof(big) - 1);
	ck_assert_str_eq(t, "later");
	arena_release(&a);	/* the leak check proves the blocks are freed */
	ck_assert_ptr_null(a.more);
	/* an arena with no first block at all */
	arena_init(&a, NULL, 0);
	ck_assert_str_eq(arena_strdup(&a, "x"), "x");
	arena_release(&a);
}
END_TEST

/* mbw_printf writes what snprintf writes, on its own fast path and on
 * stdio's */
#define CHECK_FMT(...)                                                   \
	do {                                                             \
		char want[256];                                          \
		struct mbw w;                                            \
		struct mbuf *mb;                                         \
		snprintf(want, sizeof(want), __VA_ARGS__);               \
		ck_assert_int_eq(mbw_init(&w, 4), 0);                    \
		mbw_printf(&w, __VA_ARGS__);                             \
		ck_assert_int_eq(mbw_finish(&w, &mb), 0);                \
		ck_assert_str_eq(mb->data, want);                        \
		ck_assert_uint_eq(mb->len, strlen(want));                \
		mbuf_unref(mb);                                          \
	} while (0)

/* tokens (Call-IDs, tags, branches): the length asked for, NUL-terminated,
 * only the 62 symbols, every symbol used, and across pool refills (1,024
 * bytes) no two alike */
START_TEST(test_rand_token_symbols_and_refills)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned seen[256] = {0};
	char tok[200][33];

	for (int i = 0; i < 200; i++) {
		memset(tok[i], 'x', sizeof(tok[i]));
		ck_assert_int_eq(rand_token(tok[i], 32), 0);
		ck_assert_uint_eq(strlen(tok[i]), 32);
		for (int k = 0; k < 32; k++) {
			ck_assert_ptr_nonnull(memchr(alphabet, tok[i][k], 62));
			seen[(unsigned char)tok[i][k]]++;
		}
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(tok[i], tok[j]);
	}
	/* 6,400 symbols: each of 62 expected about 103 times */
	for (int k = 0; k < 62; k++)
		ck_assert_uint_gt(seen[(unsigned char)alphabet[k]], 40);
	ck_assert_int_eq(rand_token(tok[0], 0), 0);
	ck_assert_str_eq(tok[0], "");
}
END_TEST

START_TEST(test_mbw_printf_writes_what_snprintf_writes)
{
	const char *tag = "a84b4c76e66710";

	CHECK_FMT("From: %s;tag=%s\r\n", "<sip:alice@example.com>", tag);
	CHECK_FMT("CSeq: %u %s\r\n", 4294967295u, "INVITE");
	CHECK_FMT("%u|%u|%d|%d|%d", 0u, 10u, -1, 0, -2147483647 - 1);
	CHECK_FMT("%.*s <x> %.*s|%.*s", 3, "abcdef", 0, "zz", 5, "ab");
	CHECK_FMT("100%% %c%c %zu", 'o', 'k', (size_t)123456789012u);
	CHECK_FMT("no conversion at all");
	CHECK_FMT("%s", "");
	/* conversions the fast path leaves to stdio */
	CHECK_FMT("%05u %x %-4s| %.2f", 42u, 255u, "ab", 1.5);
}
END_TEST

static Suite *mem_suite(void)
{
	Suite *s = suite_create("base_mem");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_pool_objects_are_zeroed_aligned_and_distinct);
	tcase_add_test(tc, test_pool_fills_chunks_and_returns_empty_ones);
	tcase_add_test(tc, test_pool_destroy_counts_objects_still_out);
	suite_add_tcase(s, tc);
	tc = tcase_create("mbuf");
	tcase_add_test(tc, test_mbw_printf_writes_what_snprintf_writes);
	tcase_add_test(tc, test_rand_token_symbols_and_refills);
	suite_add_tcase(s, tc);
	tc = tcase_create("arena");
	tcase_add_test(tc, test_arena_copies_strings_into_the_first_block);
	tcase_add_test(tc, test_arena_overflows_into_blocks_it_frees);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(mem_suite());
}
