//===- CApi.cpp - The C API over the C++ runtime --------------------------===//
#include "runtime/c/systolic_runtime.h"
#include "runtime/Runtime.h"

#include <new>

using namespace systolic;
using namespace systolic::runtime;

struct systolic_status {
  Status status;
};
struct systolic_instance {
  DeviceRegistry registry;
  std::vector<std::string> names;
};
struct systolic_module {
  std::shared_ptr<const Module> module;
};
struct systolic_session {
  std::unique_ptr<Session> session;
};

static_assert(static_cast<int>(ElementType::Bool) == SYSTOLIC_BOOL &&
                  static_cast<int>(ElementType::U64) == SYSTOLIC_U64 &&
                  static_cast<int>(artifact::kLastElementType) == SYSTOLIC_STRING &&
                  static_cast<int>(ElementType::F32) == SYSTOLIC_F32,
              "C and C++ element type numbering differ");

static systolic_status *wrap(Status status) {
  if (status.isOk())
    return nullptr;
  return new (std::nothrow) systolic_status{std::move(status)};
}
static systolic_status *invalid(const std::string &message) {
  return wrap(Status(StatusCode::InvalidArgument, message));
}
static std::string indexError(const char *what, size_t index, size_t count) {
  return std::string(what) + " index " + std::to_string(index) +
         " is out of range (count " + std::to_string(count) + ")";
}

