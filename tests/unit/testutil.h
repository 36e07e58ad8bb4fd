/* Helpers shared by the Check suites. */
#ifndef B2BUA_TESTUTIL_H
#define B2BUA_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "base/mbuf.h"

/* reads TEST_DATA_DIR/name into a new buffer; fails the test if missing */
struct mbuf *test_read_data(const char *name);
/* a buffer holding a copy of the C string */
struct mbuf *test_mbuf(const char *s);
/* runs the suite in the current process and returns the exit status */
int test_run_suite(Suite *s);

#endif
