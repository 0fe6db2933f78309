#include "kernels/Kernels.h"

#include <algorithm>
#include <string>

namespace systolic {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Collects instructions and applies the double-buffering token protocol:
// a load group fills buffer slot g % 2 and tells compute (push_next); before
// refilling a slot the loads wait until compute released it (pop_next); the
// output buffers use the same scheme between compute and store.
class Emitter {
 public:
  std::vector<Instr> instrs;

  void beginLoadGroup() {
    firstLoadPops_ = loadGroups_++ >= 2;
    lastLoad_ = -1;
  }
  void load(Instr in) {
    in.op = Opcode::Load;
    if (firstLoadPops_) in.popNext = true, firstLoadPops_ = false;
    lastLoad_ = add(in);
  }
  void endLoadGroup() { instrs[lastLoad_].pushNext = true; }
  int64_t loadGroups() const { return loadGroups_; }

  // MATMULs consuming one load group.
  void beginComputeGroup() { firstComputePops_ = true; }
  void matmul(Instr in) {
    in.op = Opcode::Matmul;
    if (firstComputePops_) in.popPrev = true, firstComputePops_ = false;
    if (accBusy_) in.popNext = true, accBusy_ = false;
    lastCompute_ = add(in);
  }
  // Any other compute instruction consuming a load group (VECTOR).
  void compute(Instr in) {
    if (firstComputePops_) in.popPrev = true, firstComputePops_ = false;
    lastCompute_ = add(in);
  }
  void endComputeGroup() { instrs[lastCompute_].pushPrev = true; }
  // Raw accumulator stores read the block that the next MATMUL overwrites:
  // the last MATMUL hands it to the store unit, which hands it back.
  void handAccumulatorsToStore() { instrs[lastCompute_].pushNext = true; }
  void accumulatorsWithStore() { accBusy_ = true; }

  // An instruction that fills output slot o % 2 for the store unit.
  void produceOutput(Instr in) {
    if (outputs_++ >= 2) in.popNext = true;
    in.pushNext = true;
    add(in);
  }
  // Stores draining one output slot.
  void beginStoreGroup() { firstStorePops_ = true; lastStore_ = -1; }
  void store(Instr in) {
    in.op = Opcode::Store;
    if (firstStorePops_) in.popPrev = true, firstStorePops_ = false;
    lastStore_ = add(in);
  }
  void endStoreGroup() { instrs[lastStore_].pushPrev = true; }

  size_t add(const Instr& in) {
    instrs.push_back(in);
    return instrs.size() - 1;
  }

 private:
  int64_t loadGroups_ = 0, outputs_ = 0;
  bool firstLoadPops_ = false, firstComputePops_ = false, firstStorePops_ = false;
  bool accBusy_ = false;
  size_t lastLoad_ = 0, lastCompute_ = 0, lastStore_ = 0;
};

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

constexpr int64_t kMaxX = 255, kMaxY = 255, kMaxXStride = 4095, kMaxYStride = 65535, kMaxPad = 7;

// LOADs (or STOREs) of a `lines` x `cols` grid of elements, row-major in SRAM
// from `sramRow`, element (l, c) at DRAM dram + l*lineStride + c*colStride,
// `bytes` bytes each. Transfers are split so that every field fits: lines of
// more than 255 elements, more than 255 lines, or strides wider than the
// stride fields become several instructions (one per line, per run of
// elements, or per element).
void dmaGrid(Emitter& e, bool store, int64_t mem, int64_t sramRow, uint64_t dram, int64_t lines,
             int64_t cols, int64_t lineStride, int64_t colStride, int64_t bytes) {
  auto emit = [&](int64_t row, uint64_t addr, int64_t x, int64_t y, int64_t xs, int64_t ys) {
    Instr in;
    in.mem = mem;
    in.sramRow = row;
    in.dramAddr = int64_t(addr);
    in.elemBytes = bytes;
    in.xSize = x, in.ySize = y;
    in.xStride = xs <= kMaxXStride ? xs : 0;
    in.yStride = ys <= kMaxYStride ? ys : 0;
    if (store) e.store(in);
    else e.load(in);
  };
  if (cols <= kMaxX && (cols == 1 || colStride <= kMaxXStride) &&
      (lines == 1 || lineStride <= kMaxYStride)) {
    for (int64_t l = 0; l < lines; l += kMaxY)
      emit(sramRow + l * cols, dram + l * lineStride, cols, std::min(kMaxY, lines - l),
           cols > 1 ? colStride : 0, lineStride);
    return;
  }
  for (int64_t l = 0; l < lines; ++l) {
    const int64_t row = sramRow + l * cols;
    const uint64_t base = dram + l * lineStride;
    if (colStride <= kMaxXStride) {
      for (int64_t c = 0; c < cols; c += kMaxX)
        emit(row + c, base + c * colStride, std::min(kMaxX, cols - c), 1, colStride, 0);
    } else if (colStride <= kMaxYStride) {
      for (int64_t c = 0; c < cols; c += kMaxY)  // a run of elements as lines of one
        emit(row + c, base + c * colStride, 1, std::min(kMaxY, cols - c), 0, colStride);
    } else {
      for (int64_t c = 0; c < cols; ++c) emit(row + c, base + c * colStride, 1, 1, 0, 0);
    }
  }
}

// Rows [row, row + count) of a DRAM matrix, `stride` bytes apart.
void loadRows(Emitter& e, int64_t mem, int64_t sramRow, uint64_t dram, int64_t count,
              int64_t stride, int64_t bytes) {
  dmaGrid(e, false, mem, sramRow, dram, count, 1, stride, 0, bytes);
}

void storeRows(Emitter& e, int64_t mem, int64_t sramRow, uint64_t dram, int64_t count,
               int64_t stride, int64_t bytes) {
  dmaGrid(e, true, mem, sramRow, dram, count, 1, stride, 0, bytes);
}

// LOADs of a zero-padded grid: (pt + lines + pb) x (pl + cols + pr) rows
// from sramRow, padding rows zero. Returns false (emitting nothing) when the
// padding or line length cannot be expressed by the LOAD fields.
bool loadPaddedGrid(Emitter& e, int64_t sramRow, uint64_t dram, int64_t lines, int64_t cols,
                    int64_t lineStride, int64_t colStride, int64_t bytes, int64_t pt,
                    int64_t pb, int64_t pl, int64_t pr) {
  if (pt > kMaxPad || pb > kMaxPad || pl > kMaxPad || pr > kMaxPad || cols > kMaxX ||
      (cols > 1 && colStride > kMaxXStride))
    return false;
  const int64_t width = pl + cols + pr;
  const int64_t chunk = lines == 1 || lineStride <= kMaxYStride ? kMaxY : 1;
  for (int64_t l = 0; l < lines; l += chunk) {
    const int64_t y = std::min(chunk, lines - l);
    Instr in;
    in.mem = 0;
    in.sramRow = sramRow + (l == 0 ? 0 : (pt + l) * width);
    in.dramAddr = int64_t(dram + l * lineStride);
    in.elemBytes = bytes;
    in.xSize = cols, in.ySize = y;
    in.xStride = cols > 1 ? colStride : 0;
    in.yStride = lineStride <= kMaxYStride ? lineStride : 0;
    in.padLeft = pl, in.padRight = pr;
    in.padTop = l == 0 ? pt : 0;
    in.padBottom = l + y == lines ? pb : 0;
    e.load(in);
  }
  return true;
}

// The 256-entry activation table as scratchpad rows from spRow.
void loadLut(Emitter& e, const HwConfig& cfg, int64_t spRow, uint64_t lutAddr) {
  const int64_t W = cfg.rowBytes();
  Instr in;
  in.op = Opcode::Load;
  in.sramRow = spRow;
  in.dramAddr = int64_t(lutAddr);
  in.elemBytes = W;
  in.xSize = 1;
  in.ySize = 256 / W;
  in.yStride = W;
  if (in.ySize) e.add(in);
  if (256 % W) {
    in.sramRow = spRow + 256 / W;
    in.dramAddr = int64_t(lutAddr + (256 / W) * W);
    in.elemBytes = 256 % W;
    in.ySize = 1;
    e.add(in);
  }
}

// Per-channel output parameters (bias, multiplier, shift rows of `channels`
// int32 each at paramAddr) for `groups` groups of channels/groups channels in
// tiles of `tile` columns: tile t of group g goes to accumulator rows
// accRow0 + 3i .. accRow0 + 3i + 2, i = g * tilesPerGroup + t.
void loadParams(Emitter& e, int64_t channels, int64_t groups, int64_t tile, uint64_t paramAddr,
                int64_t accRow0 = 0) {
  const int64_t per = channels / groups, tiles = ceilDiv(per, tile);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t t = 0; t < tiles; ++t) {
      Emitter one;
      dmaGrid(one, false, 1, accRow0 + 3 * (g * tiles + t), paramAddr + 4 * (g * per + t * tile), 3, 1,
              4 * channels, 0, 4 * std::min(tile, per - t * tile));
      for (Instr in : one.instrs) {
        in.popNext = in.pushNext = false;
        e.add(in);
      }
    }
}

// Instructions [0, prologueEnd) are LOADs of parameters, tables and weights
// that every operand load group follows. The first compute instruction must
// wait for them: if it does not already wait for a load group (whose token
// implies all earlier LOADs), the prologue hands it a token of its own. This
// matters when a layer starts with compute that needs no operands (a
// convolution block that reads only padding).
void orderPrologue(Emitter& e, size_t prologueEnd) {
  if (prologueEnd == 0) return;
  for (Instr& in : e.instrs) {
    if (unitOf(in.op) != Unit::Compute) continue;
    if (!in.popPrev) {
      in.popPrev = true;
      e.instrs[prologueEnd - 1].pushNext = true;
    }
    return;
  }
}

Status encodeAll(Emitter& e, size_t prologueEnd, Program* out) {
  orderPrologue(e, prologueEnd);
  for (const Instr& in : e.instrs) {
    Word w;
    Status s = encode(in, &w);
    if (!s.ok()) return Status::failure("layer does not fit the instruction fields: " + s.error);
    out->push_back(w);
  }
  return Status::success();
}

}  // namespace

uint64_t scaleSimWsCycles(const HwConfig& cfg, int64_t m, int64_t k, int64_t n) {
  uint64_t folds = ceilDiv(k, cfg.rows) * ceilDiv(n, cfg.cols);
  return folds * uint64_t(2 * cfg.rows + cfg.cols + m - 2);
}

