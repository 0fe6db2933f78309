/*===- systolic_runtime.h - Stable C API of the Systolic runtime ---*- C -*-===*
 *
 * Opaque handles and status objects; no global state. Every fallible call
 * returns a systolic_status*: NULL on success, otherwise an object carrying a
 * code and a message, which the caller frees with systolic_status_free.
 *
 *   systolic_instance *inst;   systolic_instance_create(&inst);
 *   systolic_module *mod;      systolic_module_load("m.sysm", &mod);
 *   const char *devices[] = {"cpu"};
 *   systolic_session *s;       systolic_session_create(inst, mod, devices, 1, &s);
 *   systolic_session_set_input(s, 0, SYSTOLIC_F32, shape, 2, data, bytes);
 *   systolic_session_run(s);
 *   systolic_session_output(s, 0, &out, &out_bytes);
 *
 * Handles may be freed in any order; a session keeps its module alive. A
 * session is used by one thread at a time; distinct sessions, modules and the
 * instance are safe to use from several threads.
 *===----------------------------------------------------------------------===*/
#ifndef SYSTOLIC_RUNTIME_C_SYSTOLIC_RUNTIME_H
#define SYSTOLIC_RUNTIME_C_SYSTOLIC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SYSTOLIC_API __attribute__((visibility("default")))
#else
#define SYSTOLIC_API
#endif

/* Bumped when a function or struct of this header changes incompatibly. */
#define SYSTOLIC_API_VERSION 1

typedef enum systolic_status_code {
  SYSTOLIC_OK = 0,
  SYSTOLIC_INVALID_ARGUMENT = 1,
  SYSTOLIC_NOT_FOUND = 2,
  SYSTOLIC_DATA_LOSS = 3,        /* truncated or corrupted file */
  SYSTOLIC_UNIMPLEMENTED = 4,    /* e.g. a newer artifact format */
  SYSTOLIC_FAILED_PRECONDITION = 5,
  SYSTOLIC_INTERNAL = 6,
} systolic_status_code;

/* Same numbering as the artifact's element types. */
typedef enum systolic_element_type {
  SYSTOLIC_F16 = 0,
  SYSTOLIC_F32 = 1,
  SYSTOLIC_F64 = 2,
  SYSTOLIC_I8 = 3,
  SYSTOLIC_I16 = 4,
  SYSTOLIC_I32 = 5,
  SYSTOLIC_I64 = 6,
  SYSTOLIC_U8 = 7,
  SYSTOLIC_BOOL = 8,
  SYSTOLIC_U16 = 9,
  SYSTOLIC_U32 = 10,
  SYSTOLIC_U64 = 11,
  /* One byte per element (bf16: two); 4- and 2-bit values in the low bits,
     high bits zero. */
  SYSTOLIC_BF16 = 12,
  SYSTOLIC_F8E4M3FN = 13,
  SYSTOLIC_F8E4M3FNUZ = 14,
  SYSTOLIC_F8E5M2 = 15,
  SYSTOLIC_F8E5M2FNUZ = 16,
  SYSTOLIC_F4E2M1FN = 17,
  SYSTOLIC_F8E8M0FNU = 18,
  SYSTOLIC_I4 = 19,
  SYSTOLIC_U4 = 20,
  SYSTOLIC_I2 = 21,
  SYSTOLIC_U2 = 22,
  /* One `const char *` per element: NUL-terminated UTF-8, copied by
     systolic_session_set_input. */
  SYSTOLIC_STRING = 23,
} systolic_element_type;

typedef struct systolic_status systolic_status;
typedef struct systolic_instance systolic_instance;
typedef struct systolic_module systolic_module;
typedef struct systolic_session systolic_session;

/* Pointers stay valid as long as the module lives. */
typedef struct systolic_tensor_info {
  const char *name;
  systolic_element_type element_type;
  size_t rank;
  const int64_t *shape;
  uint64_t byte_size;
} systolic_tensor_info;

typedef struct systolic_dispatch_info {
  const char *name;
  const char *device;
  uint64_t flops;
  uint64_t bytes;
} systolic_dispatch_info;

/* What a device with hardware counters (the accel devices) measured while
 * running one dispatch in the last run. The caller sets `struct_size` to
 * sizeof(systolic_dispatch_counters) so that fields can be appended later.
 * Strings stay valid as long as the session lives. */
