/* SDP model (RFC 8866) and the per-leg writer (RFC 3264, 3605, 4568, 5761, 8839). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/sdp.h"
#include "testutil.h"

#define ck_str(v, s) \
	ck_assert_msg(media_str_eq(&(v), (s)), "%s is \"%.*s\", expected \"%s\"", #v, \
		      (int)(v).l, (v).p ? (v).p : "", (s))

static struct media_sdp *parse_file(const char *name)
{
	struct mbuf *mb = test_read_data(name);
	struct media_sdp *sdp = NULL;
	int err = media_sdp_parse(&sdp, mb->data, mb->len);

	ck_assert_msg(err == 0, "%s: %d", name, err);
	mbuf_unref(mb);
	return sdp;
}

static struct media_sdp *parse_str(const char *s)
{
	struct media_sdp *sdp = NULL;
	int err = media_sdp_parse(&sdp, s, strlen(s));

	ck_assert_msg(err == 0, "rejected (%d):\n%s", err, s);
	return sdp;
}

static int parse_err(const char *s)
{
	struct media_sdp *sdp = (struct media_sdp *)1;
	int err = media_sdp_parse(&sdp, s, strlen(s));

	if (!err)
		media_sdp_free(sdp);
	else
		ck_assert_ptr_eq(sdp, (struct media_sdp *)1);
	return err;
}

static char *write_leg(const struct media_sdp *sdp, const struct media_sdp_leg *leg,
		       struct media_sdp_origin *o)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(media_sdp_write(sdp, leg, o, &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

static void leg_init(struct media_sdp_leg *leg, const char *addr, uint16_t base)
{
	unsigned i;

	memset(leg, 0, sizeof(*leg));
	leg->addr = addr;
	leg->origin_user = "sbc";
	for (i = 0; i < MEDIA_SDP_MAX_STREAMS; i++) {
		leg->streams[i].port = (uint16_t)(base + 2 * i);
		leg->streams[i].te_pt = -1;
	}
}

#define ck_has(out, s) ck_assert_msg(strstr((out), (s)) != NULL, "missing \"%s\" in:\n%s", (s), (out))
#define ck_lacks(out, s) ck_assert_msg(strstr((out), (s)) == NULL, "unexpected \"%s\" in:\n%s", (s), (out))

START_TEST(test_sdp_parse_offer_streams_formats_and_connections)
{
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	const struct media_sdp_stream *a = &sdp->streams[0], *v = &sdp->streams[1];

	ck_str(sdp->origin_user, "alice");
	ck_str(sdp->origin_sess_id, "2890844526");
	ck_assert_uint_eq(sdp->origin_version, 2890844527u);
	ck_str(sdp->conn.addr, "10.1.2.3");
	ck_str(sdp->timing, "0 0");
	ck_assert_uint_eq(sdp->nbw, 1);
	ck_str(sdp->bw[0], "AS:256");
	ck_assert_uint_eq(sdp->nstreams, 3);

	ck_str(a->type, "audio");
	ck_assert_uint_eq(a->port, 49170);
	ck_str(a->proto, "RTP/SAVP");
	ck_assert_uint_eq(a->nfmt, 4);
	ck_assert_int_eq(a->fmts[0].pt, 0);
	ck_str(a->fmts[2].enc, "G722");
	ck_assert_uint_eq(a->fmts[3].clock, 8000);
	ck_str(a->fmts[3].enc, "telephone-event");
	ck_str(a->fmts[3].fmtp, "0-16");
	ck_str(a->conn.addr, "10.1.2.4");
	ck_str(media_sdp_stream_conn(sdp, a)->addr, "10.1.2.4");
	ck_str(a->bw[0], "TIAS:64000");
	ck_assert_int_eq(a->dir, MEDIA_DIR_SENDRECV);
	ck_assert_int_eq(media_sdp_stream_te_pt(a, 8000), 101);

	ck_assert_uint_eq(v->port, 51372);
	ck_str(v->proto, "RTP/AVPF");
	ck_str(v->fmts[0].fmtp, "profile-level-id=42e01f;packetization-mode=1");
	ck_str(v->fmts[1].enc, "VP8");
	ck_assert_uint_eq(v->fmts[1].clock, 90000);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, v), MEDIA_DIR_RECVONLY);
	ck_str(media_sdp_stream_conn(sdp, v)->addr, "10.1.2.3");
	ck_assert_int_eq(media_sdp_stream_te_pt(v, 0), -1);

	/* a rejected non-RTP stream: port 0, formats that are not payload types */
	ck_assert_uint_eq(sdp->streams[2].port, 0);
	ck_str(sdp->streams[2].fmts[0].id, "wsf");
	ck_assert_int_eq(sdp->streams[2].fmts[0].pt, -1);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_parse_rtcp_mux_crypto_and_ice)
{
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	const struct media_sdp_stream *a = &sdp->streams[0];

	ck_assert(a->rtcp_set);
	ck_assert_uint_eq(a->rtcp_port, 49171);
	ck_str(a->rtcp_conn.addr, "10.1.2.4");
	ck_assert(a->rtcp_mux);
	ck_assert(!sdp->streams[1].rtcp_mux);
	ck_assert_uint_eq(a->ncrypto, 2);
	ck_assert_uint_eq(a->crypto[0].tag, 1);
	ck_str(a->crypto[0].suite, "AES_CM_128_HMAC_SHA1_80");
	ck_str(a->crypto[0].key_params, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4");
	ck_str(a->crypto[0].session_params, "");
	ck_str(a->crypto[1].suite, "AES_CM_128_HMAC_SHA1_32");
	ck_str(a->crypto[1].session_params, "UNENCRYPTED_SRTCP");
	/* candidate x2, remote-candidates, end-of-candidates */
	ck_assert_uint_eq(a->ice_lines, 4);
	/* ice-ufrag, ice-pwd, and BUNDLE (each m-line gets its own port) */
	ck_assert_uint_eq(sdp->ice_lines, 3);
	/* opaque attributes in their order: ptime, mid */
	ck_assert_uint_eq(a->nattr, 2);
	ck_str(a->attrs[0].line, "ptime:20");
	ck_str(a->attrs[1].line, "mid:0");
	ck_assert_uint_eq(sdp->nattr, 0);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_parse_directions_session_and_media_level)
{
	struct media_sdp *sdp = parse_str("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
					  "t=0 0\r\na=sendonly\r\nm=audio 1000 RTP/AVP 0\r\n"
					  "m=audio 1002 RTP/AVP 0\r\na=inactive\r\n"
					  "m=audio 1004 RTP/AVP 0\r\na=recvonly\r\n"
					  "m=audio 1006 RTP/AVP 0\r\na=sendrecv\r\n");

	ck_assert_int_eq(sdp->dir, MEDIA_DIR_SENDONLY);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[0]), MEDIA_DIR_SENDONLY);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[1]), MEDIA_DIR_INACTIVE);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[2]), MEDIA_DIR_RECVONLY);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[3]), MEDIA_DIR_SENDRECV);
	ck_assert_int_eq(media_dir_reverse(MEDIA_DIR_SENDONLY), MEDIA_DIR_RECVONLY);
	ck_assert_int_eq(media_dir_reverse(MEDIA_DIR_INACTIVE), MEDIA_DIR_INACTIVE);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_parse_hold_with_zero_address_is_sendonly)
{
	struct media_sdp *sdp = parse_file("sdp/hold-rfc2543.sdp");

	ck_assert(sdp->conn.hold);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[0]), MEDIA_DIR_SENDONLY);
	media_sdp_free(sdp);
	sdp = parse_str("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\n"
			"c=IN IP6 ::\r\na=recvonly\r\n");
	ck_assert(sdp->streams[0].conn.ip6);
	ck_assert(sdp->streams[0].conn.hold);
	ck_assert_int_eq(media_sdp_stream_dir(sdp, &sdp->streams[0]), MEDIA_DIR_INACTIVE);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_parse_port_count_and_lf_line_ends)
{
	struct media_sdp *sdp = parse_str("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
					  "m=video 49170/2 RTP/AVP 31\n");

	ck_assert_uint_eq(sdp->streams[0].port, 49170);
	ck_assert_uint_eq(sdp->streams[0].port_count, 2);
	ck_str(sdp->streams[0].fmts[0].enc, "H261");
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_parse_rejects_malformed_bodies)
{
	static const char *const bad[] = {
		"",
		"o=- 1 1 IN IP4 1.2.3.4\r\n",
		"v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
		"v=0\r\ns=-\r\nt=0 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n",
		"v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP9 1.2.3.4\r\nt=0 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 224.2.1.1/127\r\nt=0 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=rtpmap:8 PCMA/8000\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=rtcp:0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\na=:x\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nx\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.5\r\nt=0 0\r\n",
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nX=1\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_err(bad[i]) == EBADMSG, "accepted #%zu:\n%s", i, bad[i]);
	/* an embedded NUL is malformed, not the end of the body */
	ck_assert_int_eq(media_sdp_parse(&(struct media_sdp *){ NULL },
					 "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=\0-\r\nt=0 0\r\n", 40), EBADMSG);
}
END_TEST