namespace {

// How one convolution tap (kh, kw) reads the input for one block of output
// pixels [m0, m0 + tm) (raster order over outH x outW).
struct TapPlan {
  bool skip = false;      // every pixel of the block reads padding: adds zero
  bool padded = false;    // one zero-padded 2-D LOAD fills all tm rows
  bool writesAll = false; // its MATMULs write every row of the block
  // padded: the LOAD's core lines/cols and padding
  int64_t lines = 0, cols = 0, pt = 0, pb = 0, pl = 0, pr = 0, oh = 0, ow = 0;
  // compact: runs of valid pixels; A rows are packed in run order
  struct Seg { int64_t oh, ca, cb; };  // output line oh, columns [ca, cb)
  std::vector<Seg> segs;
};

// Valid output index range [lo, hi) of [0, count) for which
// o * stride + offset lies in [0, size).
void validRange(int64_t count, int64_t stride, int64_t offset, int64_t size, int64_t* lo,
                int64_t* hi) {
  *lo = std::max<int64_t>(0, -floorDiv(offset, stride));  // ceil(-offset / stride)
  *hi = std::min<int64_t>(count, floorDiv(size - 1 - offset, stride) + 1);
  if (*hi < *lo) *hi = *lo;
}

TapPlan planTap(const ConvShape& cv, int64_t m0, int64_t tm, int64_t kh, int64_t kw) {
  const int64_t colStride = cv.sw() * cv.inChannels;
  TapPlan p;
  const int64_t wo = cv.outWidth(), ho = cv.outHeight();
  int64_t hlo, hhi, wlo, whi;
  validRange(ho, cv.sh(), kh * cv.dilationH - cv.pt(), cv.height, &hlo, &hhi);
  validRange(wo, cv.sw(), kw * cv.dilationW - cv.pl(), cv.width, &wlo, &whi);
  if (m0 % wo == 0 && tm % wo == 0) {
    const int64_t oh0 = m0 / wo, bh = tm / wo;
    p.pt = std::clamp<int64_t>(hlo - oh0, 0, bh);
    p.pb = std::clamp<int64_t>(oh0 + bh - hhi, 0, bh);
    p.pl = wlo, p.pr = wo - whi;
    p.lines = bh - p.pt - p.pb, p.cols = whi - wlo;
    p.oh = oh0 + p.pt, p.ow = wlo;
    if (p.lines <= 0 || p.cols <= 0) {
      p.skip = true;
      return p;
    }
    p.padded = p.pt <= kMaxPad && p.pb <= kMaxPad && p.pl <= kMaxPad && p.pr <= kMaxPad &&
               p.cols <= kMaxX && (p.cols == 1 || colStride <= kMaxXStride);
  }
  for (int64_t oh = m0 / wo; oh * wo < m0 + tm; ++oh) {
    if (oh < hlo || oh >= hhi) continue;
    int64_t ca = std::max({int64_t(0), m0 - oh * wo, wlo});
    int64_t cb = std::min({wo, m0 + tm - oh * wo, whi});
    if (ca < cb) p.segs.push_back({oh, ca, cb});
  }
  p.skip = p.segs.empty();
  int64_t covered = 0;
  for (auto& s : p.segs) covered += s.cb - s.ca;
  p.writesAll = !p.skip && (p.padded || covered == tm);
  return p;
}

}  // namespace

Status buildGemm(const HwConfig& cfg, const GemmLayer& L, Program* out) {
  const int64_t R = cfg.rows, C = cfg.cols;
  const bool ws = L.dataflow == Dataflow::WeightStationary;
  const bool conv = L.isConv;
  const ConvShape& cv = L.conv;
  int64_t M = L.m, K = L.k, N = L.n;
  if (conv) {
    if (!ws) return Status::failure("convolutions are built for the weight-stationary dataflow only");
    if (cv.height < 1 || cv.width < 1 || cv.inChannels < 1 || cv.kernelH < 1 || cv.kernelW < 1)
      return Status::failure("convolution input and kernel sizes must be positive");
    if (cv.sh() < 1 || cv.sw() < 1 || cv.dilationH < 1 || cv.dilationW < 1)
      return Status::failure("convolution strides and dilations must be positive");
    if (cv.groups < 1 || cv.inChannels % cv.groups || L.n % cv.groups)
      return Status::failure("convolution groups must divide the input and output channels");
    if (cv.pt() < 0 || cv.pb() < 0 || cv.pl() < 0 || cv.pr() < 0)
      return Status::failure("convolution padding must not be negative");
    if (cv.outHeight() < 1 || cv.outWidth() < 1 ||
        cv.height + cv.pt() + cv.pb() < cv.dilationH * (cv.kernelH - 1) + 1 ||
        cv.width + cv.pl() + cv.pr() < cv.dilationW * (cv.kernelW - 1) + 1)
      return Status::failure("convolution has an empty output");
    M = cv.outHeight() * cv.outWidth();
    K = cv.kernelH * cv.kernelW * (cv.inChannels / cv.groups);
  }
  if (M < 1 || K < 1 || N < 1) return Status::failure("GEMM dimensions must be positive");
  // Groups (convolutions only): G independent layers of Ng output channels
  // over Cg input channels each; NT channel tiles per group.
  const int64_t G = conv ? cv.groups : 1, Ng = N / G, Cg = conv ? cv.inChannels / G : 0;
  const int64_t NT = ceilDiv(Ng, C);
  const int64_t lutRows = L.act == Activation::Lut ? cfg.lutRows() : 0;
  const int64_t paramRows = L.int32Out ? 0 : 3 * G * NT;

  // Tile sizes. WS: TM rows per block and NG n-tiles per group share the
  // accumulator; OS: TM = R rows, TK streamed steps. Convolution blocks are
  // whole output lines when a line fits, runs of pixels otherwise.
  int64_t TM = 0, NG = 1, TK = R;
  const int64_t wo = conv ? cv.outWidth() : 1;
  if (ws) {
    auto rowsFor = [&](int64_t ng) {
      int64_t accLimit = (int64_t(cfg.accRows) - paramRows) / ng;
      // Two operand slots, two output buffers and (for convolutions) a zero tile.
      int64_t spLimit = (int64_t(cfg.spRows) - lutRows - 2 * ng * R) / (conv ? 5 : 4);
      int64_t tm = std::min({M, accLimit, spLimit, int64_t(4095)});
      if (L.maxTileRows) tm = std::min(tm, L.maxTileRows);
      return tm >= wo ? tm / wo * wo : tm;
    };
    // The most n-tiles per group that still leave >= 256 rows per block...
    for (NG = NT; NG >= 1; --NG) {
      TM = rowsFor(NG);
      if (TM >= std::min<int64_t>(M, 256) || NG == 1) break;
    }
    // ...spread evenly over the groups (8 tiles as 4 + 4, not 7 + 1): a small
    // last group leaves the array waiting for its loads.
    NG = ceilDiv(NT, ceilDiv(NT, NG));
    TM = rowsFor(NG);
    // Blocks of even size, too (1024 rows as 342 + 342 + 340, not 506 + 506
    // + 12); convolution blocks stay whole output lines when a line fits.
    if (TM >= 1 && TM < M) {
      const int64_t unit = TM >= wo ? wo : 1, units = ceilDiv(M, unit);
      TM = ceilDiv(units, ceilDiv(units, TM / unit)) * unit;
    }
    if (TM < 1) return Status::failure("layer does not fit on-chip memory");
  } else {
    TM = R;
    TK = std::min<int64_t>({K, 4095, (int64_t(cfg.spRows) - lutRows - 2 * R) / 4});
  }

  // On-chip layout.
  const int64_t slotRows = ws ? TM + NG * R : 2 * TK;
  const int64_t spSlot[2] = {0, slotRows};
  const int64_t spOut[2] = {2 * slotRows, 2 * slotRows + TM};
  const int64_t spLut = 2 * slotRows + 2 * TM;
  const int64_t spZero = spLut + lutRows;  // conv only: TM zero rows
  const int64_t accParams = 0;
  const int64_t accBlock = paramRows;
  if (spZero + (conv ? TM : 0) > cfg.spRows || accBlock + (ws ? NG : 1) * TM > cfg.accRows)
    return Status::failure("layer tiles do not fit on-chip memory");

  Emitter e;
  if (!L.int32Out) loadParams(e, N, G, C, L.paramAddr);
  if (lutRows) loadLut(e, cfg, spLut, L.lutAddr);
  const size_t prologueEnd = e.instrs.size();
  bool lutPending = lutRows > 0;

  int64_t group = 0;
  bool zeroTileReady = false;
  int64_t outputSlot = 0;
  // x * x >> 15 is 0 for int8: clears the zero tile without DRAM traffic.
  auto ensureZeroTile = [&] {
    if (zeroTileReady) return;
    Instr z;
    z.op = Opcode::Vector;
    z.vecOp = int64_t(VecOp::Mul);
    z.srcA = z.srcB = z.dst = spZero;
    z.rows = TM;
    z.shift = 15;
    e.add(z);
    zeroTileReady = true;
  };
  // MATMULs of the zero tile: acc rows [row, row + tm) of n-tile group = 0.
  auto zeroAccumulators = [&](int64_t tm, int64_t nt0, int64_t ng) {
    for (int64_t i = 0; i < ng; ++i) {
      Instr mm;
      mm.aRow = mm.bRow = spZero;
      mm.cRow = accBlock + i * TM;
      mm.m = tm, mm.k = 1, mm.n = std::min(C, Ng - (nt0 + i) * C);
      e.matmul(mm);
    }
  };
  // Writes block results [m0, m0+tm) x n-tiles [nt0, nt0+ng) of group grp to DRAM.
  auto emitOutputs = [&](int64_t grp, int64_t m0, int64_t tm, int64_t nt0, int64_t ng, int64_t accRow0) {
    if (L.int32Out) {
      e.handAccumulatorsToStore();
      e.beginStoreGroup();
      for (int64_t i = 0; i < ng; ++i) {
        int64_t n0 = grp * Ng + (nt0 + i) * C, tn = std::min(C, Ng - (nt0 + i) * C);
        storeRows(e, 1, accRow0 + i * TM, L.outAddr + 4 * (m0 * N + n0), tm, 4 * N, 4 * tn);
      }
      e.endStoreGroup();
      e.accumulatorsWithStore();
      return;
    }
    if (lutPending) {
      Instr lut;
      lut.op = Opcode::LutLoad;
      lut.sramRow = spLut;
      e.add(lut);
      lutPending = false;
    }
    for (int64_t i = 0; i < ng; ++i) {
      int64_t n0 = grp * Ng + (nt0 + i) * C, tn = std::min(C, Ng - (nt0 + i) * C);
      int64_t accRow = accRow0 + i * TM;
      Instr o;
      o.op = Opcode::Output;
      o.act = int64_t(L.act);
      o.srcRow = accRow;
      o.dstRow = spOut[outputSlot % 2];
      o.paramRow = accParams + 3 * (grp * NT + nt0 + i);
      o.rows = tm;
      o.zeroPoint = L.zeroPoint;
      o.clampMax = L.clampMax;
      e.produceOutput(o);
      e.beginStoreGroup();
      storeRows(e, 0, spOut[outputSlot % 2], L.outAddr + m0 * N + n0, tm, N, tn);
      e.endStoreGroup();
      ++outputSlot;
    }
  };

  if (ws) {
    const int64_t taps = conv ? cv.kernelH * cv.kernelW : 1;
    const int64_t depth = conv ? Cg : K;
    for (int64_t grp = 0; grp < G; ++grp) {
      for (int64_t m0 = 0; m0 < M; m0 += TM) {
        const int64_t tm = std::min(TM, M - m0);
        // Convolution taps of this block; one that writes every row goes first
        // so that no block needs its accumulators cleared.
        std::vector<TapPlan> plans(taps);
        std::vector<int64_t> order;
        if (conv) {
          int64_t first = -1;
          for (int64_t t = 0; t < taps; ++t) {
            plans[t] = planTap(cv, m0, tm, t / cv.kernelW, t % cv.kernelW);
            if (first < 0 && plans[t].writesAll) first = t;
          }
          if (first >= 0) order.push_back(first);
          for (int64_t t = 0; t < taps; ++t)
            if (t != first && !plans[t].skip) order.push_back(t);
        } else {
          order.push_back(0);
        }
        for (int64_t nt0 = 0; nt0 < NT; nt0 += NG) {
          const int64_t ng = std::min(NG, NT - nt0);
          bool started = false;
          for (int64_t tap : order) {
            const TapPlan& plan = plans[tap];
            const int64_t kh = conv ? tap / cv.kernelW : 0, kw = conv ? tap % cv.kernelW : 0;
            for (int64_t c0 = 0; c0 < depth; c0 += R) {
              const int64_t tk = std::min(R, depth - c0);
              const int64_t kRow = tap * depth + c0;  // first row of B
              const int64_t slot = group % 2;
              // A rows and the accumulator rows they produce: {a offset, pixel offset, count}.
              struct Run { int64_t a, pix, len; };
              std::vector<Run> runs;
              e.beginLoadGroup();
              if (!conv) {
                loadRows(e, 0, spSlot[slot], L.aAddr + m0 * K + c0, tm, K, tk);
                runs.push_back({0, 0, tm});
              } else {
                const int64_t ls = cv.sh() * cv.width * cv.inChannels, cs = cv.sw() * cv.inChannels;
                auto addrOf = [&](int64_t oh, int64_t ow) {
                  return L.aAddr + uint64_t((cv.inRow(oh, kh) * cv.width + cv.inCol(ow, kw)) *
                                                cv.inChannels + grp * Cg + c0);
                };
                bool padded = plan.padded;
                if (padded)
                  padded = loadPaddedGrid(e, spSlot[slot], addrOf(plan.oh, plan.ow), plan.lines,
                                               plan.cols, ls, cs, tk, plan.pt, plan.pb, plan.pl,
                                               plan.pr);
                if (padded) {
                  runs.push_back({0, 0, tm});
                } else {
                  // Only the valid pixels, packed: lines with the same column
                  // range form one 2-D transfer.
                  int64_t a = 0;
                  for (size_t s = 0; s < plan.segs.size();) {
                    size_t t = s + 1;
                    while (t < plan.segs.size() && plan.segs[t].ca == plan.segs[s].ca &&
                           plan.segs[t].cb == plan.segs[s].cb && plan.segs[t].oh == plan.segs[t - 1].oh + 1)
                      ++t;
                    const int64_t cols = plan.segs[s].cb - plan.segs[s].ca;
                    dmaGrid(e, false, 0, spSlot[slot] + a, addrOf(plan.segs[s].oh, plan.segs[s].ca),
                            int64_t(t - s), cols, ls, cs, tk);
                    for (size_t q = s; q < t; ++q) {
                      const int64_t pix = plan.segs[q].oh * wo + plan.segs[q].ca - m0;
                      if (!runs.empty() && runs.back().pix + runs.back().len == pix)
                        runs.back().len += cols;
                      else
                        runs.push_back({a, pix, cols});
                      a += cols;
                    }
                    s = t;
                  }
                }
              }
              for (int64_t i = 0; i < ng; ++i) {
                int64_t n0 = (nt0 + i) * C;
                loadRows(e, 0, spSlot[slot] + TM + i * R, L.bAddr + kRow * N + grp * Ng + n0, tk,
                         N, std::min(C, Ng - n0));
              }
              e.endLoadGroup();
              e.beginComputeGroup();
              bool accumulate = started;
              if (!started && !(runs.size() == 1 && runs[0].len == tm)) {
                ensureZeroTile();
                zeroAccumulators(tm, nt0, ng);
                accumulate = true;
              }
              for (int64_t i = 0; i < ng; ++i) {
                for (const Run& run : runs) {
                  for (int64_t r = 0; r < run.len; r += 4095) {
                    Instr mm;
                    mm.dataflow = 0;
                    mm.accumulate = accumulate;
                    mm.aRow = spSlot[slot] + run.a + r;
                    mm.bRow = spSlot[slot] + TM + i * R;
                    mm.cRow = accBlock + i * TM + run.pix + r;
                    mm.m = std::min<int64_t>(4095, run.len - r), mm.k = tk;
                    mm.n = std::min(C, Ng - (nt0 + i) * C);
                    e.matmul(mm);
                  }
                }
              }
              e.endComputeGroup();
              started = true;
              ++group;
            }
          }
          if (!started) {
            // Every tap of this block reads padding: the result is zero.
            ensureZeroTile();
            zeroAccumulators(tm, nt0, ng);
          }
          emitOutputs(grp, m0, tm, nt0, ng, accBlock);
        }
      }
    }
  } else {
    // Output-stationary: A is stored transposed (K x M).
    for (int64_t m0 = 0; m0 < M; m0 += TM) {
      const int64_t tm = std::min(TM, M - m0);
      for (int64_t nt = 0; nt < NT; ++nt) {
        const int64_t n0 = nt * C, tn = std::min(C, N - n0);
        for (int64_t k0 = 0; k0 < K; k0 += TK) {
          const int64_t tk = std::min(TK, K - k0);
          const int64_t slot = group % 2;
          e.beginLoadGroup();
          loadRows(e, 0, spSlot[slot], L.aAddr + k0 * M + m0, tk, M, tm);
          loadRows(e, 0, spSlot[slot] + TK, L.bAddr + k0 * N + n0, tk, N, tn);
          e.endLoadGroup();
          e.beginComputeGroup();
          Instr mm;
          mm.dataflow = 1;
          mm.accumulate = k0 > 0;
          mm.aRow = spSlot[slot];
          mm.bRow = spSlot[slot] + TK;
          mm.cRow = accBlock;
          mm.m = tm, mm.k = tk, mm.n = tn;
          e.matmul(mm);
          e.endComputeGroup();
          ++group;
        }
        emitOutputs(0, m0, tm, nt, 1, accBlock);
      }
    }
  }
  return encodeAll(e, prologueEnd, out);
}

