/* Inside the in-kernel forwarder: the embedded program and what the tests
 * and the fuzz harness reach past kfwd.h for. */
#ifndef MEDIA_KFWD_INT_H
#define MEDIA_KFWD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "media/kfwd.h"

/* kfwd.bpf.o, generated into the build (embed.cmake) */
extern const unsigned char media_kfwd_bpf_obj[];
extern const size_t media_kfwd_bpf_obj_len;

/* the program and its map loaded, attached nowhere (BPF_PROG_TEST_RUN);
 * errors as media_kfwd_open */
int media_kfwd_load(struct media_kfwd **kp);
/* the TC program, for bpf_prog_test_run_opts */
int media_kfwd_prog_fd(const struct media_kfwd *k);
/* the tc priority open claimed for k's filters */
unsigned media_kfwd_tc_prio(const struct media_kfwd *k);
/* gives up k's claim on its priority and leaves its filters where they
 * are, as a daemon that died would (a test stands in for the crash) */
void media_kfwd_drop_claim(struct media_kfwd *k);
/* media_kfwd_add with the out interface given instead of looked up (what
 * media_kfwd_add calls once it has found it) */
int media_kfwd_add_dev(struct media_kfwd *k, const struct media_kfwd_rule *r,
		       unsigned ifindex, bool loopback);

#endif
