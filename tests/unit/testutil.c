#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mbuf *test_read_data(const char *name)
{
	char path[1024];
	struct mbuf *mb;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	ck_assert_int_eq(mbuf_alloc(&mb, (size_t)n), 0);
	ck_assert_uint_eq(fread(mb->data, 1, (size_t)n, f), (size_t)n);
	mb->len = (size_t)n;
	fclose(f);
	return mb;
}

struct mbuf *test_mbuf(const char *s)
{
	struct mbuf *mb;

	ck_assert_int_eq(mbuf_dup(&mb, s, strlen(s)), 0);
	return mb;
}

int test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	/* no fork: ASan sees leaks and the tests run fast */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
