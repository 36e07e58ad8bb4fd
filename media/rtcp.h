/* RTCP rewriting on the way through the relay (RFC 3550 6). */
#ifndef MEDIA_RTCP_H
#define MEDIA_RTCP_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_RTCP_CNAME "b2bua"

/* Rewrites every SDES packet of the compound RTCP packet p (len bytes, room
 * for cap) in place: each chunk keeps its SSRC and carries one CNAME item,
 * MEDIA_RTCP_CNAME, and nothing else, because CNAME (user@host), NAME,
 * EMAIL, PHONE, LOC, TOOL and NOTE name the peer and its network.  Other
 * packet types are kept as they are.  Returns the new length, or 0 for a
 * packet that is not a well-formed compound (drop it). */
size_t media_rtcp_sanitize(uint8_t *p, size_t len, size_t cap);

#endif
