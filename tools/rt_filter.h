/* tna-rt-test's --filter part (tools/rt_filter.c). */
#ifndef TNA_TOOLS_RT_FILTER_H
#define TNA_TOOLS_RT_FILTER_H
#include <stdbool.h>
#include "controller/filter_follow.h"

/* Follow the ruleset into DP; prints the first report.  NULL on error
 * (printed). */
struct tna_nf_follow *rt_filter_start(struct tna_dp *dp, bool v4, bool v6, const char *bridge,
				      bool dump);
/* Wait up to MS for ruleset or link events and follow them (or, on
 * timeout, the sysctls and legacy tables); prints a report per reload. */
void rt_filter_wait(struct tna_nf_follow *f, int ms, bool dump);
/* Remove the generation file (on exit). */
void rt_filter_stop(void);
#endif
