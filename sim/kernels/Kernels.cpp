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

  // MATMULs consuming one load group.
  void beginComputeGroup() { firstComputePops_ = true; }
  void matmul(Instr in) {
    in.op = Opcode::Matmul;
    if (firstComputePops_) in.popPrev = true, firstComputePops_ = false;
    if (accBusy_) in.popNext = true, accBusy_ = false;
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

// Rows [row, row + count) of a DRAM matrix (stride bytes apart) in <= 255-row LOADs.
void loadRows(Emitter& e, int64_t mem, int64_t sramRow, uint64_t dram, int64_t count,
              int64_t stride, int64_t bytes) {
  for (int64_t r = 0; r < count; r += 255) {
    Instr in;
    in.mem = mem;
    in.sramRow = sramRow + r;
    in.dramAddr = int64_t(dram + r * stride);
    in.elemBytes = bytes;
    in.xSize = 1;
    in.ySize = std::min<int64_t>(255, count - r);
    in.yStride = stride;
    e.load(in);
  }
}

void storeRows(Emitter& e, int64_t mem, int64_t sramRow, uint64_t dram, int64_t count,
               int64_t stride, int64_t bytes) {
  for (int64_t r = 0; r < count; r += 255) {
    Instr in;
    in.mem = mem;
    in.sramRow = sramRow + r;
    in.dramAddr = int64_t(dram + r * stride);
    in.elemBytes = bytes;
    in.xSize = 1;
    in.ySize = std::min<int64_t>(255, count - r);
    in.yStride = stride;
    e.store(in);
  }
}

}  // namespace

uint64_t scaleSimWsCycles(const HwConfig& cfg, int64_t m, int64_t k, int64_t n) {
  uint64_t folds = ceilDiv(k, cfg.rows) * ceilDiv(n, cfg.cols);
  return folds * uint64_t(2 * cfg.rows + cfg.cols + m - 2);
}