extern "C" {

uint32_t systolic_api_version(void) { return SYSTOLIC_API_VERSION; }

systolic_status_code systolic_status_get_code(const systolic_status *status) {
  return status ? static_cast<systolic_status_code>(status->status.code()) : SYSTOLIC_OK;
}
const char *systolic_status_message(const systolic_status *status) {
  return status ? status->status.message().c_str() : "";
}
void systolic_status_free(systolic_status *status) { delete status; }

systolic_status *systolic_instance_create(systolic_instance **out) {
  if (!out)
    return invalid("systolic_instance_create: `out` is NULL");
  auto *instance = new systolic_instance{DeviceRegistry::withBuiltinDevices(), {}};
  instance->names = instance->registry.names();
  *out = instance;
  return nullptr;
}
void systolic_instance_free(systolic_instance *instance) { delete instance; }
size_t systolic_instance_device_count(const systolic_instance *instance) {
  return instance ? instance->names.size() : 0;
}
const char *systolic_instance_device_name(const systolic_instance *instance, size_t index) {
  return instance && index < instance->names.size() ? instance->names[index].c_str()
                                                    : nullptr;
}

static systolic_status *wrapModule(Expected<std::shared_ptr<const Module>> module,
                                   systolic_module **out) {
  if (!module)
    return wrap(module.status());
  *out = new systolic_module{module.take()};
  return nullptr;
}
systolic_status *systolic_module_load(const char *path, systolic_module **out) {
  if (!path || !out)
    return invalid("systolic_module_load: `path` or `out` is NULL");
  return wrapModule(Module::load(path), out);
}
systolic_status *systolic_module_load_bytes(const void *data, size_t size,
                                            systolic_module **out) {
  if ((!data && size) || !out)
    return invalid("systolic_module_load_bytes: `data` or `out` is NULL");
  return wrapModule(Module::fromBytes(data, size), out);
}
void systolic_module_free(systolic_module *module) { delete module; }

size_t systolic_module_input_count(const systolic_module *module) {
  return module ? module->module->inputs().size() : 0;
}
size_t systolic_module_output_count(const systolic_module *module) {
  return module ? module->module->outputs().size() : 0;
}
size_t systolic_module_dispatch_count(const systolic_module *module) {
  return module ? module->module->artifact().dispatches().size() : 0;
}

static systolic_status *tensorInfo(const systolic_module *module, size_t index,
                                   systolic_tensor_info *out, bool input) {
  if (!module || !out)
    return invalid("`module` or `out` is NULL");
  const std::vector<TensorSpec> &specs =
      input ? module->module->inputs() : module->module->outputs();
  if (index >= specs.size())
    return invalid(indexError(input ? "input" : "output", index, specs.size()));
  const TensorSpec &spec = specs[index];
  *out = {spec.name.c_str(), static_cast<systolic_element_type>(spec.type),
          spec.shape.size(), spec.shape.data(), spec.byteSize()};
  return nullptr;
}
systolic_status *systolic_module_input_info(const systolic_module *module, size_t index,
                                            systolic_tensor_info *out) {
  return tensorInfo(module, index, out, /*input=*/true);
}
systolic_status *systolic_module_output_info(const systolic_module *module, size_t index,
                                             systolic_tensor_info *out) {
  return tensorInfo(module, index, out, /*input=*/false);
}
systolic_status *systolic_module_dispatch_info(const systolic_module *module, size_t index,
                                               systolic_dispatch_info *out) {
  if (!module || !out)
    return invalid("`module` or `out` is NULL");
  const auto &plan = module->module->artifact().dispatches();
  if (index >= plan.size())
    return invalid(indexError("dispatch", index, plan.size()));
  *out = {plan[index].name.c_str(), plan[index].device.c_str(), plan[index].flops,
          plan[index].bytes};
  return nullptr;
}

systolic_status *systolic_session_create(const systolic_instance *instance,
                                         systolic_module *module,
                                         const char *const *device_names,
                                         size_t device_count, systolic_session **out) {
  if (!instance || !module || !out || (device_count && !device_names))
    return invalid("systolic_session_create: a required argument is NULL");
  std::vector<std::shared_ptr<Device>> devices;
  for (size_t i = 0; i < device_count; ++i) {
    if (!device_names[i])
      return invalid("systolic_session_create: device name " + std::to_string(i) +
                     " is NULL");
    Expected<std::shared_ptr<Device>> device =
        instance->registry.create(device_names[i]);
    if (!device)
      return wrap(device.status());
    devices.push_back(device.take());
  }
  Expected<std::unique_ptr<Session>> session =
      Session::create(module->module, std::move(devices));
  if (!session)
    return wrap(session.status());
  *out = new systolic_session{session.take()};
  return nullptr;
}
void systolic_session_free(systolic_session *session) { delete session; }

systolic_status *systolic_session_set_input(systolic_session *session, size_t index,
                                            systolic_element_type element_type,
                                            const int64_t *shape, size_t rank,
                                            const void *data, size_t byte_size) {
  if (!session || (rank && !shape))
    return invalid("systolic_session_set_input: `session` or `shape` is NULL");
  if (static_cast<unsigned>(element_type) > SYSTOLIC_STRING)
    return invalid("systolic_session_set_input: unknown element type " +
                   std::to_string(static_cast<int>(element_type)));
  TensorView view{data, static_cast<ElementType>(element_type),
                  Shape(shape, shape + rank)};
  if (!artifact::elementCount(view.shape) || view.byteSize() != byte_size ||
      (!data && byte_size))
    return invalid("systolic_session_set_input: " + std::to_string(byte_size) +
                   " bytes of data do not match " +
                   describe(view.type, view.shape));
  return wrap(session->session->setInput(index, view));
}

systolic_status *systolic_session_run(systolic_session *session) {
  if (!session)
    return invalid("systolic_session_run: `session` is NULL");
  return wrap(session->session->run());
}

systolic_status *systolic_session_output(const systolic_session *session, size_t index,
                                         const void **data, size_t *byte_size) {
  if (!session || !data || !byte_size)
    return invalid("systolic_session_output: a required argument is NULL");
  size_t count = session->session->module().outputs().size();
  if (index >= count)
    return invalid(indexError("output", index, count));
  TensorView view = session->session->output(index);
  *data = view.data;
  *byte_size = view.byteSize();
  return nullptr;
}

systolic_status *systolic_session_dispatch_time_ns(const systolic_session *session,
                                                   size_t index, uint64_t *out) {
  if (!session || !out)
    return invalid("systolic_session_dispatch_time_ns: a required argument is NULL");
  const std::vector<uint64_t> &times = session->session->dispatchNanoseconds();
  if (index >= times.size())
    return invalid(indexError("dispatch", index, times.size()));
  *out = times[index];
  return nullptr;
}

systolic_status *systolic_session_dispatch_counters(const systolic_session *session,
                                                   size_t index,
                                                   systolic_dispatch_counters *out) {
  if (!session || !out)
    return invalid("systolic_session_dispatch_counters: a required argument is NULL");
  if (out->struct_size < sizeof(systolic_dispatch_counters))
    return invalid("systolic_session_dispatch_counters: struct_size is " +
                   std::to_string(out->struct_size) + ", expected at least " +
                   std::to_string(sizeof(systolic_dispatch_counters)) +
                   " (set it to sizeof(systolic_dispatch_counters))");
  const Session &s = *session->session;
  const std::vector<DeviceCounters> &all = s.dispatchCounters();
  if (index >= all.size())
    return invalid(indexError("dispatch", index, all.size()));
  const DeviceCounters &c = all[index];
  uint32_t size = out->struct_size;
  *out = systolic_dispatch_counters();
  out->struct_size = size;
  out->valid = c.valid;
  out->cycle_accurate = c.cycleAccurate;
  out->uses_reference = s.dispatchUsesReference(index);
  out->device = s.dispatchDevice(index).name().c_str();
  out->layer = c.layer.c_str();
  out->dataflow = c.dataflow.c_str();
  out->rows = c.rows;
  out->cols = c.cols;
  out->programs = c.programs;
  out->cycles = c.cycles;
  out->ideal_cycles = c.idealCycles;
  out->estimated_cycles = c.estimatedCycles;
  out->macs = c.macs;
  out->utilization = c.utilization();
  out->load_busy = c.loadBusy;
  out->load_stall_token = c.loadStallToken;
  out->load_stall_dram = c.loadStallDram;
  out->compute_busy = c.computeBusy;
  out->compute_stall_token = c.computeStallToken;
  out->compute_stall_hazard = c.computeStallHazard;
  out->store_busy = c.storeBusy;
  out->store_stall_token = c.storeStallToken;
  out->store_stall_dram = c.storeStallDram;
  out->sp_reads = c.spReads;
  out->sp_writes = c.spWrites;
  out->acc_reads = c.accReads;
  out->acc_writes = c.accWrites;
  out->dram_read_bytes = c.dramReadBytes;
  out->dram_write_bytes = c.dramWriteBytes;
  return nullptr;
}

} // extern "C"
