/* The Internet checksum (RFC 1071) of IPv4 and UDP headers, for the tests
 * and the fuzz harness of the kernel forwarder: they check the checksums
 * the program rewrote. */
#ifndef TESTS_INET_CSUM_H
#define TESTS_INET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* the 16-bit one's complement sum of n bytes, added to sum, not folded */
static inline uint32_t inet_sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* the sum over a UDP datagram and its IPv4 pseudo-header (ip: the IPv4
 * header, for its addresses); 0xffff folded when the checksum is right */
static inline uint16_t inet_udp_sum(const uint8_t *ip, const uint8_t *udp, size_t ulen)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 17;
	ph[10] = (uint8_t)(ulen >> 8);
	ph[11] = (uint8_t)ulen;
	return inet_fold(inet_sum16(udp, ulen, inet_sum16(ph, sizeof(ph), 0)));
}

static inline bool inet_ip_ok(const uint8_t *ip)
{
	return inet_fold(inet_sum16(ip, (ip[0] & 0x0fu) * 4u, 0)) == 0xffff;
}

#endif