namespace {

// One layer of a dense chain on the array: x (k features) times B (k x n).
// Its MATMULs read x in chunks of `chunk` columns (R for the chain's input,
// loaded from DRAM; T = min(R, C) for activations an OUTPUT wrote, which are
// T columns wide) and write n-tiles of `tile` columns (T for intermediates,
// so that an output tile is the next layer's chunk; C for the last layer).
struct ChainStep {
  int64_t k = 0, n = 0, chunk = 0, tile = 0;
  int64_t chunks() const { return ceilDiv(k, chunk); }
  int64_t tiles() const { return ceilDiv(n, tile); }
};

std::vector<ChainStep> chainSteps(const HwConfig& cfg, const DenseChain& chain) {
  const int64_t T = std::min(cfg.rows, cfg.cols);
  std::vector<ChainStep> steps;
  int64_t k = chain.k;
  for (size_t l = 0; l < chain.layers.size(); ++l) {
    const bool last = l + 1 == chain.layers.size();
    steps.push_back({k, chain.layers[l].n, l == 0 ? int64_t(cfg.rows) : T,
                     last ? int64_t(cfg.cols) : T});
    k = chain.layers[l].n;
  }
  return steps;
}

// Intermediate activations alternate between two scratchpad buffers (layer
// l writes buffer l % 2 while it reads buffer (l - 1) % 2); each holds, per
// block row, as many tiles as the widest layer that writes it.
void intermediateTiles(const std::vector<ChainStep>& steps, int64_t tiles[2]) {
  tiles[0] = tiles[1] = 0;
  for (size_t l = 0; l + 1 < steps.size(); ++l)
    tiles[l % 2] = std::max(tiles[l % 2], steps[l].tiles());
}

}  // namespace