typedef struct systolic_dispatch_counters {
  uint32_t struct_size;
  int32_t valid;            /* 0: the device has no counters (cpu) */
  int32_t cycle_accurate;   /* 1: cycles from the RTL; 0 (accel-golden): the golden
                               model's cycle estimate, busy/stall fields 0 */
  int32_t uses_reference;   /* 1: an accel dispatch ran its CPU reference */
  const char *device;       /* name of the device that ran it */
  const char *layer;        /* "conv2d", "matmul", "scaled_add", "max_pool", "lstm", "dense_chain" (accel) */
  const char *dataflow;     /* "ws" or "os" (accel) */
  uint32_t rows, cols;      /* the array */
  uint32_t programs;        /* programs run */
  uint64_t cycles;
  uint64_t ideal_cycles;    /* SCALE-Sim stall-free weight-stationary cycles */
  uint64_t estimated_cycles;/* the compiler's cost-model estimate */
  uint64_t macs;
  double utilization;       /* macs / (cycles * rows * cols); 0 when not timed */
  uint64_t load_busy, load_stall_token, load_stall_dram;
  uint64_t compute_busy, compute_stall_token, compute_stall_hazard;
  uint64_t store_busy, store_stall_token, store_stall_dram;
  uint64_t sp_reads, sp_writes, acc_reads, acc_writes; /* SRAM row accesses */
  uint64_t dram_read_bytes, dram_write_bytes;
} systolic_dispatch_counters;

SYSTOLIC_API uint32_t systolic_api_version(void);

/* SYSTOLIC_OK and "" for NULL (success). */
SYSTOLIC_API systolic_status_code systolic_status_get_code(const systolic_status *status);
SYSTOLIC_API const char *systolic_status_message(const systolic_status *status);
SYSTOLIC_API void systolic_status_free(systolic_status *status);

/* An instance holds the device registry (built-in devices: "cpu", and
 * "accel" / "accel-golden" when the simulator is built). */
SYSTOLIC_API systolic_status *systolic_instance_create(systolic_instance **out);
SYSTOLIC_API void systolic_instance_free(systolic_instance *instance);
SYSTOLIC_API size_t systolic_instance_device_count(const systolic_instance *instance);
SYSTOLIC_API const char *systolic_instance_device_name(const systolic_instance *instance,
                                                       size_t index);

SYSTOLIC_API systolic_status *systolic_module_load(const char *path, systolic_module **out);
SYSTOLIC_API systolic_status *systolic_module_load_bytes(const void *data, size_t size,
                                                         systolic_module **out);
SYSTOLIC_API void systolic_module_free(systolic_module *module);
SYSTOLIC_API size_t systolic_module_input_count(const systolic_module *module);
SYSTOLIC_API size_t systolic_module_output_count(const systolic_module *module);
SYSTOLIC_API size_t systolic_module_dispatch_count(const systolic_module *module);
SYSTOLIC_API systolic_status *systolic_module_input_info(const systolic_module *module,
                                                         size_t index,
                                                         systolic_tensor_info *out);
SYSTOLIC_API systolic_status *systolic_module_output_info(const systolic_module *module,
                                                          size_t index,
                                                          systolic_tensor_info *out);
SYSTOLIC_API systolic_status *systolic_module_dispatch_info(const systolic_module *module,
                                                            size_t index,
                                                            systolic_dispatch_info *out);

/* Each dispatch runs on the first listed device serving its device kind. */
SYSTOLIC_API systolic_status *systolic_session_create(const systolic_instance *instance,
                                                      systolic_module *module,
                                                      const char *const *device_names,
                                                      size_t device_count,
                                                      systolic_session **out);
SYSTOLIC_API void systolic_session_free(systolic_session *session);
/* Copies a dense row-major tensor into input `index`; checks type and shape. */
SYSTOLIC_API systolic_status *systolic_session_set_input(systolic_session *session, size_t index,
                                                         systolic_element_type element_type,
                                                         const int64_t *shape, size_t rank,
                                                         const void *data, size_t byte_size);
SYSTOLIC_API systolic_status *systolic_session_run(systolic_session *session);
/* Output `index` of the last run; valid until the next run or the free. */
SYSTOLIC_API systolic_status *systolic_session_output(const systolic_session *session,
                                                      size_t index, const void **data,
                                                      size_t *byte_size);
/* Nanoseconds dispatch `index` took in the last run. */
SYSTOLIC_API systolic_status *systolic_session_dispatch_time_ns(const systolic_session *session,
                                                                size_t index, uint64_t *out);
/* Device counters of dispatch `index` in the last run (set out->struct_size). */
SYSTOLIC_API systolic_status *systolic_session_dispatch_counters(
    const systolic_session *session, size_t index, systolic_dispatch_counters *out);

#ifdef __cplusplus
}
#endif

#endif /* SYSTOLIC_RUNTIME_C_SYSTOLIC_RUNTIME_H */
