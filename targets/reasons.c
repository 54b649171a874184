/* Names of the slow-path reasons: generated from the one list in
 * bpf/tna_kern_user.h. */
#include <errno.h>
#include <string.h>
#include "targets/datapath.h"

#define TNA_REASON_NAME_(id, name) [TNA_REASON_##id] = name,
static const char *const reason_names[TNA_REASON_MAX] = {
	TNA_REASONS(TNA_REASON_NAME_)
};

const char *tna_reason_name(int reason)
{
	if (reason < 0 || reason >= TNA_REASON_MAX)
		return "?";
	return reason_names[reason];
}

int tna_reason_parse(const char *name)
{
	for (int i = 0; i < TNA_REASON_MAX; i++)
		if (!strcmp(reason_names[i], name))
			return i;
	return -EINVAL;
}
