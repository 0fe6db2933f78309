#include "golden/Golden.h"

#include "golden/Arith.h"
#include "golden/Timing.h"

#include <cstring>
#include <deque>

namespace systolic {

GoldenModel::GoldenModel(const HwConfig& cfg)
    : cfg_(cfg),
      dram_(cfg.dramBytes),
      sp_(size_t(cfg.spRows) * cfg.rowBytes(), 0),
      acc_(size_t(cfg.accRows) * cfg.cols, 0) {}

Status GoldenModel::writeDram(uint64_t addr, const void* data, size_t bytes) {
  return dram_.write(addr, data, bytes);
}

Status GoldenModel::readDram(uint64_t addr, void* data, size_t bytes) const {
  return dram_.read(addr, data, bytes);
}

Status GoldenModel::run(const Program& program, RunResult* out) {
  *out = RunResult{};
  counters_.fill(0);
  // tokens[from][to]: tokens pushed by unit `from` not yet popped by `to`.
  uint64_t tokens[3][3] = {};
  std::deque<uint64_t> queue[3];
  uint64_t next = 0;
  bool dispatchFault = false;
  TimingModel timing(cfg_);

  auto prevOf = [](int u) { return u - 1; };
  auto nextOf = [](int u) { return u + 1; };
  for (;;) {
    bool progressed = false;
    // In-order dispatch into bounded queues; a faulty instruction stops it.
    while (!dispatchFault && next < program.size()) {
      Check c = check(program[next], cfg_, next);
      if (c.code != ErrorCode::Ok) {
        dispatchFault = true;
        out->error = c.code;
        out->errorIndex = next;
        out->message = c.message;
        break;
      }
      int u = static_cast<int>(unitOf(static_cast<Opcode>(program[next].w[0] & 15)));
      if (queue[u].size() >= cfg_.queueDepth) break;
      queue[u].push_back(next++);
      timing.dispatch(u);
      progressed = true;
    }
    for (int u = 0; u < 3; ++u) {
      if (queue[u].empty()) continue;
      Instr in;
      decode(program[queue[u].front()], &in);
      if (in.popPrev && !tokens[prevOf(u)][u]) continue;
      if (in.popNext && !tokens[nextOf(u)][u]) continue;
      if (in.popPrev) --tokens[prevOf(u)][u];
      if (in.popNext) --tokens[nextOf(u)][u];
      timing.execute(in, u);
      execute(in);
      if (in.pushPrev) ++tokens[u][prevOf(u)];
      if (in.pushNext) ++tokens[u][nextOf(u)];
      queue[u].pop_front();
      progressed = true;
    }
    if (progressed) continue;
    bool drained = queue[0].empty() && queue[1].empty() && queue[2].empty();
    if (!drained && !dispatchFault) {
      uint64_t blocked = ~0ull;
      for (int u = 0; u < 3; ++u)
        if (!queue[u].empty() && queue[u].front() < blocked) blocked = queue[u].front();
      Instr in;
      decode(program[blocked], &in);
      out->error = ErrorCode::Deadlock;
      out->errorIndex = blocked;
      out->message = "instruction #" + std::to_string(blocked) + " (" + opcodeName(in.op) +
                     "): deadlock: it waits for a dependency token that no queued or "
                     "dispatchable instruction can push";
    }
    break;
  }
  counters_[kCycles] = timing.cycles();
  out->counters = counters_;
  return out->ok() ? Status::success() : Status::failure(out->message);
}

void GoldenModel::execute(const Instr& in) {
  switch (in.op) {
    case Opcode::Load: load(in); break;
    case Opcode::Store: store(in); break;
    case Opcode::Matmul: matmul(in); break;
    case Opcode::Output: output(in); break;
    case Opcode::Vector: vector(in); break;
    case Opcode::LutLoad: lutLoad(in); break;
  }
}

void GoldenModel::load(const Instr& in) {
  const size_t rowBytes = in.mem ? cfg_.accRowBytes() : cfg_.rowBytes();
  const int64_t width = in.padLeft + in.xSize + in.padRight;
  const int64_t height = in.padTop + in.ySize + in.padBottom;
  for (int64_t y = 0; y < height; ++y) {
    for (int64_t x = 0; x < width; ++x) {
      int64_t row = in.sramRow + y * width + x;
      uint8_t* dst = in.mem ? reinterpret_cast<uint8_t*>(acc(row)) : reinterpret_cast<uint8_t*>(sp(row));
      std::memset(dst, 0, rowBytes);
      int64_t sy = y - in.padTop, sx = x - in.padLeft;
      if (sy >= 0 && sy < in.ySize && sx >= 0 && sx < in.xSize) {
        // Little-endian host: accumulator words are stored as DRAM bytes.
        std::memcpy(dst, dram_.raw(in.dramAddr + sy * in.yStride + sx * in.xStride), in.elemBytes);
        counters_[kDramReadBytes] += in.elemBytes;
      }
    }
  }
  counters_[in.mem ? kAccWrites : kSpWrites] += height * width;
}

void GoldenModel::store(const Instr& in) {
  for (int64_t y = 0; y < in.ySize; ++y)
    for (int64_t x = 0; x < in.xSize; ++x) {
      int64_t row = in.sramRow + y * in.xSize + x;
      const void* src = in.mem ? static_cast<const void*>(acc(row)) : static_cast<const void*>(sp(row));
      std::memcpy(dram_.raw(in.dramAddr + y * in.yStride + x * in.xStride), src, in.elemBytes);
    }
  counters_[in.mem ? kAccReads : kSpReads] += in.xSize * in.ySize;
  counters_[kDramWriteBytes] += in.xSize * in.ySize * in.elemBytes;
}

void GoldenModel::matmul(const Instr& in) {
  const bool ws = in.dataflow == 0;
  std::vector<int32_t> sum(in.n);
  auto writeRow = [&](int64_t row) {
    int32_t* c = acc(in.cRow + row);
    for (int64_t j = 0; j < in.n; ++j)
      c[j] = in.accumulate ? int32_t(uint32_t(c[j]) + uint32_t(sum[j])) : sum[j];
  };
  if (ws) {
    // Row t of A (k values) times the k x n weight tile.
    for (int64_t t = 0; t < in.m; ++t) {
      std::fill(sum.begin(), sum.end(), 0);
      const int8_t* a = sp(in.aRow + t);
      for (int64_t i = 0; i < in.k; ++i) {
        const int8_t* b = sp(in.bRow + i);
        int32_t av = a[i];
        for (int64_t j = 0; j < in.n; ++j) sum[j] += av * b[j];
      }
      writeRow(t);
    }
    counters_[kSpReads] += in.m + in.k;
  } else {
    // Scratchpad row t holds column t of A (m values) and row t of B.
    std::vector<int32_t> tile(size_t(in.m) * in.n, 0);
    for (int64_t t = 0; t < in.k; ++t) {
      const int8_t* a = sp(in.aRow + t);
      const int8_t* b = sp(in.bRow + t);
      for (int64_t i = 0; i < in.m; ++i) {
        int32_t av = a[i];
        for (int64_t j = 0; j < in.n; ++j) tile[i * in.n + j] += av * b[j];
      }
    }
    for (int64_t i = 0; i < in.m; ++i) {
      std::copy(&tile[i * in.n], &tile[i * in.n] + in.n, sum.begin());
      writeRow(i);
    }
    counters_[kSpReads] += 2 * in.k;
  }
  counters_[kMacs] += in.m * in.k * in.n;
  if (in.accumulate) counters_[kAccReads] += in.m;
  counters_[kAccWrites] += in.m;
}

void GoldenModel::output(const Instr& in) {
  const int32_t* bias = acc(in.paramRow);
  const int32_t* mult = acc(in.paramRow + 1);
  const int32_t* shift = acc(in.paramRow + 2);
  for (int64_t r = 0; r < in.rows; ++r) {
    const int32_t* src = acc(in.srcRow + r);
    int8_t* dst = sp(in.dstRow + r);
    std::memset(dst, 0, cfg_.rowBytes());
    for (uint32_t c = 0; c < cfg_.cols; ++c)
      dst[c] = requantize(src[c], bias[c], mult[c], shift[c], int8_t(in.zeroPoint),
                          int8_t(in.clampMax), unsigned(in.act), lut_);
  }
  counters_[kAccReads] += 3 + in.rows;
  counters_[kSpWrites] += in.rows;
}

void GoldenModel::vector(const Instr& in) {
  for (int64_t r = 0; r < in.rows; ++r) {
    if (in.mem) {
      int32_t *a = acc(in.srcA + r), *b = acc(in.srcB + r), *d = acc(in.dst + r);
      for (uint32_t c = 0; c < cfg_.cols; ++c) d[c] = vectorOp32(unsigned(in.vecOp), a[c], b[c], unsigned(in.shift));
    } else {
      int8_t *a = sp(in.srcA + r), *b = sp(in.srcB + r), *d = sp(in.dst + r);
      for (uint32_t c = 0; c < cfg_.rowBytes(); ++c) d[c] = vectorOp8(unsigned(in.vecOp), a[c], b[c], unsigned(in.shift));
    }
  }
  counters_[in.mem ? kAccReads : kSpReads] += 2 * in.rows;
  counters_[in.mem ? kAccWrites : kSpWrites] += in.rows;
}

void GoldenModel::lutLoad(const Instr& in) {
  for (unsigned i = 0; i < 256; ++i) lut_[i] = sp(in.sramRow + i / cfg_.rowBytes())[i % cfg_.rowBytes()];
  counters_[kSpReads] += cfg_.lutRows();
}

}  // namespace systolic