Status planDenseChain(const HwConfig& cfg, const DenseChain& chain, DenseChainTiling* tiling) {
  if (!cfg.supportsWeightStationary)
    return Status::failure("a dense chain runs weight-stationary MATMULs, and the configuration "
                           "has no weight-stationary dataflow");
  if (chain.layers.size() < 2)
    return Status::failure("a dense chain needs at least two layers (one layer is buildGemm)");
  if (chain.m < 1 || chain.k < 1) return Status::failure("dense chain dimensions must be positive");
  for (const DenseChainLayer& layer : chain.layers)
    if (layer.n < 1) return Status::failure("dense chain dimensions must be positive");
  const int64_t R = cfg.rows, M = chain.m;
  const std::vector<ChainStep> steps = chainSteps(cfg, chain);
  int64_t paramRows = 0, lutRows = 0, maxTiles = 0;
  for (size_t l = 0; l < steps.size(); ++l) {
    paramRows += 3 * steps[l].tiles();
    if (chain.layers[l].act == Activation::Lut) lutRows += cfg.lutRows();
    maxTiles = std::max(maxTiles, steps[l].tiles());
  }
  if (paramRows >= int64_t(cfg.accRows))
    return Status::failure("the output paths' parameters of the chain take " +
                           std::to_string(paramRows) + " accumulator rows (3 per output tile), the "
                           "accumulator has " + std::to_string(cfg.accRows));
  int64_t inter[2];
  intermediateTiles(steps, inter);
  // Scratchpad rows per block row: the chain's input (its chunks of R
  // columns), the intermediate buffers and two output buffers.
  const int64_t rowsPerBlockRow = steps[0].chunks() + inter[0] + inter[1] + 2;
  auto rowsFor = [&](int64_t ng) {
    const int64_t accLimit = (int64_t(cfg.accRows) - paramRows) / ng;
    const int64_t spLimit = (int64_t(cfg.spRows) - lutRows - 2 * ng * R) / rowsPerBlockRow;
    int64_t tm = std::min({M, accLimit, spLimit, int64_t(4095)});
    if (chain.maxTileRows) tm = std::min(tm, chain.maxTileRows);
    return tm;
  };
  // As in buildGemm: the most n-tiles per load group that leave >= 256 rows
  // per block, spread evenly over the groups.
  int64_t NG = maxTiles, TM = 0;
  for (; NG >= 1; --NG) {
    TM = rowsFor(NG);
    if (TM >= std::min<int64_t>(M, 256) || NG == 1) break;
  }
  NG = ceilDiv(maxTiles, ceilDiv(maxTiles, NG));
  TM = rowsFor(NG);
  if (TM < 1)
    return Status::failure(
        "the chain's input and intermediate activations do not fit the scratchpad: one row of "
        "the chain takes " +
        std::to_string(rowsPerBlockRow) + " scratchpad rows (" + std::to_string(steps[0].chunks()) +
        " input chunks, " + std::to_string(inter[0] + inter[1]) + " intermediate tiles of " +
        std::to_string(std::min(cfg.rows, cfg.cols)) +
        " columns, two output buffers) next to two weight slots of " +
        std::to_string(NG * R) + " rows and " + std::to_string(lutRows) +
        " table rows; the scratchpad has " + std::to_string(cfg.spRows));
  const int64_t blocks = ceilDiv(M, TM);
  TM = ceilDiv(M, blocks);  // even blocks
  tiling->blockRows = TM;
  tiling->blocks = blocks;
  tiling->tilesPerGroup = NG;
  tiling->intermediateRows = TM * (inter[0] + inter[1]);
  return Status::success();
}

Status buildDenseChain(const HwConfig& cfg, const DenseChain& chain, Program* out) {
  DenseChainTiling tiling;
  if (Status s = planDenseChain(cfg, chain, &tiling); !s.ok()) return s;
  const int64_t R = cfg.rows, M = chain.m, TM = tiling.blockRows, NG = tiling.tilesPerGroup;
  const std::vector<ChainStep> steps = chainSteps(cfg, chain);
  const size_t last = steps.size() - 1;
  int64_t inter[2];
  intermediateTiles(steps, inter);

  // Scratchpad: two weight slots of NG tiles, the block's input (chunk c of
  // R columns at spIn + c * TM), two output buffers, the intermediate
  // buffers, one table per LUT layer. Accumulator: every layer's
  // parameters, then NG blocks of TM rows.
  const int64_t slotRows = NG * R;
  const int64_t spSlot[2] = {0, slotRows};
  const int64_t spIn = 2 * slotRows;
  const int64_t spOut[2] = {spIn + steps[0].chunks() * TM, spIn + (steps[0].chunks() + 1) * TM};
  const int64_t spInter[2] = {spOut[1] + TM, spOut[1] + TM + inter[0] * TM};
  int64_t spNext = spInter[1] + inter[1] * TM, accNext = 0;
  std::vector<int64_t> spLut(steps.size(), -1), accParams(steps.size());

  Emitter e;
  for (size_t l = 0; l < steps.size(); ++l) {
    const DenseChainLayer& layer = chain.layers[l];
    accParams[l] = accNext;
    loadParams(e, layer.n, 1, steps[l].tile, layer.paramAddr, accNext);
    accNext += 3 * steps[l].tiles();
    if (layer.act == Activation::Lut) {
      spLut[l] = spNext;
      loadLut(e, cfg, spNext, layer.lutAddr);
      spNext += cfg.lutRows();
    }
  }
  const int64_t accBlock = accNext;
  if (spNext > int64_t(cfg.spRows) || accBlock + NG * TM > int64_t(cfg.accRows))
    return Status::failure("dense chain tiles do not fit on-chip memory");
  const size_t prologueEnd = e.instrs.size();

  int64_t group = 0, outputSlot = 0, tableRow = -1;  // tableRow: the LUT's source
  const int64_t N = chain.layers[last].n;
  for (int64_t m0 = 0; m0 < M; m0 += TM) {
    const int64_t tm = std::min(TM, M - m0);
    for (size_t l = 0; l <= last; ++l) {
      const ChainStep& step = steps[l];
      const DenseChainLayer& layer = chain.layers[l];
      for (int64_t nt0 = 0; nt0 < step.tiles(); nt0 += NG) {
        const int64_t ng = std::min(NG, step.tiles() - nt0);
        auto tileWidth = [&](int64_t i) { return std::min(step.tile, step.n - (nt0 + i) * step.tile); };
        for (int64_t c = 0; c < step.chunks(); ++c) {
          const int64_t k0 = c * step.chunk, tk = std::min(step.chunk, step.k - k0);
          const int64_t slot = group % 2;
          e.beginLoadGroup();
          if (l == 0 && nt0 == 0) {
            // Input chunk c, once per block, streamed with the first n-tile
            // group's weights; later groups find it resident. The previous
            // block's last reader of these rows is its first layer's last
            // compute group, at least two groups back (the chain has a
            // second layer): this group's token wait covers it.
            loadRows(e, 0, spIn + c * TM, chain.aAddr + m0 * chain.k + k0, tm, chain.k, tk);
          }
          for (int64_t i = 0; i < ng; ++i)
            loadRows(e, 0, spSlot[slot] + i * R,
                     layer.bAddr + k0 * step.n + (nt0 + i) * step.tile, tk, step.n, tileWidth(i));
          e.endLoadGroup();
          e.beginComputeGroup();
          for (int64_t i = 0; i < ng; ++i) {
            Instr mm;
            mm.dataflow = 0;
            mm.accumulate = c > 0;
            // The previous layer's output tile c is this chunk (both T wide).
            mm.aRow = (l == 0 ? spIn : spInter[(l - 1) % 2]) + c * TM;
            mm.bRow = spSlot[slot] + i * R;
            mm.cRow = accBlock + i * TM;
            mm.m = tm, mm.k = tk, mm.n = tileWidth(i);
            e.matmul(mm);
          }
          e.endComputeGroup();
          ++group;
        }
        if (layer.act == Activation::Lut && tableRow != spLut[l]) {
          Instr lut;
          lut.op = Opcode::LutLoad;
          lut.sramRow = tableRow = spLut[l];
          e.add(lut);
        }
        for (int64_t i = 0; i < ng; ++i) {
          Instr o;
          o.op = Opcode::Output;
          o.act = int64_t(layer.act);
          o.srcRow = accBlock + i * TM;
          o.paramRow = accParams[l] + 3 * (nt0 + i);
          o.rows = tm;
          o.zeroPoint = layer.zeroPoint;
          o.clampMax = layer.clampMax;
          if (l < last) {
            // Stays on chip: the compute unit orders it before the next
            // layer's MATMULs (and after this buffer's previous readers).
            o.dstRow = spInter[l % 2] + (nt0 + i) * TM;
            e.add(o);
            continue;
          }
          o.dstRow = spOut[outputSlot % 2];
          e.produceOutput(o);
          e.beginStoreGroup();
          storeRows(e, 0, spOut[outputSlot % 2], chain.outAddr + m0 * N + (nt0 + i) * step.tile, tm, N,
                    tileWidth(i));
          e.endStoreGroup();
          ++outputSlot;
        }
      }
    }
  }
  return encodeAll(e, prologueEnd, out);
}

uint64_t dramBytesMoved(const Program& program) {
  uint64_t bytes = 0;
  for (const Word& w : program) {
    Instr in;
    if (decode(w, &in).ok() && (in.op == Opcode::Load || in.op == Opcode::Store))
      bytes += uint64_t(in.xSize * in.ySize * in.elemBytes);
  }
  return bytes;
}

std::vector<int8_t> scaledAddWeights(const HwConfig& cfg, const ScaledAddLayer& L) {
  const int64_t T = std::min(cfg.rows, cfg.cols);
  std::vector<int8_t> w(size_t(2 * T * T), 0);
  for (int64_t i = 0; i < T; ++i) {
    w[i * T + i] = int8_t(L.wa);
    w[T * T + i * T + i] = int8_t(L.wb);
  }
  return w;
}

// Channel tiles of T = min(R, C) lanes: a tile of a (one scratchpad row per
// pixel) times the T x T tile diag(wa), accumulated with b times diag(wb),
// then the output path. Double-buffered like buildGemm: operand slots between
// load and compute, output buffers between compute and store.
Status buildScaledAdd(const HwConfig& cfg, const ScaledAddLayer& L, Program* out) {
  const int64_t P = L.pixels, CH = L.channels;
  const int64_t T = std::min(cfg.rows, cfg.cols);
  if (P < 1 || CH < 1) return Status::failure("scaled add: pixels and channels must be positive");
  if (L.wa < -128 || L.wa > 127 || L.wb < -128 || L.wb > 127)
    return Status::failure("scaled add: weights must be int8");
  const int64_t aStride = L.aRowStride ? L.aRowStride : CH;
  const int64_t bStride = L.bRowStride ? L.bRowStride : CH;
  const int64_t oStride = L.outRowStride ? L.outRowStride : CH;
  if (aStride < CH || bStride < CH || oStride < CH)
    return Status::failure("scaled add: row strides must be at least the channel count");
  const int64_t NT = ceilDiv(CH, T);
  const int64_t lutRows = L.act == Activation::Lut ? cfg.lutRows() : 0;
  const int64_t paramRows = 3 * NT;
  // Scratchpad: diag(wa), diag(wb), two slots of (a tile, b tile), two output
  // buffers, the table. Accumulator: parameters, one block.
  int64_t TM = std::min<int64_t>({P, 4095, int64_t(cfg.accRows) - paramRows,
                                  (int64_t(cfg.spRows) - 2 * T - lutRows) / 6});
  if (L.maxTileRows) TM = std::min(TM, L.maxTileRows);
  if (TM < 1) return Status::failure("scaled add: layer does not fit on-chip memory");
  const int64_t spWa = 0, spWb = T;
  const int64_t spSlot[2] = {2 * T, 2 * T + 2 * TM};
  const int64_t spOut[2] = {2 * T + 4 * TM, 2 * T + 5 * TM};
  const int64_t spLut = 2 * T + 6 * TM;
  const int64_t accBlock = paramRows;

  Emitter e;
  loadParams(e, CH, 1, T, L.paramAddr);
  {
    Emitter w;
    dmaGrid(w, false, 0, spWa, L.weightAddr, 2 * T, 1, T, 0, T);
    for (const Instr& in : w.instrs) e.add(in);
  }
  if (lutRows) loadLut(e, cfg, spLut, L.lutAddr);
  const size_t prologueEnd = e.instrs.size();
  bool lutPending = lutRows > 0;
  int64_t group = 0, outputs = 0;
  for (int64_t m0 = 0; m0 < P; m0 += TM) {
    const int64_t tm = std::min(TM, P - m0);
    for (int64_t nt = 0; nt < NT; ++nt) {
      const int64_t n0 = nt * T, tn = std::min(T, CH - n0);
      const int64_t slot = spSlot[group % 2];
      e.beginLoadGroup();
      loadRows(e, 0, slot, L.aAddr + m0 * aStride + n0, tm, aStride, tn);
      loadRows(e, 0, slot + TM, L.bAddr + m0 * bStride + n0, tm, bStride, tn);
      e.endLoadGroup();
      e.beginComputeGroup();
      for (int s = 0; s < 2; ++s) {
        Instr mm;
        mm.dataflow = 0;
        mm.accumulate = s;
        mm.aRow = slot + s * TM;
        mm.bRow = s ? spWb : spWa;
        mm.cRow = accBlock;
        mm.m = tm, mm.k = tn, mm.n = tn;
        e.matmul(mm);
      }
      e.endComputeGroup();
      ++group;
      if (lutPending) {
        Instr lut;
        lut.op = Opcode::LutLoad;
        lut.sramRow = spLut;
        e.add(lut);
        lutPending = false;
      }
      const int64_t buf = spOut[outputs++ % 2];
      Instr o;
      o.op = Opcode::Output;
      o.act = int64_t(L.act);
      o.srcRow = accBlock;
      o.dstRow = buf;
      o.paramRow = 3 * nt;
      o.rows = tm;
      o.zeroPoint = L.zeroPoint;
      o.clampMax = L.clampMax;
      e.produceOutput(o);
      e.beginStoreGroup();
      storeRows(e, 0, buf, L.outAddr + m0 * oStride + n0, tm, oStride, tn);
      e.endStoreGroup();
    }
  }
  return encodeAll(e, prologueEnd, out);
}