Status buildGemm(const HwConfig& cfg, const GemmLayer& L, Program* out) {
  const int64_t R = cfg.rows, C = cfg.cols, W = cfg.rowBytes();
  const bool ws = L.dataflow == Dataflow::WeightStationary;
  const bool conv = L.isConv;
  const ConvShape& cv = L.conv;
  int64_t M = L.m, K = L.k, N = L.n;
  if (conv) {
    if (!ws) return Status::failure("convolutions are built for the weight-stationary dataflow only");
    M = cv.outHeight() * cv.outWidth();
    K = cv.kernelH * cv.kernelW * cv.inChannels;
    if (cv.outHeight() < 1 || cv.outWidth() < 1) return Status::failure("convolution has an empty output");
    if (cv.pad > 7) return Status::failure("convolution padding " + std::to_string(cv.pad) + " exceeds 7");
  }
  if (M < 1 || K < 1 || N < 1) return Status::failure("GEMM dimensions must be positive");
  const int64_t NT = ceilDiv(N, C);
  const int64_t lutRows = L.act == Activation::Lut ? cfg.lutRows() : 0;
  const int64_t paramRows = L.int32Out ? 0 : 3 * NT;

  // Tile sizes. WS: TM rows per block and NG n-tiles per group share the
  // accumulator; OS: TM = R rows, TK streamed steps.
  int64_t TM = 0, NG = 1, TK = R;
  int64_t rowsPerBlockUnit = conv ? cv.outWidth() : 1;
  if (ws) {
    for (NG = NT; NG >= 1; --NG) {
      int64_t accLimit = (int64_t(cfg.accRows) - paramRows) / NG;
      // Two operand slots, two output buffers and (for convolutions) a zero tile.
      int64_t spLimit = (int64_t(cfg.spRows) - lutRows - 2 * NG * R) / (conv ? 5 : 4);
      TM = std::min({M, accLimit, spLimit, int64_t(4095)});
      if (L.maxTileRows) TM = std::min(TM, std::max(L.maxTileRows, rowsPerBlockUnit));
      TM = TM / rowsPerBlockUnit * rowsPerBlockUnit;
      if (TM >= std::min<int64_t>(M, 256) || NG == 1) break;
    }
    if (TM < 1)
      return Status::failure("layer does not fit: an output tile row of " +
                             std::to_string(rowsPerBlockUnit) + " pixels exceeds on-chip memory");
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
  if (!L.int32Out) {
    for (int64_t t = 0; t < NT; ++t) {
      Instr in;
      in.op = Opcode::Load;
      in.mem = 1;
      in.sramRow = accParams + 3 * t;
      in.dramAddr = int64_t(L.paramAddr + 4 * t * C);
      in.elemBytes = 4 * std::min(C, N - t * C);
      in.xSize = 1;
      in.ySize = 3;
      in.yStride = 4 * N;
      e.add(in);
    }
  }
  if (lutRows) {
    Instr in;
    in.op = Opcode::Load;
    in.sramRow = spLut;
    in.dramAddr = int64_t(L.lutAddr);
    in.elemBytes = W;
    in.xSize = 1;
    in.ySize = 256 / W;
    in.yStride = W;
    if (in.ySize) e.add(in);
    if (256 % W) {
      in.sramRow = spLut + 256 / W;
      in.dramAddr = int64_t(L.lutAddr + (256 / W) * W);
      in.elemBytes = 256 % W;
      in.ySize = 1;
      e.add(in);
    }
  }
  // The table is read after the first MATMUL group, whose token also orders
  // the table's LOAD before it.
  bool lutPending = lutRows > 0;

  int64_t group = 0;
  bool zeroTileReady = false;
  int64_t outputSlot = 0;
  // Writes block results [m0, m0+tm) x n-tiles [nt0, nt0+ng) to DRAM.
  auto emitOutputs = [&](int64_t m0, int64_t tm, int64_t nt0, int64_t ng, int64_t accRow0) {
    if (L.int32Out) {
      e.handAccumulatorsToStore();
      e.beginStoreGroup();
      for (int64_t i = 0; i < ng; ++i) {
        int64_t n0 = (nt0 + i) * C, tn = std::min(C, N - n0);
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
      int64_t n0 = (nt0 + i) * C, tn = std::min(C, N - n0);
      int64_t accRow = accRow0 + i * TM;
      Instr o;
      o.op = Opcode::Output;
      o.act = int64_t(L.act);
      o.srcRow = accRow;
      o.dstRow = spOut[outputSlot % 2];
      o.paramRow = accParams + 3 * (nt0 + i);
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
    for (int64_t m0 = 0; m0 < M; m0 += TM) {
      const int64_t tm = std::min(TM, M - m0);
      for (int64_t nt0 = 0; nt0 < NT; nt0 += NG) {
        const int64_t ng = std::min(NG, NT - nt0);
        bool started = false;
        // k tiles: (kh, kw, c0) for convolutions, k0 for GEMMs.
        const int64_t taps = conv ? cv.kernelH * cv.kernelW : 1;
        const int64_t depth = conv ? cv.inChannels : K;
        for (int64_t tap = 0; tap < taps; ++tap) {
          for (int64_t c0 = 0; c0 < depth; c0 += R) {
            const int64_t tk = std::min(R, depth - c0);
            const int64_t kRow = tap * depth + c0;  // first row of B
            const int64_t slot = group % 2;
            Instr a;
            if (conv) {
              const int64_t kh = tap / cv.kernelW, kw = tap % cv.kernelW;
              const int64_t wo = cv.outWidth(), oh0 = m0 / wo, bh = tm / wo;
              int64_t pt = 0, pb = 0, pl = 0, pr = 0;
              for (int64_t r = 0; r < bh; ++r) {
                int64_t ih = (oh0 + r) * cv.stride + kh - cv.pad;
                if (ih < 0) ++pt;
                else if (ih >= cv.height) ++pb;
              }
              for (int64_t c = 0; c < wo; ++c) {
                int64_t iw = c * cv.stride + kw - cv.pad;
                if (iw < 0) ++pl;
                else if (iw >= cv.width) ++pr;
              }
              if (pt + pb >= bh || pl + pr >= wo) continue;  // all padding: adds zero
              if (pt > 7 || pb > 7 || pl > 7 || pr > 7)
                return Status::failure("convolution tile needs more than 7 rows of padding");
              const int64_t ih0 = (oh0 + pt) * cv.stride + kh - cv.pad;
              const int64_t iw0 = pl * cv.stride + kw - cv.pad;
              a.mem = 0;
              a.sramRow = spSlot[slot];
              a.dramAddr = int64_t(L.aAddr + ((ih0 * cv.width + iw0) * cv.inChannels + c0));
              a.elemBytes = tk;
              a.xSize = wo - pl - pr;
              a.ySize = bh - pt - pb;
              a.xStride = cv.stride * cv.inChannels;
              a.yStride = cv.stride * cv.width * cv.inChannels;
              a.padLeft = pl, a.padRight = pr, a.padTop = pt, a.padBottom = pb;
              if (a.xStride > 4095 || a.yStride > 65535)
                return Status::failure("convolution strides exceed the DMA stride fields");
            }
            e.beginLoadGroup();
            if (conv) e.load(a);
            else loadRows(e, 0, spSlot[slot], L.aAddr + m0 * K + c0, tm, K, tk);
            for (int64_t i = 0; i < ng; ++i) {
              int64_t n0 = (nt0 + i) * C;
              loadRows(e, 0, spSlot[slot] + TM + i * R, L.bAddr + kRow * N + n0, tk, N,
                       std::min(C, N - n0));
            }
            e.endLoadGroup();
            e.beginComputeGroup();
            for (int64_t i = 0; i < ng; ++i) {
              Instr mm;
              mm.dataflow = 0;
              mm.accumulate = started;
              mm.aRow = spSlot[slot];
              mm.bRow = spSlot[slot] + TM + i * R;
              mm.cRow = accBlock + i * TM;
              mm.m = tm, mm.k = tk, mm.n = std::min(C, N - (nt0 + i) * C);
              e.matmul(mm);
            }
            e.endComputeGroup();
            started = true;
            ++group;
          }
        }
        if (!started) {
          // Every tap of this block reads padding: the result is zero.
          if (!zeroTileReady) {
            // x * x >> 15 is 0 for int8: clears the tile without DRAM traffic.
            Instr z;
            z.op = Opcode::Vector;
            z.vecOp = int64_t(VecOp::Mul);
            z.srcA = z.srcB = z.dst = spZero;
            z.rows = TM;
            z.shift = 15;
            e.add(z);
            zeroTileReady = true;
          }
          for (int64_t i = 0; i < ng; ++i) {
            Instr mm;
            mm.aRow = mm.bRow = spZero;
            mm.cRow = accBlock + i * TM;
            mm.m = tm, mm.k = 1, mm.n = std::min(C, N - (nt0 + i) * C);
            e.matmul(mm);
          }
        }
        emitOutputs(m0, tm, nt0, ng, accBlock);
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
        emitOutputs(m0, tm, nt, 1, accBlock);
      }
    }
  }

  for (const Instr& in : e.instrs) {
    Word w;
    Status s = encode(in, &w);
    if (!s.ok()) return Status::failure("layer does not fit the instruction fields: " + s.error);
    out->push_back(w);
  }
  return Status::success();
}

}  // namespace systolic
