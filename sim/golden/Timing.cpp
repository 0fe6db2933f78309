#include "golden/Timing.h"

#include <algorithm>
#include <cmath>

namespace systolic {

TimingModel::TimingModel(const HwConfig& cfg) : cfg_(cfg) {
  loadCredit_ = storeCredit_ = Credit{cfg.dramBytesPerCycle, 0};
}

void TimingModel::dispatch(int unit) {
  // One instruction per cycle, in order; a full queue frees its entry the
  // cycle after the unit takes its head.
  uint64_t d = anyDispatched_ ? lastDispatch_ + 1 : 0;
  const size_t n = dispatched_[unit].size();
  if (n >= cfg_.queueDepth) d = std::max(d, started_[unit][n - cfg_.queueDepth] + 1);
  dispatched_[unit].push_back(d);
  lastDispatch_ = d;
  anyDispatched_ = true;
}

uint64_t TimingModel::acceptDram(Credit& cr, uint64_t c, double bytes) const {
  // sim/rtl/RtlAccelerator.h: every cycle credit = min(credit + bw, bw); a
  // request is accepted while credit > 0 and costs its bytes.
  const double bw = cfg_.dramBytesPerCycle;
  double credit = c >= cr.cycle ? std::min(cr.credit + double(c - cr.cycle) * bw, bw) : cr.credit;
  if (credit <= 0) {
    uint64_t k = uint64_t(std::floor(-credit / bw)) + 1;
    c += k;
    credit = std::min(credit + double(k) * bw, bw);
  }
  cr.credit = credit - bytes;
  cr.cycle = c;
  return c;
}

uint64_t TimingModel::startTime(const Instr& in, int unit) {
  uint64_t t = dispatched_[unit][started_[unit].size()] + 1;  // queue head the cycle after dispatch
  // A token pushed in cycle P is visible from P + 1.
  if (in.popPrev) {
    t = std::max(t, tokens_[unit - 1][unit].front() + 1);
    tokens_[unit - 1][unit].pop_front();
  }
  if (in.popNext) {
    t = std::max(t, tokens_[unit + 1][unit].front() + 1);
    tokens_[unit + 1][unit].pop_front();
  }
  return t;
}

void TimingModel::execute(const Instr& in, int unit) {
  uint64_t earliest = startTime(in, unit);
  uint64_t take = 0, push = 0;
  switch (unit) {
    case 0: take = std::max(earliest, loadFree_), push = load(in, take); break;
    case 2: take = std::max(earliest, storeFree_), push = store(in, take); break;
    default: take = compute(in, earliest), push = pushAt_; break;
  }
  started_[unit].push_back(take);
  if (in.pushPrev) tokens_[unit][unit - 1].push_back(push);
  if (in.pushNext) tokens_[unit][unit + 1].push_back(push);
}

// sys_load: one element per cycle from take + 1; real elements are DRAM
// requests (bandwidth credit), padding elements are zero writes that wait for
// a cycle in which no read response uses the SRAM write port. An instruction
// that pushes a token finishes when its last response is back.
uint64_t TimingModel::load(const Instr& in, uint64_t take) {
  uint64_t c = take + 1;
  while (!responses_.empty() && responses_.front() < c) responses_.pop_front();
  const int64_t width = in.padLeft + in.xSize + in.padRight;
  const int64_t height = in.padTop + in.ySize + in.padBottom;
  for (int64_t y = 0; y < height; ++y) {
    const bool padLine = y < in.padTop || y >= in.padTop + in.ySize;
    for (int64_t x = 0; x < width; ++x) {
      if (!padLine && x >= in.padLeft && x < in.padLeft + in.xSize) {
        c = acceptDram(loadCredit_, c, double(in.elemBytes));
        lastResponse_ = c + 1 + cfg_.dramLatency;
        responses_.push_back(lastResponse_);
        dramBytes_ += double(in.elemBytes);
      } else {
        while (!responses_.empty() && responses_.front() <= c) {
          if (responses_.front() == c) ++c;
          responses_.pop_front();
        }
      }
      ++c;
    }
  }
  uint64_t finish = c;
  if (in.pushNext) finish = std::max(finish, lastResponse_ + 1);
  loadFree_ = finish;
  end_ = std::max({end_, finish + 1, lastResponse_ + 1});
  return finish;
}

// sys_store: the first row is read at take + 1 and offered at take + 2; then
// one row per accepted write.
uint64_t TimingModel::store(const Instr& in, uint64_t take) {
  uint64_t w = take + 2, last = w;
  const int64_t elems = in.xSize * in.ySize;
  for (int64_t i = 0; i < elems; ++i) {
    last = acceptDram(storeCredit_, w, double(in.elemBytes));
    w = last + 1;
  }
  dramBytes_ += double(elems * in.elemBytes);
  storeFree_ = last + 1;
  end_ = std::max(end_, last + 1);
  return last;
}

// sys_compute. WS MATMUL: issue needs a free preload stage, the exclusive
// engine idle, the next weight bank cooled down (R + 1 cycles after its last
// activation) and, after OS work, a drained array; the R-cycle preload then
// hands off to the stream stage when the previous stream ends; m rows stream
// one per cycle; results are written R + C + 1 cycles after the last row.
// OS MATMUL: k steps, an R-cycle drain, rows written after C + R more cycles.
// OUTPUT / VECTOR / LUTLOAD run alone on a drained pipeline, one row a cycle.
uint64_t TimingModel::compute(const Instr& in, uint64_t earliest) {
  const uint64_t R = cfg_.rows, C = cfg_.cols;
  const uint64_t drained = anyWrite_ ? lastWrite_ + 1 : 0;
  uint64_t issue = 0;
  if (in.op == Opcode::Matmul && in.dataflow == 0) {
    issue = std::max({earliest, pFree_, eFree_, bankReady_[nextBank_]});
    if (osMode_) issue = std::max(issue, drained);
    const uint64_t handoff = std::max(issue + R, sDone_);
    sDone_ = handoff + uint64_t(in.m);
    bankReady_[nextBank_] = sDone_ + R + 2;
    nextBank_ ^= 1;
    pFree_ = handoff + 1;
    osMode_ = false;
    pushAt_ = sDone_ + R + C + 1;
  } else if (in.op == Opcode::Matmul) {
    issue = std::max({earliest, pFree_, sDone_ + 1, eFree_});
    if (!osMode_) issue = std::max(issue, drained);
    sDone_ = issue + uint64_t(in.k) + R;
    osMode_ = true;
    pushAt_ = sDone_ + C + R + 1;
  } else {
    issue = std::max({earliest, drained, pFree_, sDone_ + 1, eFree_});
    const uint64_t len = in.op == Opcode::Output ? uint64_t(in.rows) + 3
                         : in.op == Opcode::Vector ? uint64_t(in.rows)
                                                   : cfg_.lutRows();
    pushAt_ = issue + len + 1;
    eFree_ = issue + len + 2;
    end_ = std::max(end_, eFree_);
    return issue;
  }
  lastWrite_ = std::max(lastWrite_, pushAt_);
  anyWrite_ = true;
  end_ = std::max(end_, lastWrite_ + 1);
  return issue;
}

uint64_t TimingModel::cycles() const {
  uint64_t c = std::max(end_, anyDispatched_ ? lastDispatch_ + 1 : 0) + 1;
  const uint64_t bandwidthBound = uint64_t(std::ceil(dramBytes_ / cfg_.dramBytesPerCycle));
  return std::max(c, bandwidthBound);
}

}  // namespace systolic
