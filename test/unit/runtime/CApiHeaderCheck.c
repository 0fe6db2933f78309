/* Compiled as C: the C API header must be usable from plain C. Runs the "add"
 * test model on x = y = {0, 1, ..., 5}; returns 0 on success. */
#include "runtime/c/systolic_runtime.h"

#include <string.h>

int systolic_c_header_check(const char *path, float *z) {
  systolic_instance *instance = NULL;
  systolic_module *module = NULL;
  systolic_session *session = NULL;
  const char *devices[] = {"cpu"};
  float x[6] = {0, 1, 2, 3, 4, 5};
  int64_t shape[2] = {2, 3};
  const void *out = NULL;
  size_t size = 0;
  systolic_status *status = systolic_instance_create(&instance);
  if (!status) status = systolic_module_load(path, &module);
  if (!status) status = systolic_session_create(instance, module, devices, 1, &session);
  if (!status) status = systolic_session_set_input(session, 0, SYSTOLIC_F32, shape, 2, x, sizeof(x));
  if (!status) status = systolic_session_set_input(session, 1, SYSTOLIC_F32, shape, 2, x, sizeof(x));
  if (!status) status = systolic_session_run(session);
  if (!status) status = systolic_session_output(session, 0, &out, &size);
  if (!status && size == sizeof(x)) memcpy(z, out, size);
  int failed = status != NULL || size != sizeof(x);
  systolic_status_free(status);
  systolic_session_free(session);
  systolic_module_free(module);
  systolic_instance_free(instance);
  return failed;
}
