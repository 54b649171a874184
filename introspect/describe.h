/* One line of text for a model object (event logs, test output). */
#ifndef TNA_INTROSPECT_DESCRIBE_H
#define TNA_INTROSPECT_DESCRIBE_H
#include <stddef.h>
#include "introspect/model.h"

/* ITEM is what a tna_model_cb receives for OBJ; returns BUF.  Interfaces
 * are named as M knows them (M may be NULL: "if<N>" then, as for one M
 * no longer has). */
char *tna_describe(const struct tna_model *m, enum tna_obj obj, const void *item,
		   char *buf, size_t len);
#endif