std::vector<int8_t> maxPoolConstant(const HwConfig& cfg) {
  return std::vector<int8_t>(cfg.rowBytes(), int8_t(-128));
}

// Output blocks of whole output lines (or, when a line is longer than a tile,
// runs of one line), times channel tiles of W lanes. Scratchpad: the -128
// block, two tap slots (double-buffered between load and compute), two output
// buffers (between compute and store); every part holds TM rows.
Status buildMaxPool(const HwConfig& cfg, const MaxPoolLayer& L, Program* out) {
  const int64_t W = cfg.rowBytes();
  if (L.height < 1 || L.width < 1 || L.channels < 1)
    return Status::failure("max pool: height, width and channels must be positive");
  if (L.kernelH < 1 || L.kernelW < 1 || L.strideH < 1 || L.strideW < 1 || L.dilationH < 1 ||
      L.dilationW < 1)
    return Status::failure("max pool: kernel, strides and dilations must be positive");
  if (L.padTop < 0 || L.padLeft < 0 || L.padBottom < 0 || L.padRight < 0)
    return Status::failure("max pool: pads must be non-negative");
  const int64_t OH = L.outHeight(), OW = L.outWidth(), CH = L.channels;
  if (OH < 1 || OW < 1) return Status::failure("max pool: empty output");
  int64_t TM = std::min<int64_t>({4095, int64_t(cfg.spRows) / 5, OH * OW});
  if (L.maxTileRows) TM = std::min(TM, L.maxTileRows);
  if (TM < 1) return Status::failure("max pool: layer does not fit on-chip memory");
  const int64_t spNeg = 0, spSlot[2] = {TM, 2 * TM}, spOut[2] = {3 * TM, 4 * TM};
  const int64_t NT = ceilDiv(CH, W);
  const int64_t rowStride = L.width * CH;

  Emitter e;
  {
    Emitter c;  // TM rows of -128: one DRAM row replicated with stride 0
    dmaGrid(c, false, 0, spNeg, L.minAddr, TM, 1, 0, 0, W);
    for (const Instr& in : c.instrs) e.add(in);
  }
  const size_t prologueEnd = e.instrs.size();
  int64_t outputs = 0;
  // Blocks: [oh0, oh0 + lines) x [ow0, ow0 + bw).
  const int64_t linesPerBlock = OW <= TM ? std::max<int64_t>(1, TM / OW) : 1;
  for (int64_t oh0 = 0; oh0 < OH; oh0 += linesPerBlock) {
    const int64_t lines = std::min(linesPerBlock, OH - oh0);
    for (int64_t ow0 = 0; ow0 < OW; ow0 += TM) {
      const int64_t bw = std::min(TM, OW - ow0);
      for (int64_t nt = 0; nt < NT; ++nt) {
        const int64_t c0 = nt * W, tn = std::min(W, CH - c0);
        const int64_t buf = spOut[outputs % 2];
        Instr init;
        init.op = Opcode::Vector;
        init.vecOp = int64_t(VecOp::Max);
        init.mem = 0;
        init.srcA = init.srcB = spNeg;
        init.dst = buf;
        init.rows = lines * bw;
        if (outputs >= 2) init.popNext = true;  // the store unit freed the buffer
        size_t last = e.add(init);
        for (int64_t kh = 0; kh < L.kernelH; ++kh) {
          int64_t la, lb;  // valid block lines for this tap row
          validRange(lines, L.strideH, oh0 * L.strideH + kh * L.dilationH - L.padTop, L.height,
                     &la, &lb);
          if (la >= lb) continue;
          for (int64_t kw = 0; kw < L.kernelW; ++kw) {
            int64_t ca, cb;
            validRange(bw, L.strideW, ow0 * L.strideW + kw * L.dilationW - L.padLeft, L.width,
                       &ca, &cb);
            if (ca >= cb) continue;
            const int64_t nl = lb - la, nc = cb - ca;
            const int64_t ih = (oh0 + la) * L.strideH + kh * L.dilationH - L.padTop;
            const int64_t iw = (ow0 + ca) * L.strideW + kw * L.dilationW - L.padLeft;
            const int64_t slot = spSlot[e.loadGroups() % 2];
            e.beginLoadGroup();
            dmaGrid(e, false, 0, slot, L.inAddr + (ih * L.width + iw) * CH + c0, nl, nc,
                    L.strideH * rowStride, L.strideW * CH, tn);
            e.endLoadGroup();
            e.beginComputeGroup();
            Instr mx;
            mx.op = Opcode::Vector;
            mx.vecOp = int64_t(VecOp::Max);
            mx.mem = 0;
            if (nc == bw) {  // whole block lines: one contiguous run
              mx.srcA = mx.dst = buf + la * bw;
              mx.srcB = slot;
              mx.rows = nl * nc;
              e.compute(mx);
            } else {
              for (int64_t l = 0; l < nl; ++l) {
                mx.srcA = mx.dst = buf + (la + l) * bw + ca;
                mx.srcB = slot + l * nc;
                mx.rows = nc;
                e.compute(mx);
              }
            }
            e.endComputeGroup();
            last = e.instrs.size() - 1;
          }
        }
        e.instrs[last].pushNext = true;  // the buffer is ready for the store unit
        ++outputs;
        e.beginStoreGroup();
        dmaGrid(e, true, 0, buf, L.outAddr + (oh0 * OW + ow0) * CH + c0, lines, bw, OW * CH, CH,
                tn);
        e.endStoreGroup();
      }
    }
  }
  return encodeAll(e, prologueEnd, out);
}


namespace {

// Instructions of the recurrent layers' elementwise steps.
Instr wsMatmul(int64_t a, int64_t b, int64_t c, int64_t m, int64_t k, int64_t n, bool accumulate) {
  Instr in;
  in.op = Opcode::Matmul;
  in.dataflow = int64_t(Dataflow::WeightStationary);
  in.aRow = a, in.bRow = b, in.cRow = c, in.m = m, in.k = k, in.n = n;
  in.accumulate = accumulate;
  return in;
}

Instr outputRows(int64_t src, int64_t dst, int64_t param, int64_t rows, Activation act) {
  Instr in;
  in.op = Opcode::Output;
  in.srcRow = src, in.dstRow = dst, in.paramRow = param, in.rows = rows;
  in.act = int64_t(act);
  in.clampMax = 127;
  return in;
}

Instr accVector(VecOp op, int64_t a, int64_t b, int64_t dst, int64_t rows, int64_t shift) {
  Instr in;
  in.op = Opcode::Vector;
  in.vecOp = int64_t(op);
  in.mem = 1;
  in.srcA = a, in.srcB = b, in.dst = dst, in.rows = rows, in.shift = shift;
  return in;
}

Instr lutLoad(int64_t row) {
  Instr in;
  in.op = Opcode::LutLoad;
  in.sramRow = row;
  return in;
}

int64_t identityBytes(int64_t T) { return (T * T + 3) / 4 * 4; }

// The constant image of a recurrent layer: one min(R, C) square tile
// scale * I per entry of `diagonals` (each padded to 4 bytes), then rows of
// C int32, row r holding paramRows[r] in every column.
std::vector<int8_t> recurrentConstant(const HwConfig& cfg, const std::vector<int8_t>& diagonals,
                                      const std::vector<int32_t>& paramRows) {
  const int64_t T = std::min<int64_t>(cfg.rows, cfg.cols), C = cfg.cols;
  const int64_t tiles = int64_t(diagonals.size()) * identityBytes(T);
  std::vector<int8_t> image(size_t(tiles + int64_t(paramRows.size()) * 4 * C), 0);
  for (size_t d = 0; d < diagonals.size(); ++d)
    for (int64_t i = 0; i < T; ++i)
      image[size_t(int64_t(d) * identityBytes(T) + i * T + i)] = diagonals[d];
  for (size_t r = 0; r < paramRows.size(); ++r)
    for (int64_t j = 0; j < C; ++j) {
      const size_t at = size_t(tiles + (int64_t(r) * C + j) * 4);
      for (int b = 0; b < 4; ++b) image[at + b] = int8_t(uint32_t(paramRows[r]) >> (8 * b));
    }
  return image;
}

// The order in which a recurrent layer visits (batch chunk, time step):
// every step of one chunk of at most `chunk` rows, then the next chunk.
struct RecurrentStep { int64_t b0, bt, t; bool first; };
std::vector<RecurrentStep> recurrentSteps(int64_t steps, int64_t batch, int64_t chunk,
                                          bool reverse) {
  std::vector<RecurrentStep> order;
  for (int64_t b0 = 0; b0 < batch; b0 += chunk)
    for (int64_t s = 0; s < steps; ++s)
      order.push_back({b0, std::min(chunk, batch - b0), reverse ? steps - 1 - s : s, s == 0});
  return order;
}

// Where a recurrent layer's pieces live on chip (LSTM: gates i, o, f, c;
// GRU: z, r, n). T = min(R, C) is the width of a hidden tile: it is both an
// output tile of the gate GEMMs and a reduction tile of the recurrent GEMM
// (h's tiles are its left operands), and the constant tiles that move int8
// values into the accumulator are T x T.
// Three ways to feed the gate GEMMs, the first that fits:
//  * hoisted: weights resident, and x of every step and the input
//    projections of every step (G NT tiles of steps x B accumulator rows) fit
//    with the whole batch: one GEMM of all steps' x rows per gate tile
//    before the recurrence, which then adds only h x wh onto each step's rows;
//  * resident: weights resident, x_t loaded and multiplied every step;
//  * streamed: every gate tile's weights (KX input tiles of R
//    rows, NT hidden tiles of T rows) stream through two slots, one load
//    group per gate tile and step, x_t arriving with the step's first group.
// Per batch row the scratchpad holds x, the G int8 gates, one more tile of
// state (LSTM: tanh(c); GRU: r * h) and h (double-buffered); the accumulator
// holds the gates of each projected step and two more tiles (LSTM: tanh(c)
// and c; GRU: h x wh_n and h_bias).
struct RecurrentShape {
  const char* name;  // the messages' prefix
  int64_t steps, batch, input, hidden, maxBatchRows;
  int64_t gates, constantTiles, stateParamRows;  // after the gates' parameters
};

struct RecurrentPlan {
  int64_t G = 0, T = 0, NT = 0, KX = 0, BT = 0, R = 0, steps = 0;
  bool resident = true, hoisted = false;
  // scratchpad rows
  int64_t sigmoid = 0, tanh = 0, constants = 0, wx = 0, wh = 0, slots = 0, dynamic = 0;
  // accumulator rows: the gates' output parameters from 0, then the state's
  int64_t stateParams = 0, accDynamic = 0;

