#include "sa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void sa_ip_fmt(const struct sockaddr_storage *sa, char *buf, size_t size)
{
	const void *src = NULL;

	if (!size)
		return;
	buf[0] = '\0';
	if (sa->ss_family == AF_INET && size >= 16) {
		/* the common case without inet_ntop's sprintf (several times per
		 * message: Via received, the topology guard, logs) */
		const uint8_t *b = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		char *o = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = b[i];
			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
			*o++ = i < 3 ? '.' : '\0';
		}
		return;
	}
	if (sa->ss_family == AF_INET)
		src = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->ss_family == AF_INET6)
		src = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!src || !inet_ntop(sa->ss_family, src, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void sa_fmt(const struct sockaddr_storage *sa, char *buf, size_t size)
{
	char ip[SA_STRLEN];

	sa_ip_fmt(sa, ip, sizeof(ip));
	if (sa->ss_family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", ip, sa_port(sa));
	else
		snprintf(buf, size, "%s:%u", ip, sa_port(sa));
}

uint16_t sa_port(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void sa_set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

int sa_from_ip(struct sockaddr_storage *sa, const char *ip, size_t len, uint16_t port)
{
	char tmp[SA_STRLEN];

	if (len >= sizeof(tmp))
		return EINVAL;
	memcpy(tmp, ip, len);
	tmp[len] = '\0';
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, tmp, &((struct sockaddr_in *)sa)->sin_addr) == 1) {
		sa->ss_family = AF_INET;
	} else if (inet_pton(AF_INET6, tmp, &((struct sockaddr_in6 *)sa)->sin6_addr) == 1) {
		sa->ss_family = AF_INET6;
	} else {
		return EINVAL;
	}
	sa_set_port(sa, port);
	return 0;
}
