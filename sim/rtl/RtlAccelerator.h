// Cycle-accurate accelerator backed by a Verilated sys_top. The host side
// models DRAM: a byte array with a bandwidth (bytes/cycle, shared by reads and
// writes) and a fixed read latency, serving the RTL's tagged read channel and
// its write channel. Included only by the per-size translation units, which
// define SYSTOLIC_RTL_TRACE to 1 when the model was built with --trace-fst.
#pragma once

#include "Accelerator.h"

#include <verilated.h>
#if SYSTOLIC_RTL_TRACE
#include <verilated_fst_c.h>
#endif

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>

namespace systolic {

template <class Model>
class RtlAccelerator : public Accelerator {
 public:
  RtlAccelerator(const HwConfig& cfg, const AcceleratorOptions& opts)
      : cfg_(cfg), opts_(opts), dram_(cfg.dramBytes) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);  // RTL assertions are reported, not aborted on
    ctx_->traceEverOn(SYSTOLIC_RTL_TRACE != 0);
    model_ = std::make_unique<Model>(ctx_.get());
  }
  ~RtlAccelerator() override {
#if SYSTOLIC_RTL_TRACE
    if (fst_) fst_->close();
#endif
    model_->final();
  }

  const HwConfig& config() const override { return cfg_; }
  std::string kind() const override { return "rtl"; }
  Status writeDram(uint64_t addr, const void* data, size_t n) override { return dram_.write(addr, data, n); }
  Status readDram(uint64_t addr, void* data, size_t n) const override { return dram_.read(addr, data, n); }

  Status run(const Program& program, RunResult* out) override {
    *out = RunResult{};
#if SYSTOLIC_RTL_TRACE
    if (!opts_.fstPath.empty() && !fst_) {
      fst_ = std::make_unique<VerilatedFstC>();
      model_->trace(fst_.get(), 99);
      fst_->open(opts_.fstPath.c_str());
    }
#endif
    Model& m = *model_;
    m.rst = 1;
    m.cmd_valid = 0;
    m.rd_resp_valid = 0;
    m.rd_req_ready = 0;
    m.wr_ready = 0;
    for (int i = 0; i < 2; ++i) tick();
    m.rst = 0;
    m.prog_len = static_cast<uint32_t>(program.size());
    m.dram_bytes = cfg_.dramBytes;

    std::deque<Response> responses;
    double credit = 0;
    size_t next = 0;
    uint64_t cycle = 0, lastActivity = 0, lastMacs = 0;
    const uint64_t quietLimit = 100000 + 4ull * cfg_.dramLatency;
    const uint64_t cycleLimit = opts_.maxCycles ? opts_.maxCycles : ~0ull;
    while (!m.done) {
      credit = std::min(credit + cfg_.dramBytesPerCycle, cfg_.dramBytesPerCycle);
      m.cmd_valid = next < program.size();
      if (next < program.size()) setWide(m.cmd_data, &program[next], 16);
      m.rd_req_ready = credit > 0;
      m.wr_ready = credit > 0;
      bool respond = !responses.empty() && responses.front().readyCycle <= cycle;
      m.rd_resp_valid = respond;
      if (respond) {
        m.rd_resp_tag = responses.front().tag;
        setWide(m.rd_resp_data, responses.front().data.data(), responses.front().data.size());
      }
      m.clk = 0;
      m.eval();
      bool active = false;
      if (m.cmd_valid && m.cmd_ready) ++next, active = true;
      if (m.rd_req_valid && m.rd_req_ready) {
        Response r;
        r.readyCycle = cycle + 1 + cfg_.dramLatency;
        r.tag = m.rd_req_tag;
        r.data.assign(sizeof(m.rd_resp_data), 0);
        std::memcpy(r.data.data(), dram_.raw(m.rd_req_addr), m.rd_req_bytes);
        credit -= m.rd_req_bytes;
        responses.push_back(std::move(r));
        active = true;
      }
      // The RTL may hold a response while its SRAM write port is taken.
      if (respond && m.rd_resp_ready) responses.pop_front(), active = true;
      if (m.wr_valid && m.wr_ready) {
        std::memcpy(dram_.raw(m.wr_addr), wideBytes(m.wr_data), m.wr_bytes);
        credit -= m.wr_bytes;
        active = true;
      }
      m.clk = 1;
      m.eval();
#if SYSTOLIC_RTL_TRACE
      if (fst_) fst_->dump(ctx_->time());
#endif
      ctx_->timeInc(1);
      ++cycle;
      if (counter(kMacs) != lastMacs) lastMacs = counter(kMacs), active = true;
      if (active) lastActivity = cycle;
      if (ctx_->gotError())
        return fail(out, "RTL assertion failed at cycle " + std::to_string(cycle) + " (see stderr)");
      if (cycle - lastActivity > quietLimit || cycle >= cycleLimit)
        return fail(out, "RTL made no progress for " + std::to_string(cycle - lastActivity) +
                             " cycles (timeout at cycle " + std::to_string(cycle) + ")");
    }
#if SYSTOLIC_RTL_TRACE
    if (fst_) fst_->flush();
#endif
    for (unsigned c = 0; c < kNumCounters; ++c) out->counters[c] = counter(c);
    out->error = static_cast<ErrorCode>(m.err_code);
    if (out->ok()) return Status::success();
    out->errorIndex = m.err_index;
    // The RTL reports code and index; the shared checker supplies the text.
    if (out->error == ErrorCode::Deadlock) {
      out->message = "instruction #" + std::to_string(out->errorIndex) +
                     ": deadlock: it waits for a dependency token that no queued or dispatchable "
                     "instruction can push";
    } else if (out->errorIndex < program.size()) {
      out->message = check(program[out->errorIndex], cfg_, out->errorIndex).message;
    }
    if (out->message.empty())
      out->message = std::string("RTL error ") + errorCodeName(out->error) + " at instruction #" +
                     std::to_string(out->errorIndex);
    return Status::failure(out->message);
  }

 private:
  struct Response {
    uint64_t readyCycle;
    uint32_t tag;
    std::vector<uint8_t> data;
  };

  template <class Wide>
  static void setWide(Wide& w, const void* src, size_t n) {
    std::memset(&w, 0, sizeof(w));
    std::memcpy(&w, src, std::min(n, sizeof(w)));  // little-endian words
  }
  template <class Wide>
  static const uint8_t* wideBytes(const Wide& w) { return reinterpret_cast<const uint8_t*>(&w); }

  // Counter c occupies bits [64c, 64c+64) of the flat `counters` port.
  uint64_t counter(unsigned c) const {
    return uint64_t(model_->counters[2 * c]) | uint64_t(model_->counters[2 * c + 1]) << 32;
  }

  void tick() {
    model_->clk = 0;
    model_->eval();
    model_->clk = 1;
    model_->eval();
    ctx_->timeInc(1);
  }

  Status fail(RunResult* out, const std::string& msg) {
    out->error = ErrorCode::Timeout;
    out->message = msg;
    for (unsigned c = 0; c < kNumCounters; ++c) out->counters[c] = counter(c);
    return Status::failure(msg);
  }

  HwConfig cfg_;
  AcceleratorOptions opts_;
  Dram dram_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> model_;
#if SYSTOLIC_RTL_TRACE
  std::unique_ptr<VerilatedFstC> fst_;
#endif
};

}  // namespace systolic