  int64_t constantTile(int64_t i) const { return constants + i * T; }
  int64_t gateTileRows() const { return KX * R + NT * T; }
  // Weight rows of input tile kt / hidden tile kh of gate tile (g, nt); for
  // streamed weights in the slot of load group `group`.
  int64_t wxTile(int64_t kt, int64_t g, int64_t nt, int64_t group) const {
    return resident ? wx + ((kt * G + g) * NT + nt) * R
                    : slots + (group % 2) * gateTileRows() + kt * R;
  }
  int64_t whTile(int64_t kh, int64_t g, int64_t nt, int64_t group) const {
    return resident ? wh + ((kh * G + g) * NT + nt) * T
                    : slots + (group % 2) * gateTileRows() + KX * R + kh * T;
  }
  // x rows: hoisted, input tile kt of all steps (time-major); else x_t of
  // step parity s.
  int64_t xRows() const { return hoisted ? KX * steps : 2 * KX; }
  int64_t xBuf(int64_t s) const { return dynamic + s * KX * BT; }
  int64_t xAll(int64_t kt) const { return dynamic + kt * steps * BT; }
  int64_t gateOut(int64_t g, int64_t nt) const { return dynamic + (xRows() + g * NT + nt) * BT; }
  int64_t stateOut(int64_t nt) const { return dynamic + (xRows() + G * NT + nt) * BT; }
  int64_t hBuf(int64_t s, int64_t nt) const {
    return dynamic + (xRows() + (G + 1) * NT + s * NT + nt) * BT;
  }
  // Gate accumulators of time step t (hoisted: every step has its own rows).
  int64_t projSteps() const { return hoisted ? steps : 1; }
  int64_t accGate(int64_t g, int64_t nt, int64_t t) const {
    return accDynamic + ((g * NT + nt) * projSteps() + (hoisted ? t : 0)) * BT;
  }
  int64_t accState(int64_t i, int64_t nt) const {
    return accDynamic + (G * NT * projSteps() + i * NT + nt) * BT;
  }
};

Status planRecurrent(const HwConfig& cfg, const RecurrentShape& L, RecurrentPlan* p) {
  const std::string name = L.name;
  if (L.steps < 1 || L.batch < 1 || L.input < 1 || L.hidden < 1)
    return Status::failure(name + ": steps, batch, input and hidden sizes must be positive");
  const int64_t R = cfg.rows, G = L.gates;
  p->G = G;
  p->R = R;
  p->T = std::min<int64_t>(cfg.rows, cfg.cols);
  p->NT = ceilDiv(L.hidden, p->T);
  p->KX = ceilDiv(L.input, R);
  const int64_t lut = cfg.lutRows();
  p->sigmoid = 0;
  p->tanh = lut;
  p->constants = 2 * lut;
  p->wx = p->constants + L.constantTiles * p->T;
  p->wh = p->wx + p->KX * G * p->NT * R;
  const int64_t residentEnd = p->wh + p->NT * G * p->NT * p->T;
  const int64_t spPerRow = 2 * p->KX + (G + 3) * p->NT, accPerRow = (G + 2) * p->NT;
  p->resident = residentEnd + spPerRow <= int64_t(cfg.spRows);
  p->slots = p->wx;
  p->dynamic = p->resident ? residentEnd : p->slots + 2 * p->gateTileRows();
  if (p->dynamic + spPerRow > int64_t(cfg.spRows))
    return Status::failure(
        name + ": input " + std::to_string(L.input) + " and hidden " + std::to_string(L.hidden) +
        " need " + std::to_string(p->dynamic + spPerRow) +
        " scratchpad rows even with the weights streamed (two slots of one gate tile's " +
        std::to_string(p->gateTileRows()) + " weight rows) and one batch row of state; the "
        "scratchpad has " + std::to_string(cfg.spRows));
  p->stateParams = 3 * G * p->NT;
  p->accDynamic = p->stateParams + L.stateParamRows;
  if (p->accDynamic + accPerRow > int64_t(cfg.accRows))
    return Status::failure(name + ": hidden " + std::to_string(L.hidden) + " needs " +
                           std::to_string(p->accDynamic + accPerRow) +
                           " accumulator rows with one batch row of state; the "
                           "accumulator has " + std::to_string(cfg.accRows));
  p->BT = std::min<int64_t>({L.batch, 4095, (int64_t(cfg.spRows) - p->dynamic) / spPerRow,
                             (int64_t(cfg.accRows) - p->accDynamic) / accPerRow});
  if (L.maxBatchRows) p->BT = std::min(p->BT, L.maxBatchRows);
  p->steps = L.steps;
  const int64_t rows = L.steps * L.batch;
  p->hoisted = p->resident && !L.maxBatchRows && rows <= 4095 &&
               p->dynamic + L.batch * (p->KX * L.steps + (G + 3) * p->NT) <= int64_t(cfg.spRows) &&
               p->accDynamic + L.batch * (G * p->NT * L.steps + 2 * p->NT) <= int64_t(cfg.accRows);
  if (p->hoisted) p->BT = L.batch;
  return Status::success();
}

// The prologue both layers share: the two tables and the constant tiles into
// the scratchpad, the state's and the gates' output parameters into the
// accumulator. `constAddr` holds recurrentConstant()'s image.
void loadRecurrentConstants(Emitter& e, const HwConfig& cfg, const RecurrentPlan& p,
                            int64_t hidden, int64_t constantTiles, int64_t stateParamRows,
                            uint64_t sigmoidAddr, uint64_t tanhAddr, uint64_t constAddr,
                            uint64_t paramAddr) {
  const int64_t T = p.T, C = cfg.cols;
  loadLut(e, cfg, p.sigmoid, sigmoidAddr);
  loadLut(e, cfg, p.tanh, tanhAddr);
  for (int64_t i = 0; i < constantTiles; ++i)
    loadRows(e, 0, p.constantTile(i), constAddr + i * identityBytes(T), T, T, T);
  loadRows(e, 1, p.stateParams, constAddr + constantTiles * identityBytes(T), stateParamRows,
           4 * C, 4 * C);
  loadParams(e, p.G * hidden, p.G, T, paramAddr);
}

// The weights of gate tile (g, nt): its columns of wx [input][G*H] and wh
// [hidden][G*H].
void loadGateWeights(Emitter& e, const RecurrentPlan& p, int64_t input, int64_t hidden,
                     uint64_t wxAddr, uint64_t whAddr, int64_t g, int64_t nt, int64_t group) {
  const int64_t T = p.T, R = p.R, columns = p.G * hidden;
  auto tileWidth = [&](int64_t t) { return std::min(T, hidden - t * T); };
  const uint64_t column = uint64_t(g * hidden + nt * T);
  for (int64_t kt = 0; kt < p.KX; ++kt)
    loadRows(e, 0, p.wxTile(kt, g, nt, group), wxAddr + kt * R * columns + column,
             std::min(R, input - kt * R), columns, tileWidth(nt));
  for (int64_t kh = 0; kh < p.NT; ++kh)
    loadRows(e, 0, p.whTile(kh, g, nt, group), whAddr + kh * T * columns + column,
             tileWidth(kh), columns, tileWidth(nt));
}

// x_t of step q's batch chunk into xBuf(q % 2), one LOAD per input tile.
void loadStepInput(Emitter& e, const RecurrentPlan& p, const RecurrentStep& st, int64_t q,
                   int64_t batch, int64_t input, uint64_t xAddr) {
  for (int64_t kt = 0; kt < p.KX; ++kt)
    loadRows(e, 0, p.xBuf(q % 2) + kt * st.bt, xAddr + (st.t * batch + st.b0) * input + kt * p.R,
             st.bt, input, std::min(p.R, input - kt * p.R));
}

// The input projections of every step: one load group of all steps' x rows
// (time-major, per input tile), then per gate tile one GEMM of them into
// that tile's per-step accumulators.
void emitHoistedProjections(Emitter& e, const RecurrentPlan& p, int64_t batch, int64_t input,
                            int64_t hidden, uint64_t xAddr) {
  auto inputRows = [&](int64_t kt) { return std::min(p.R, input - kt * p.R); };
  e.beginLoadGroup();
  for (int64_t kt = 0; kt < p.KX; ++kt)
    dmaGrid(e, false, 0, p.xAll(kt), xAddr + kt * p.R, p.steps, batch, batch * input, input,
            inputRows(kt));
  e.endLoadGroup();
  e.beginComputeGroup();
  for (int64_t g = 0; g < p.G; ++g)
    for (int64_t nt = 0; nt < p.NT; ++nt)
      for (int64_t kt = 0; kt < p.KX; ++kt)
        e.matmul(wsMatmul(p.xAll(kt), p.wxTile(kt, g, nt, 0), p.accGate(g, nt, 0),
                          p.steps * batch, inputRows(kt), std::min(p.T, hidden - nt * p.T),
                          kt > 0));
  e.endComputeGroup();
}

// h_t's OUTPUT of hidden tile nt into hBuf(q % 2), double-buffered towards
// the store unit (storeStepOutput stores the step's h).
void emitStateOutput(Emitter& e, const RecurrentPlan& p, int64_t q, int64_t nt, int64_t src,
                     int64_t bt, int64_t hParams) {
  Instr h = outputRows(src, p.hBuf(q % 2, nt), hParams, bt, Activation::None);
  if (nt == 0 && q >= 2) h.popNext = true;  // the store unit freed this h buffer
  if (nt == p.NT - 1) h.pushNext = true;    // h_t is ready for the store unit
  e.add(h);
}

void storeStepOutput(Emitter& e, const RecurrentPlan& p, const RecurrentStep& st, int64_t q,
                     int64_t hidden, uint64_t outAddr, int64_t stepStride) {
  e.beginStoreGroup();
  for (int64_t nt = 0; nt < p.NT; ++nt)
    storeRows(e, 0, p.hBuf(q % 2, nt), outAddr + st.t * stepStride + st.b0 * hidden + nt * p.T,
              st.bt, hidden, std::min(p.T, hidden - nt * p.T));
  e.endStoreGroup();
}

RecurrentFeed feedOf(const Status& planned, const RecurrentPlan& p) {
  if (!planned.ok() || !p.resident) return RecurrentFeed::Streamed;
  return p.hoisted ? RecurrentFeed::Hoisted : RecurrentFeed::Resident;
}

// The load groups of a recurrence and their compute windows. Group j is
// step j (resident weights: x_t), or gate tile j % (G NT) of step j / (G NT)
// (streamed: the tile's weights, x_t with the step's first); hoisted, there
// are none (x of every step came before the recurrence). Each group is loaded
// one ahead, when the previous one's compute opens.
class RecurrentFeeder {
 public:
  RecurrentFeeder(Emitter& e, const RecurrentPlan& p, const std::vector<RecurrentStep>& steps,
                  int64_t batch, int64_t input, int64_t hidden, uint64_t xAddr, uint64_t wxAddr,
                  uint64_t whAddr)
      : e_(e), p_(p), steps_(steps), batch_(batch), input_(input), hidden_(hidden),
        xAddr_(xAddr), wxAddr_(wxAddr), whAddr_(whAddr),
        perStep_(p.hoisted ? 0 : p.resident ? 1 : p.G * p.NT),
        groups_(int64_t(steps.size()) * perStep_) {}

