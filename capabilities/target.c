/* Names of targets and of XDP feature bits, in the user's vocabulary
 * (iproute2: generic, native, offload). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capabilities/caps.h"

static const char *const target_names[] = {
	[TNA_TARGET_NONE]	= "none",
	[TNA_TARGET_GENERIC]	= "generic",
	[TNA_TARGET_NATIVE]	= "native",
	[TNA_TARGET_OFFLOAD]	= "offload",
};

const char *tna_target_name(enum tna_target t)
{
	if ((unsigned)t >= sizeof(target_names) / sizeof(target_names[0]))
		return "?";
	return target_names[t];
}

int tna_target_parse(const char *s, enum tna_target *t)
{
	unsigned i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++) {
		if (!strcmp(s, target_names[i])) {
			*t = (enum tna_target)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *tna_xdp_act_name(uint64_t bit)
{
	switch (bit) {
	case TNA_NETDEV_XDP_ACT_BASIC:		return "basic";
	case TNA_NETDEV_XDP_ACT_REDIRECT:	return "redirect";
	case TNA_NETDEV_XDP_ACT_NDO_XMIT:	return "ndo-xmit";
	case TNA_NETDEV_XDP_ACT_XSK_ZEROCOPY:	return "xsk-zerocopy";
	case TNA_NETDEV_XDP_ACT_HW_OFFLOAD:	return "hw-offload";
	case TNA_NETDEV_XDP_ACT_RX_SG:		return "rx-sg";
	case TNA_NETDEV_XDP_ACT_NDO_XMIT_SG:	return "ndo-xmit-sg";
	}
	return NULL;
}

char *tna_xdp_features_str(uint64_t flags, bool known, char *buf, size_t len)
{
	size_t off = 0;
	uint64_t bit;

	if (!known || !flags) {
		snprintf(buf, len, "%s", known ? "0" : "unknown");
		return buf;
	}
	buf[0] = '\0';
	for (bit = 1; bit; bit <<= 1) {
		const char *n = tna_xdp_act_name(bit);

		if (!(flags & bit) || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "",
					n ? n : "?");
	}
	return buf;
}
