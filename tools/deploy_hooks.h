/* tna-deploy's hooks: --hook SLOT=FILE and the drop-in directory, checked
 * before anything is deployed; their lines in the plan and the status. */
#ifndef TNA_TOOLS_DEPLOY_HOOKS_H
#define TNA_TOOLS_DEPLOY_HOOKS_H
#include <stdbool.h>
#include <stdio.h>
#include "targets/hooks.h"	/* TNA_HOOK_MAX, tna_hooks__json() */
#include "targets/xsk.h"	/* TNA_XSK_RULES */

#define TNA_HOOKS_DIR "/etc/tna/hooks.d"

/* Add the hooks of SPECS ("SLOT=FILE", N of them), then every
 * DIR/SLOT-NAME.o (DIR NULL: none; missing: none).  0, or the tool's
 * exit status after a one-line error (nothing is deployed then). */
int deploy_hooks_add(const char *const *specs, int n, const char *dir);
/* The AF_XDP steer's rules (--xsk SPEC, N of them): 0 or the exit status. */
int deploy_xsk_add(const char *const *specs, int n);
/* {"hooks": [...], "xsk": [...]} entry of the plan/status JSON, NULL
 * when there are neither */
struct json_object *deploy_hooks_json(void);

/* "hooks: ingress=FILE, ..." and "xsk: RULE, ..." (nothing without) */
void deploy_hooks_print(FILE *f);

/* the same from a plan/status JSON object with "hooks" and "xsk" */
void deploy_hooks_print_json(FILE *f, struct json_object *o);

#endif