  // The group that gate tile (g, nt) of step q reads its weights from.
  int64_t group(int64_t q, int64_t g, int64_t nt) const {
    return q * perStep_ + (p_.resident ? 0 : g * p_.NT + nt);
  }
  void start() {
    if (groups_ > 0) load(0);
  }
  // Before gate tile (g, nt)'s first MATMUL: opens its group's compute.
  void openTile(int64_t q, int64_t g, int64_t nt) {
    if (p_.hoisted || (p_.resident && (g != 0 || nt != 0))) return;
    const int64_t j = group(q, g, nt);
    if (j + 1 < groups_) load(j + 1);
    e_.beginComputeGroup();
  }
  // After gate tile (g, nt)'s last MATMUL that reads group data: its slot is
  // free (resident: x_t's buffer after the step's last x MATMUL).
  void closeTile(int64_t g, int64_t nt) {
    if (p_.hoisted || (p_.resident && (g != p_.G - 1 || nt != p_.NT - 1))) return;
    e_.endComputeGroup();
  }
  // Resident weights: all of them, in the prologue.
  void loadResidentWeights() {
    if (!p_.resident) return;
    for (int64_t g = 0; g < p_.G; ++g)
      for (int64_t nt = 0; nt < p_.NT; ++nt)
        loadGateWeights(e_, p_, input_, hidden_, wxAddr_, whAddr_, g, nt, 0);
  }
  // A recurrent MATMUL: it reads group data only when the weights stream.
  void recurrentMatmul(const Instr& in) {
    if (p_.resident) e_.add(in);
    else e_.matmul(in);
  }

 private:
  void load(int64_t j) {
    const int64_t q = j / perStep_, tile = j % perStep_;
    e_.beginLoadGroup();
    if (tile == 0) loadStepInput(e_, p_, steps_[size_t(q)], q, batch_, input_, xAddr_);
    if (!p_.resident)
      loadGateWeights(e_, p_, input_, hidden_, wxAddr_, whAddr_, tile / p_.NT, tile % p_.NT, j);
    e_.endLoadGroup();
  }

  Emitter& e_;
  const RecurrentPlan& p_;
  const std::vector<RecurrentStep>& steps_;
  int64_t batch_, input_, hidden_;
  uint64_t xAddr_, wxAddr_, whAddr_;
  int64_t perStep_, groups_;
};

// The LSTM's constant image: the identity tile; the cell's tanh (bias,
// multiplier, shift) and h's output parameters.
constexpr int64_t kLstmConstantTiles = 1, kLstmStateParamRows = 6;

Status planLstm(const HwConfig& cfg, const LstmLayer& L, RecurrentPlan* p) {
  if (L.cellShift < 0 || L.cellShift > 63)
    return Status::failure("lstm: cellShift must be in [0, 63]");
  return planRecurrent(cfg,
                       {"lstm", L.steps, L.batch, L.input, L.hidden, L.maxBatchRows, 4,
                        kLstmConstantTiles, kLstmStateParamRows},
                       p);
}

}  // namespace

std::vector<int8_t> lstmConstant(const HwConfig& cfg, const LstmLayer& L) {
  return recurrentConstant(cfg, {1}, {0, 1, int32_t(L.cellShift), 0, 1, 7});
}

Status checkLstm(const HwConfig& cfg, const LstmLayer& L) {
  RecurrentPlan p;
  return planLstm(cfg, L, &p);
}

RecurrentFeed lstmFeed(const HwConfig& cfg, const LstmLayer& L) {
  RecurrentPlan p;
  return feedOf(planLstm(cfg, L, &p), p);
}

// Prologue: both tables, the identity tile (and resident weights) into the
// scratchpad, the output-path parameters into the accumulator. Then per
// batch chunk and step: the four gates' GEMMs and table lookups, the cell
// update, h. Load groups (x_t alone with resident weights; a gate tile's
// weights, plus x_t with the step's first, when streamed) are prefetched one
// group ahead.
Status buildLstm(const HwConfig& cfg, const LstmLayer& L, Program* out) {
  RecurrentPlan p;
  if (Status s = planLstm(cfg, L, &p); !s.ok()) return s;
  const int64_t R = cfg.rows, H = L.hidden, I = L.input, T = p.T;
  const int64_t stepStride = L.outStepStride ? L.outStepStride : L.batch * H;
  auto tileWidth = [&](int64_t nt) { return std::min(T, H - nt * T); };
  auto inputRows = [&](int64_t kt) { return std::min(R, I - kt * R); };
  const int64_t identity = p.constantTile(0), cellParams = p.stateParams,
                hParams = p.stateParams + 3;
  const std::vector<RecurrentStep> steps = recurrentSteps(L.steps, L.batch, p.BT, L.reverse);

  Emitter e;
  RecurrentFeeder feed(e, p, steps, L.batch, I, H, L.xAddr, L.wxAddr, L.whAddr);
  loadRecurrentConstants(e, cfg, p, H, kLstmConstantTiles, kLstmStateParamRows, L.sigmoidAddr,
                         L.tanhAddr, L.constAddr, L.paramAddr);
  feed.loadResidentWeights();
  const size_t prologueEnd = e.instrs.size();

  if (p.hoisted) emitHoistedProjections(e, p, L.batch, I, H, L.xAddr);
  feed.start();
  for (size_t q = 0; q < steps.size(); ++q) {
    const RecurrentStep& st = steps[q];
    const int64_t bt = st.bt, x = p.xBuf(int64_t(q) % 2);
    // Every OUTPUT or VECTOR after a MATMUL waits for the array to drain, so
    // each phase issues all hidden tiles' MATMULs, then their elementwise
    // work. Gates: the three sigmoid gates (i, o, f), then the cell gate
    // (tanh), each through its table.
    for (int64_t g = 0; g < 4; ++g) {
      if (g == 0) e.add(lutLoad(p.sigmoid));
      if (g == 3) e.add(lutLoad(p.tanh));
      for (int64_t nt = 0; nt < p.NT; ++nt) {
        const int64_t j = feed.group(int64_t(q), g, nt);
        const int64_t acc = p.accGate(g, nt, st.t);
        feed.openTile(int64_t(q), g, nt);
        const int64_t n = tileWidth(nt);
        if (!p.hoisted)
          for (int64_t kt = 0; kt < p.KX; ++kt)
            e.matmul(wsMatmul(x + kt * bt, p.wxTile(kt, g, nt, j), acc, bt, inputRows(kt), n,
                              kt > 0));
        if (!st.first)
          for (int64_t kh = 0; kh < p.NT; ++kh)
            feed.recurrentMatmul(wsMatmul(p.hBuf((q - 1) % 2, kh), p.whTile(kh, g, nt, j), acc,
                                          bt, tileWidth(kh), n, true));
        feed.closeTile(g, nt);
      }
      for (int64_t nt = 0; nt < p.NT; ++nt)
        e.add(outputRows(p.accGate(g, nt, st.t), p.gateOut(g, nt), 3 * (g * p.NT + nt), bt,
                         Activation::Lut));
    }
    // Cell update and h; the tanh table is loaded. The step's gate
    // accumulators are free again and hold the moved gates.
    auto toAccumulator = [&](int64_t spRow, int64_t accRow, int64_t nt) {
      e.add(wsMatmul(spRow, identity, accRow, bt, tileWidth(nt), tileWidth(nt), false));
    };
    auto accI = [&](int64_t nt) { return p.accGate(0, nt, st.t); };
    auto accO = [&](int64_t nt) { return p.accGate(1, nt, st.t); };
    auto accF = [&](int64_t nt) { return p.accGate(2, nt, st.t); };
    auto accG = [&](int64_t nt) { return p.accGate(3, nt, st.t); };
    auto accT = [&](int64_t nt) { return p.accState(0, nt); };
    auto accC = [&](int64_t nt) { return p.accState(1, nt); };
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      toAccumulator(p.gateOut(0, nt), accI(nt), nt);
      toAccumulator(p.gateOut(3, nt), accG(nt), nt);
      if (!st.first) toAccumulator(p.gateOut(2, nt), accF(nt), nt);
    }
    // c = ((f * c) >> 7) + i * g, and tanh(c) through the table.
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      e.add(accVector(VecOp::Mul, accI(nt), accG(nt), st.first ? accC(nt) : accI(nt), bt, 0));
      if (!st.first) {
        e.add(accVector(VecOp::Mul, accF(nt), accC(nt), accF(nt), bt, 7));
        e.add(accVector(VecOp::Add, accF(nt), accI(nt), accC(nt), bt, 0));
      }
      e.add(outputRows(accC(nt), p.stateOut(nt), cellParams, bt, Activation::Lut));
    }
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      toAccumulator(p.stateOut(nt), accT(nt), nt);
      toAccumulator(p.gateOut(1, nt), accO(nt), nt);
    }
    // h = o * tanh(c).
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      e.add(accVector(VecOp::Mul, accT(nt), accO(nt), accT(nt), bt, 0));
      emitStateOutput(e, p, int64_t(q), nt, accT(nt), bt, hParams);
    }
    storeStepOutput(e, p, st, int64_t(q), H, L.outAddr, stepStride);
  }
  return encodeAll(e, prologueEnd, out);
}

