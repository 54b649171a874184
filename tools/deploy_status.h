/* tna-deploy --status and --detach: read the running controller's lock and
 * status file (controller/lock.h) and print them. */
#ifndef TNA_TOOLS_DEPLOY_STATUS_H
#define TNA_TOOLS_DEPLOY_STATUS_H
#include <stdbool.h>

/* Exit status of the tool (common/cli.h). */
int deploy_status(const char *lock, const char *state, bool json, bool pretty);
int deploy_detach(const char *lock, bool quiet);

#endif
