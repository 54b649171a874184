/* JSON form of the probe results (json-c); the schema is in docs/probe.md,
 * ("JSON schema").  Return NULL and set errno on allocation failure. */
#ifndef TNA_CAPABILITIES_CAPS_JSON_H
#define TNA_CAPABILITIES_CAPS_JSON_H
#include <json-c/json.h>

#include "capabilities/caps.h"

struct json_object *tna_caps_sys_to_json(const struct tna_caps_sys *sys);
struct json_object *tna_caps_dev_to_json(const struct tna_caps_dev *dev);

#endif
