/* Private helpers of the SDP parser and writer. */
#ifndef MEDIA_SDP_INT_H
#define MEDIA_SDP_INT_H

#include <stdint.h>

#include "media/sdp.h"

/* next space-separated token of *v, advancing it; ENODATA at the end */
int sdp_token(struct media_str *v, struct media_str *tok);
/* a whole view of decimal digits (at most 19) into *out; EBADMSG otherwise */
int sdp_u64(const struct media_str *v, uint64_t *out);

#endif