START_TEST(test_sdp_parse_limits_are_e2big)
{
	char buf[MEDIA_SDP_MAX_SIZE + 64];
	size_t n;
	unsigned i;

	n = (size_t)snprintf(buf, sizeof(buf), "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n");
	for (i = 0; i <= MEDIA_SDP_MAX_STREAMS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "m=audio %u RTP/AVP 0\r\n", 1000 + 2 * i);
	buf[n] = '\0';
	ck_assert_int_eq(parse_err(buf), E2BIG);

	n = (size_t)snprintf(buf, sizeof(buf), "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1 RTP/AVP");
	for (i = 0; i <= MEDIA_SDP_MAX_FORMATS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %u", 96 + i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	ck_assert_int_eq(parse_err(buf), E2BIG);

	n = (size_t)snprintf(buf, sizeof(buf), "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n");
	for (i = 0; i <= MEDIA_SDP_MAX_ATTRS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "a=x-%u\r\n", i);
	ck_assert_int_eq(parse_err(buf), E2BIG);

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(media_sdp_parse(&(struct media_sdp *){ NULL }, buf, MEDIA_SDP_MAX_SIZE + 1), E2BIG);
}
END_TEST

START_TEST(test_sdp_write_uses_our_origin_address_and_ports_and_drops_ice)
{
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out, expect[128];

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	leg.streams[0].rtcp_attr = true;
	out = write_leg(sdp, &leg, &o);
	snprintf(expect, sizeof(expect), "v=0\r\no=sbc %llu %llu IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n",
		 (unsigned long long)o.sess_id, (unsigned long long)o.version);
	ck_assert_msg(strncmp(out, expect, strlen(expect)) == 0, "head:\n%s", out);
	ck_has(out, "b=AS:256\r\nt=0 0\r\nm=audio ");
	ck_lacks(out, "BUNDLE");
	ck_has(out, "m=audio 30000 RTP/AVP 0 8 9 101\r\nb=TIAS:64000\r\n");
	ck_has(out, "a=rtcp:30001 IN IP4 127.0.0.2\r\n");
	ck_has(out, "m=video 30002 RTP/AVPF 97 98\r\n");
	ck_has(out, "a=recvonly\r\n");
	ck_has(out, "m=application 0 udp wsf 1\r\n");
	/* nothing of the peer: no address, no ICE, no crypto on a plain leg */
	ck_lacks(out, "10.1.2.");
	ck_lacks(out, "192.0.2.");
	ck_lacks(out, "candidate");
	ck_lacks(out, "ice-");
	ck_lacks(out, "crypto");
	ck_lacks(out, "alice");
	ck_lacks(out, "rtcp-mux");
	ck_lacks(out, "Call from");
	ck_lacks(out, "\r\ni=");
	/* opaque attributes keep their order, rtpmap/fmtp come first */
	ck_has(out, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=mid:0\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_version_rises_only_when_content_changes)
{
	struct media_sdp *sdp = parse_file("sdp/answer-g711.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	uint64_t v0;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.1", 20000);
	v0 = o.version;
	free(write_leg(sdp, &leg, &o));
	ck_assert_uint_eq(o.version, v0);
	/* RFC 3264 8: a refresh with identical content keeps the version */
	free(write_leg(sdp, &leg, &o));
	ck_assert_uint_eq(o.version, v0);
	/* a new port is a change */
	leg.streams[0].port = 20010;
	out = write_leg(sdp, &leg, &o);
	ck_assert_uint_eq(o.version, v0 + 1);
	ck_has(out, "m=audio 20010 ");
	free(out);
	/* so is a direction change (resume from hold) */
	leg.streams[0].dir = MEDIA_DIR_SENDRECV;
	free(write_leg(sdp, &leg, &o));
	ck_assert_uint_eq(o.version, v0 + 2);
	free(write_leg(sdp, &leg, &o));
	ck_assert_uint_eq(o.version, v0 + 2);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_srtp_leg_gets_savp_and_one_crypto)
{
	struct media_sdp *sdp = parse_file("sdp/answer-g711.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	leg.streams[0].srtp = true;
	leg.streams[0].crypto_tag = 1;
	leg.streams[0].crypto_suite = "AES_CM_128_HMAC_SHA1_80";
	leg.streams[0].crypto_key = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
	out = write_leg(sdp, &leg, &o);
	ck_has(out, "m=audio 30000 RTP/SAVP 8 96\r\n");
	ck_has(out, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n");
	ck_assert_ptr_eq(strstr(strstr(out, "a=crypto") + 1, "a=crypto"), NULL);
	ck_has(out, "a=sendonly\r\n");
	free(out);
	media_sdp_free(sdp);

	/* an SRTP offer written for a plain leg loses SAVP and every a=crypto */
	sdp = parse_file("sdp/offer-ice-srtp.sdp");
	leg_init(&leg, "127.0.0.1", 20000);
	out = write_leg(sdp, &leg, &o);
	ck_has(out, "m=audio 20000 RTP/AVP ");
	ck_lacks(out, "SAVP");
	ck_lacks(out, "a=crypto");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_rtcp_mux_and_rtcp_attribute)
{
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	leg.streams[0].rtcp_mux = true;
	leg.streams[0].rtcp_attr = true;
	out = write_leg(sdp, &leg, &o);
	/* RFC 5761 5.1.3: with mux the a=rtcp port is the RTP port */
	ck_has(out, "a=rtcp:30000 IN IP4 127.0.0.2\r\na=rtcp-mux\r\n");
	free(out);
	/* a=rtcp dropped entirely when the leg does not want it */
	leg.streams[0].rtcp_mux = false;
	leg.streams[0].rtcp_attr = false;
	out = write_leg(sdp, &leg, &o);
	ck_lacks(out, "a=rtcp:");
	ck_lacks(out, "a=rtcp-mux");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_codec_policy_keeps_order_and_telephone_event)
{
	static const char *const allowed[] = { "G722", "PCMU" };
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	leg.codecs = allowed;
	leg.ncodecs = 2;
	leg.streams[0].te_pt = 96;
	out = write_leg(sdp, &leg, &o);
	/* the offer's order (0 before 9), PCMA removed, telephone-event as 96 */
	ck_has(out, "m=audio 30000 RTP/AVP 0 9 96\r\n");
	ck_lacks(out, "PCMA");
	ck_has(out, "a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\n");
	ck_lacks(out, ":101");
	/* video has no allowed codec: rejected, and its rtcp-fb lines gone */
	ck_has(out, "m=video 0 RTP/AVPF 97\r\n");
	ck_lacks(out, "rtcp-fb");
	ck_lacks(out, "H264");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_rtcp_fb_for_removed_payload_type_dropped)
{
	static const char *const allowed[] = { "VP8" };
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	leg.codecs = allowed;
	leg.ncodecs = 1;
	out = write_leg(sdp, &leg, &o);
	ck_has(out, "m=video 30002 RTP/AVPF 98\r\na=rtpmap:98 VP8/90000\r\na=rtcp-fb:98 nack pli\r\n");
	ck_lacks(out, "rtcp-fb:97");
	ck_has(out, "m=audio 0 RTP/AVP 101\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_hold_zero_address_becomes_our_address_and_sendonly)
{
	struct media_sdp *sdp = parse_file("sdp/hold-rfc2543.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	out = write_leg(sdp, &leg, &o);
	ck_lacks(out, "0.0.0.0");
	ck_has(out, "c=IN IP4 127.0.0.2\r\n");
	ck_has(out, "a=sendonly\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_rejected_stream_by_leg_stays_port_zero)
{
	struct media_sdp *sdp = parse_file("sdp/offer-ice-srtp.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "::1", 30000);
	leg.ip6 = true;
	leg.streams[1].port = 0;
	out = write_leg(sdp, &leg, &o);
	ck_has(out, "c=IN IP6 ::1\r\n");
	ck_has(out, "m=video 0 RTP/AVPF 97 98\r\nm=application");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_session_level_transport_attributes_are_dropped)
{
	struct media_sdp *sdp = parse_str("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
					  "a=rtcp:5001 IN IP4 10.0.0.1\r\na=rtcp-mux\r\n"
					  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"
					  "a=sdplang:en\r\nm=audio 5000 RTP/AVP 0\r\n");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_uint_eq(sdp->nattr, 1);
	ck_assert_uint_eq(sdp->ice_lines, 3);
	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	out = write_leg(sdp, &leg, &o);
	ck_lacks(out, "10.0.0.1");
	ck_lacks(out, "rtcp");
	ck_lacks(out, "crypto");
	ck_has(out, "a=sdplang:en\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_refuses_a_telephone_event_pt_that_collides)
{
	struct media_sdp *sdp = parse_file("sdp/answer-g711.sdp");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	/* PCMA is 8: telephone-event cannot become 8 as well */
	leg.streams[0].te_pt = 8;
	ck_assert_int_eq(media_sdp_write(sdp, &leg, &o, &out, &len), EINVAL);
	ck_assert_ptr_null(out);
	ck_assert(!o.sent);
	leg.streams[0].te_pt = 128;
	ck_assert_int_eq(media_sdp_write(sdp, &leg, &o, &out, &len), EINVAL);
	leg.streams[0].te_pt = 101;
	out = write_leg(sdp, &leg, &o);
	ck_has(out, "m=audio 30000 RTP/AVP 8 101\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

START_TEST(test_sdp_write_drops_ssrc_cname_msid_and_bundle)
{
	struct media_sdp *sdp = parse_str("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
					  "a=group:BUNDLE 0\r\na=group:LS 0\r\na=msid-semantic: WMS x\r\n"
					  "m=audio 5000 RTP/AVP 0\r\na=mid:0\r\n"
					  "a=ssrc:1234 cname:alice@10.0.0.1\r\na=ssrc-group:FID 1 2\r\n"
					  "a=msid:x y\r\n");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	out = write_leg(sdp, &leg, &o);
	ck_lacks(out, "10.0.0.1");
	ck_lacks(out, "ssrc");
	ck_lacks(out, "msid");
	ck_lacks(out, "BUNDLE");
	ck_has(out, "a=group:LS 0\r\n");
	ck_has(out, "a=mid:0\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

/* what baresip writes: its name and version must not reach the other leg */
START_TEST(test_sdp_write_drops_the_peers_tool_line)
{
	struct media_sdp *sdp = parse_str("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
					  "a=tool:baresip 1.0.0\r\nm=audio 5000 RTP/AVP 0\r\n"
					  "a=tool:stray\r\na=label:1\r\n");
	struct media_sdp_origin o;
	struct media_sdp_leg leg;
	char *out;

	ck_assert_int_eq(media_sdp_origin_init(&o), 0);
	leg_init(&leg, "127.0.0.2", 30000);
	out = write_leg(sdp, &leg, &o);
	ck_lacks(out, "tool");
	ck_lacks(out, "baresip");
	ck_has(out, "a=label:1\r\n");
	free(out);
	media_sdp_free(sdp);
}
END_TEST

static Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_sdp_parse_offer_streams_formats_and_connections);
	tcase_add_test(tc, test_sdp_parse_rtcp_mux_crypto_and_ice);
	tcase_add_test(tc, test_sdp_parse_directions_session_and_media_level);
	tcase_add_test(tc, test_sdp_parse_hold_with_zero_address_is_sendonly);
	tcase_add_test(tc, test_sdp_parse_port_count_and_lf_line_ends);
	tcase_add_test(tc, test_sdp_parse_rejects_malformed_bodies);
	tcase_add_test(tc, test_sdp_parse_limits_are_e2big);
	suite_add_tcase(s, tc);
	tc = tcase_create("write");
	tcase_add_test(tc, test_sdp_write_uses_our_origin_address_and_ports_and_drops_ice);
	tcase_add_test(tc, test_sdp_write_version_rises_only_when_content_changes);
	tcase_add_test(tc, test_sdp_write_srtp_leg_gets_savp_and_one_crypto);
	tcase_add_test(tc, test_sdp_write_rtcp_mux_and_rtcp_attribute);
	tcase_add_test(tc, test_sdp_write_codec_policy_keeps_order_and_telephone_event);
	tcase_add_test(tc, test_sdp_write_rtcp_fb_for_removed_payload_type_dropped);
	tcase_add_test(tc, test_sdp_write_hold_zero_address_becomes_our_address_and_sendonly);
	tcase_add_test(tc, test_sdp_write_rejected_stream_by_leg_stays_port_zero);
	tcase_add_test(tc, test_sdp_session_level_transport_attributes_are_dropped);
	tcase_add_test(tc, test_sdp_write_refuses_a_telephone_event_pt_that_collides);
	tcase_add_test(tc, test_sdp_write_drops_ssrc_cname_msid_and_bundle);
	tcase_add_test(tc, test_sdp_write_drops_the_peers_tool_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sdp_suite());
}