namespace {

// The GRU's constant image: the tiles I, -I and 127 I; h's (and r * h's)
// output parameters.
constexpr int64_t kGruConstantTiles = 3, kGruStateParamRows = 3;

Status planGru(const HwConfig& cfg, const GruLayer& L, RecurrentPlan* p) {
  return planRecurrent(cfg,
                       {"gru", L.steps, L.batch, L.input, L.hidden, L.maxBatchRows, 3,
                        kGruConstantTiles, kGruStateParamRows},
                       p);
}

}  // namespace

std::vector<int8_t> gruConstant(const HwConfig& cfg) {
  return recurrentConstant(cfg, {1, -1, 127}, {0, 1, 7});
}

Status checkGru(const HwConfig& cfg, const GruLayer& L) {
  RecurrentPlan p;
  return planGru(cfg, L, &p);
}

RecurrentFeed gruFeed(const HwConfig& cfg, const GruLayer& L) {
  RecurrentPlan p;
  return feedOf(planGru(cfg, L, &p), p);
}

// Prologue: tables, constant tiles and weights into the scratchpad, the
// output-path parameters (and hBias, once per batch row) into the
// accumulator. Then per batch chunk and step: the z and r gates, r*h
// (linear_before_reset = 0), the n gate, h, each phase for all hidden tiles.
// Load groups (x_t with resident weights; a gate tile's weights, plus x_t
// with the step's first, when streamed) are prefetched one group ahead.
Status buildGru(const HwConfig& cfg, const GruLayer& L, Program* out) {
  RecurrentPlan p;
  if (Status s = planGru(cfg, L, &p); !s.ok()) return s;
  const int64_t R = cfg.rows, H = L.hidden, I = L.input, T = p.T;
  const int64_t stepStride = L.outStepStride ? L.outStepStride : L.batch * H;
  auto tileWidth = [&](int64_t nt) { return std::min(T, H - nt * T); };
  auto inputRows = [&](int64_t kt) { return std::min(R, I - kt * R); };
  const int64_t identity = p.constantTile(0), negIdentity = p.constantTile(1),
                identity127 = p.constantTile(2), hParams = p.stateParams;
  auto accRecurrentN = [&](int64_t nt) { return p.accState(0, nt); };
  auto accHBias = [&](int64_t nt) { return p.accState(1, nt); };
  const std::vector<RecurrentStep> steps = recurrentSteps(L.steps, L.batch, p.BT, L.reverse);

  Emitter e;
  RecurrentFeeder feed(e, p, steps, L.batch, I, H, L.xAddr, L.wxAddr, L.whAddr);
  loadRecurrentConstants(e, cfg, p, H, kGruConstantTiles, kGruStateParamRows, L.sigmoidAddr,
                         L.tanhAddr, L.constAddr, L.paramAddr);
  if (L.linearBeforeReset)
    for (int64_t nt = 0; nt < p.NT; ++nt)  // the same row for every batch row
      loadRows(e, 1, accHBias(nt), L.hBiasAddr + 4 * nt * T, p.BT, 0, 4 * tileWidth(nt));
  feed.loadResidentWeights();
  const size_t prologueEnd = e.instrs.size();

  if (p.hoisted) emitHoistedProjections(e, p, L.batch, I, H, L.xAddr);
  feed.start();
  for (size_t q = 0; q < steps.size(); ++q) {
    const RecurrentStep& st = steps[q];
    const int64_t bt = st.bt, x = p.xBuf(int64_t(q) % 2);
    auto prevH = [&](int64_t kh) { return p.hBuf((int64_t(q) - 1) % 2, kh); };
    // Moves bt rows of int8 tile values, times the constant tile's diagonal,
    // into the accumulator.
    auto toAccumulator = [&](int64_t spRow, int64_t tile, int64_t accRow, int64_t n,
                             bool accumulate) {
      e.add(wsMatmul(spRow, tile, accRow, bt, n, n, accumulate));
    };
    // Gate tile (g, nt)'s GEMMs: x_t (unless hoisted) and, after the first
    // step, `left`'s hidden tiles against its recurrent weights.
    auto gateMatmuls = [&](int64_t g, int64_t nt, int64_t accRow, auto left,
                           bool accumulateLeft) {
      const int64_t j = feed.group(int64_t(q), g, nt), n = tileWidth(nt);
      feed.openTile(int64_t(q), g, nt);
      if (!p.hoisted)
        for (int64_t kt = 0; kt < p.KX; ++kt)
          e.matmul(wsMatmul(x + kt * bt, p.wxTile(kt, g, nt, j), p.accGate(g, nt, st.t), bt,
                            inputRows(kt), n, kt > 0));
      if (!st.first)
        for (int64_t kh = 0; kh < p.NT; ++kh)
          feed.recurrentMatmul(wsMatmul(left(kh), p.whTile(kh, g, nt, j), accRow, bt,
                                        tileWidth(kh), n, accumulateLeft || kh > 0));
      feed.closeTile(g, nt);
    };
    auto gateOutputs = [&](int64_t g) {
      for (int64_t nt = 0; nt < p.NT; ++nt)
        e.add(outputRows(p.accGate(g, nt, st.t), p.gateOut(g, nt), 3 * (g * p.NT + nt), bt,
                         Activation::Lut));
    };
    // Every OUTPUT or VECTOR after a MATMUL waits for the array to drain, so
    // each phase issues all hidden tiles' MATMULs, then their elementwise
    // work. z and r:
    e.add(lutLoad(p.sigmoid));
    for (int64_t g = 0; g < 2; ++g)
      for (int64_t nt = 0; nt < p.NT; ++nt) gateMatmuls(g, nt, p.accGate(g, nt, st.t), prevH, true);
    gateOutputs(0);
    gateOutputs(1);
    // n. The step's z and r accumulators are free: they hold moved values.
    if (L.linearBeforeReset) {
      // acc += (r * (h x wh_n + hBias)) >> 7
      for (int64_t nt = 0; nt < p.NT; ++nt) {
        gateMatmuls(2, nt, accRecurrentN(nt), prevH, false);
        toAccumulator(p.gateOut(1, nt), identity, p.accGate(1, nt, st.t), tileWidth(nt), false);
      }
      for (int64_t nt = 0; nt < p.NT; ++nt) {
        const int64_t accN = accRecurrentN(nt), accR = p.accGate(1, nt, st.t);
        if (st.first) {
          e.add(accVector(VecOp::Mul, accHBias(nt), accR, accN, bt, 7));
        } else {
          e.add(accVector(VecOp::Add, accN, accHBias(nt), accN, bt, 0));
          e.add(accVector(VecOp::Mul, accN, accR, accN, bt, 7));
        }
        e.add(accVector(VecOp::Add, p.accGate(2, nt, st.t), accN, p.accGate(2, nt, st.t), bt, 0));
      }
    } else {
      // r * h, the left operand of the n columns' recurrent GEMMs
      if (!st.first) {
        for (int64_t nt = 0; nt < p.NT; ++nt) {
          toAccumulator(p.gateOut(1, nt), identity, p.accGate(1, nt, st.t), tileWidth(nt), false);
          toAccumulator(prevH(nt), identity, p.accGate(0, nt, st.t), tileWidth(nt), false);
        }
        for (int64_t nt = 0; nt < p.NT; ++nt) {
          const int64_t accR = p.accGate(1, nt, st.t);
          e.add(accVector(VecOp::Mul, accR, p.accGate(0, nt, st.t), accR, bt, 0));
          e.add(outputRows(accR, p.stateOut(nt), hParams, bt, Activation::None));
        }
      }
      for (int64_t nt = 0; nt < p.NT; ++nt)
        gateMatmuls(2, nt, p.accGate(2, nt, st.t), [&](int64_t kh) { return p.stateOut(kh); },
                    true);
    }
    e.add(lutLoad(p.tanh));
    gateOutputs(2);
    // h = (128 n + z (h - n)) >> 7 in the z and r accumulators: h - n and z
    // moved in, their product, then 127 n + n added.
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      const int64_t n = tileWidth(nt), accD = p.accGate(0, nt, st.t);
      if (!st.first) toAccumulator(prevH(nt), identity, accD, n, false);
      toAccumulator(p.gateOut(2, nt), negIdentity, accD, n, !st.first);
      toAccumulator(p.gateOut(0, nt), identity, p.accGate(1, nt, st.t), n, false);
    }
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      const int64_t accD = p.accGate(0, nt, st.t);
      e.add(accVector(VecOp::Mul, accD, p.accGate(1, nt, st.t), accD, bt, 0));
    }
    for (int64_t nt = 0; nt < p.NT; ++nt) {
      const int64_t n = tileWidth(nt), accD = p.accGate(0, nt, st.t);
      toAccumulator(p.gateOut(2, nt), identity127, accD, n, true);
      toAccumulator(p.gateOut(2, nt), identity, accD, n, true);
    }
    for (int64_t nt = 0; nt < p.NT; ++nt)
      emitStateOutput(e, p, int64_t(q), nt, p.accGate(0, nt, st.t), bt, hParams);
    storeStepOutput(e, p, st, int64_t(q), H, L.outAddr, stepStride);
  }
  return encodeAll(e, prologueEnd, out);
}

}  // namespace systolic
