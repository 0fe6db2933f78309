//===- RecognizeLosses.cpp - Rebuild loss ops from subgraphs --------------===//
#include "dialects/nn/NNConstantFolding.h"
#include "dialects/nn/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <array>
#include <cmath>

namespace systolic::nn {
#define GEN_PASS_DEF_RECOGNIZELOSSES
#include "dialects/nn/Transforms/Passes.h.inc"
} // namespace systolic::nn

using namespace mlir;
using namespace systolic::nn;

namespace {
/// True when a reduction produces a rank-0 result (every axis reduced, none
/// kept), which is how a scalar loss is exported.
template <typename ReduceOp> bool reducesToScalar(ReduceOp op) {
  return cast<RankedTensorType>(op.getType()).getRank() == 0;
}

/// The value of a splat floating-point constant.
std::optional<double> splatFloat(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  DenseElementsAttr dense = getDenseElements(attr);
  if (!dense || !dense.isSplat() || !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

/// `sub(p, t)` of same-typed floats (an elementwise difference, not a
/// broadcast against a point).
SubOp elementwiseDifference(Value value) {
  auto sub = value.getDefiningOp<SubOp>();
  if (!sub || sub.getLhs().getType() != sub.getRhs().getType() ||
      sub.getLhs().getType() != sub.getType() ||
      !isa<FloatType>(sub.getType().getElementType()))
    return {};
  return sub;
}

/// reduce_{mean,sum}(abs(sub(p, t))) -> mae_loss(p, t) {reduction = mean/sum}
template <typename ReduceOp, LossReduction kind>
struct AbsDifferenceToMAE : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp reduce,
                                PatternRewriter &rewriter) const override {
    auto abs = reduce.getInput().template getDefiningOp<AbsOp>();
    if (!abs)
      return rewriter.notifyMatchFailure(reduce, "input is not nn.abs");
    SubOp sub = elementwiseDifference(abs.getInput());
    if (!sub)
      return rewriter.notifyMatchFailure(reduce, "needs a same-shape float sub");
    if (!reducesToScalar(reduce))
      return rewriter.notifyMatchFailure(reduce, "not a full reduction");
    rewriter.replaceOpWithNewOp<MAELossOp>(reduce, sub.getLhs(), sub.getRhs(),
                                           kind);
    return success();
  }
};

/// reduce_{mean,sum}(mul(d, d) or pow(d, 2)) with d = sub(p, t) -> mse_loss.
template <typename ReduceOp, LossReduction kind>
struct SquaredDifferenceToMSE : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp reduce,
                                PatternRewriter &rewriter) const override {
    Value difference;
    Operation *square = reduce.getInput().getDefiningOp();
    if (auto mul = dyn_cast_if_present<MulOp>(square)) {
      if (mul.getLhs() == mul.getRhs())
        difference = mul.getLhs();
    } else if (auto pow = dyn_cast_if_present<PowOp>(square)) {
      if (splatFloat(pow.getRhs()) == 2.0 &&
          pow.getLhs().getType() == pow.getType())
        difference = pow.getLhs();
    }
    if (!difference)
      return rewriter.notifyMatchFailure(reduce, "input is not a square");
    SubOp sub = elementwiseDifference(difference);
    if (!sub)
      return rewriter.notifyMatchFailure(reduce, "needs a same-shape float sub");
    if (!reducesToScalar(reduce))
      return rewriter.notifyMatchFailure(reduce, "not a full reduction");
    rewriter.replaceOpWithNewOp<MSELossOp>(reduce, sub.getLhs(), sub.getRhs(),
                                           kind);
    return success();
  }
};

/// A polynomial of total degree <= 2 in z = |d| and the signed difference d:
/// coefficients of 1, z, d, z^2, z*d, d^2. Exporters write the quadratic
/// branch of Huber with either (`d * d` or `z * z`); both are z^2.
struct Polynomial {
  enum Term { One, Z, D, ZZ, ZD, DD, NumTerms };
  std::array<double, NumTerms> c{};

  static Polynomial constant(double value) {
    Polynomial p;
    p.c[One] = value;
    return p;
  }
  static Polynomial variable(Term term) {
    Polynomial p;
    p.c[term] = 1.0;
    return p;
  }
  bool isLinear() const { return c[ZZ] == 0.0 && c[ZD] == 0.0 && c[DD] == 0.0; }
};

std::optional<Polynomial> multiply(const Polynomial &a, const Polynomial &b) {
  using T = Polynomial::Term;
  // A product stays of degree <= 2 only if one side is constant or both are
  // linear.
  if (!(a.isLinear() && b.isLinear()) &&
      !(a.c[T::Z] == 0.0 && a.c[T::D] == 0.0 && a.isLinear()) &&
      !(b.c[T::Z] == 0.0 && b.c[T::D] == 0.0 && b.isLinear()))
    return std::nullopt;
  Polynomial p;
  for (int i = 0; i < T::NumTerms; ++i)
    p.c[i] = a.c[T::One] * b.c[i] + (i == T::One ? 0.0 : b.c[T::One] * a.c[i]);
  p.c[T::ZZ] += a.c[T::Z] * b.c[T::Z];
  p.c[T::DD] += a.c[T::D] * b.c[T::D];
  p.c[T::ZD] += a.c[T::Z] * b.c[T::D] + a.c[T::D] * b.c[T::Z];
  return p;
}

/// `value` as a polynomial in z and d when it is built from them and splat
/// constants by add/sub/mul/neg and division by constants.
std::optional<Polynomial> polynomialIn(Value value, Value z, Value d,
                                       int depth = 8) {
  if (value == z)
    return Polynomial::variable(Polynomial::Z);
  if (value == d)
    return Polynomial::variable(Polynomial::D);
  if (std::optional<double> constant = splatFloat(value))
    return Polynomial::constant(*constant);
  Operation *op = value.getDefiningOp();
  if (!op || depth == 0 || !isa<AddOp, SubOp, MulOp, DivOp, NegOp>(op))
    return std::nullopt;
  SmallVector<Polynomial, 2> operands;
  for (Value operand : op->getOperands()) {
    std::optional<Polynomial> p = polynomialIn(operand, z, d, depth - 1);
    if (!p)
      return std::nullopt;
    operands.push_back(*p);
  }
  Polynomial result;
  if (isa<NegOp>(op)) {
    for (int i = 0; i < Polynomial::NumTerms; ++i)
      result.c[i] = -operands[0].c[i];
    return result;
  }
  if (isa<AddOp, SubOp>(op)) {
    double sign = isa<AddOp>(op) ? 1.0 : -1.0;
    for (int i = 0; i < Polynomial::NumTerms; ++i)
      result.c[i] = operands[0].c[i] + sign * operands[1].c[i];
    return result;
  }
  if (isa<MulOp>(op))
    return multiply(operands[0], operands[1]);
  const Polynomial &divisor = operands[1];
  for (int i = 1; i < Polynomial::NumTerms; ++i)
    if (divisor.c[i] != 0.0)
      return std::nullopt;
  if (divisor.c[Polynomial::One] == 0.0)
    return std::nullopt;
  for (int i = 0; i < Polynomial::NumTerms; ++i)
    result.c[i] = operands[0].c[i] / divisor.c[Polynomial::One];
  return result;
}

/// a0 + a1 z + a2 z^2 of `p` using d^2 = z^2; nullopt if p depends on the
/// sign of d.
std::optional<std::array<double, 3>> inAbsoluteValue(const Polynomial &p) {
  if (p.c[Polynomial::D] != 0.0 || p.c[Polynomial::ZD] != 0.0)
    return std::nullopt;
  return std::array<double, 3>{p.c[Polynomial::One], p.c[Polynomial::Z],
                               p.c[Polynomial::ZZ] + p.c[Polynomial::DD]};
}

bool approximatelyEqual(const std::array<double, 3> &a,
                        const std::array<double, 3> &b) {
  for (int i = 0; i < 3; ++i)
    if (std::abs(a[i] - b[i]) > 1e-6 * std::max(1.0, std::abs(b[i])))
      return false;
  return true;
}

/// PyTorch's decomposition of HuberLoss(delta) and SmoothL1Loss(beta):
///   z = abs(sub(p, t))
///   select(compare(z, delta) {lt}, 0.5 * z * z [/ beta],
///          delta * (z - 0.5 * delta) [or z - 0.5 * beta])
/// reduced to a scalar. Both are huber_loss(delta) / k for a scale k (1 for
/// Huber, beta for SmoothL1), which the branches determine.
template <typename ReduceOp, LossReduction kind>
struct SelectToHuber : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp reduce,
                                PatternRewriter &rewriter) const override {
    auto select = reduce.getInput().template getDefiningOp<SelectOp>();
    if (!select || !reducesToScalar(reduce))
      return rewriter.notifyMatchFailure(reduce, "not a reduced nn.select");
    auto compare = select.getCondition().template getDefiningOp<CompareOp>();
    if (!compare)
      return rewriter.notifyMatchFailure(reduce, "condition is not a compare");
    auto abs = compare.getLhs().template getDefiningOp<AbsOp>();
    std::optional<double> delta = splatFloat(compare.getRhs());
    if (!abs || !delta || *delta <= 0.0)
      return rewriter.notifyMatchFailure(reduce, "needs compare(abs(d), delta)");
    SubOp sub = elementwiseDifference(abs.getInput());
    if (!sub || select.getType() != sub.getType())
      return rewriter.notifyMatchFailure(reduce, "needs a same-shape float sub");
    // z < delta (or <=) selects the quadratic branch; z > delta the linear one.
    bool quadraticIfTrue = compare.getPredicate() == ComparePredicate::lt ||
                           compare.getPredicate() == ComparePredicate::le;
    if (compare.getPredicate() == ComparePredicate::eq)
      return rewriter.notifyMatchFailure(reduce, "equality is not a Huber split");
    Value z = abs.getResult(), signedDiff = sub.getResult();
    std::optional<Polynomial> quadraticTerms = polynomialIn(
        quadraticIfTrue ? select.getTrueValue() : select.getFalseValue(), z,
        signedDiff);
    std::optional<Polynomial> linearTerms = polynomialIn(
        quadraticIfTrue ? select.getFalseValue() : select.getTrueValue(), z,
        signedDiff);
    if (!quadraticTerms || !linearTerms)
      return rewriter.notifyMatchFailure(reduce, "branches are not polynomials");
    std::optional<std::array<double, 3>> quadratic =
        inAbsoluteValue(*quadraticTerms);
    std::optional<std::array<double, 3>> linear = inAbsoluteValue(*linearTerms);
    if (!quadratic || !linear || (*quadratic)[2] <= 0.0)
      return rewriter.notifyMatchFailure(reduce, "branches depend on sign(d)");
    double d = *delta, k = 0.5 / (*quadratic)[2];
    if (!approximatelyEqual(*quadratic, {0.0, 0.0, 0.5 / k}) ||
        !approximatelyEqual(*linear, {-0.5 * d * d / k, d / k, 0.0}))
      return rewriter.notifyMatchFailure(reduce, "branches are not Huber's");
    Location loc = reduce.getLoc();
    Value loss = HuberLossOp::create(
        rewriter, loc, sub.getLhs(), sub.getRhs(),
        LossReductionAttr::get(rewriter.getContext(), kind),
        rewriter.getF32FloatAttr(static_cast<float>(d)));
    if (k != 1.0) {
      auto scalar = cast<RankedTensorType>(loss.getType());
      Value scale = arith::ConstantOp::create(
          rewriter, loc, scalar,
          DenseElementsAttr::get(
              scalar, FloatAttr::get(scalar.getElementType(), k)));
      loss = DivOp::create(rewriter, loc, loss, scale);
    }
    rewriter.replaceOp(reduce, loss);
    return success();
  }
};

/// `value` is `reshape(source)` inserting a unit dimension at `dim` (counted
/// from the back of the result); returns `source`.
Value unsqueezedFrom(Value value, int64_t dimFromBack) {
  auto reshape = value.getDefiningOp<ReshapeOp>();
  if (!reshape)
    return {};
  auto result = cast<RankedTensorType>(reshape.getType());
  auto source = cast<RankedTensorType>(reshape.getInput().getType());
  int64_t dim = result.getRank() - dimFromBack;
  if (dim < 0 || result.getDimSize(dim) != 1)
    return {};
  SmallVector<int64_t> squeezed(result.getShape());
  squeezed.erase(squeezed.begin() + dim);
  if (source.getShape() != ArrayRef<int64_t>(squeezed))
    return {};
  return reshape.getInput();
}

/// reduce_sum(abs(sub(unsqueeze(x, -2), unsqueeze(y, -3))), axes = [-1])
/// -> manhattan_distance(x, y): [..., N, 1, D] - [..., 1, M, D] summed over D.
struct PairwiseAbsDifferenceToManhattan : OpRewritePattern<ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceSumOp reduce,
                                PatternRewriter &rewriter) const override {
    auto input = cast<RankedTensorType>(reduce.getInput().getType());
    int64_t rank = input.getRank();
    if (reduce.getKeepdims() || reduce.getAxes().size() != 1 ||
        (reduce.getAxes()[0] != -1 && reduce.getAxes()[0] != rank - 1))
      return rewriter.notifyMatchFailure(reduce, "not a sum over the last axis");
    auto abs = reduce.getInput().getDefiningOp<AbsOp>();
    auto sub = abs ? abs.getInput().getDefiningOp<SubOp>() : SubOp();
    if (!sub || !isa<FloatType>(input.getElementType()))
      return rewriter.notifyMatchFailure(reduce, "input is not abs(sub)");
    Value x = unsqueezedFrom(sub.getLhs(), 2);
    Value y = unsqueezedFrom(sub.getRhs(), 3);
    if (!x || !y)
      return rewriter.notifyMatchFailure(reduce, "operands are not unsqueezed");
    SmallVector<Type, 1> inferred;
    if (failed(ManhattanDistanceOp::inferReturnTypes(
            getContext(), std::nullopt,
            ManhattanDistanceOp::Adaptor({x, y}), inferred)) ||
        inferred.front() != reduce.getType())
      return rewriter.notifyMatchFailure(reduce, "shapes do not pair up");
    rewriter.replaceOpWithNewOp<ManhattanDistanceOp>(reduce, x, y);
    return success();
  }
};

/// nll_loss(log_softmax(x, axis = 1)) -> softmax_cross_entropy(x); other
/// users of the log_softmax take the cross entropy's log_prob.
struct LogSoftmaxNLLToCrossEntropy : OpRewritePattern<NLLLossOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NLLLossOp nll,
                                PatternRewriter &rewriter) const override {
    auto logSoftmax = nll.getInput().getDefiningOp<LogSoftmaxOp>();
    if (!logSoftmax)
      return rewriter.notifyMatchFailure(nll, "input is not nn.log_softmax");
    int64_t rank = cast<RankedTensorType>(logSoftmax.getType()).getRank();
    if (normalizeAxis(logSoftmax.getAxis(), rank) != 1)
      return rewriter.notifyMatchFailure(nll, "softmax is not over classes");
    auto crossEntropy = SoftmaxCrossEntropyOp::create(
        rewriter, nll.getLoc(), logSoftmax.getInput(), nll.getLabels(),
        nll.getWeights(), nll.getReductionAttr(), nll.getIgnoreIndexAttr());
    rewriter.replaceOp(nll, crossEntropy.getLoss());
    rewriter.replaceOp(logSoftmax, crossEntropy.getLogProb());
    return success();
  }
};

struct RecognizeLossesPass
    : systolic::nn::impl::RecognizeLossesBase<RecognizeLossesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<AbsDifferenceToMAE<ReduceMeanOp, LossReduction::mean>,
                 AbsDifferenceToMAE<ReduceSumOp, LossReduction::sum>,
                 SquaredDifferenceToMSE<ReduceMeanOp, LossReduction::mean>,
                 SquaredDifferenceToMSE<ReduceSumOp, LossReduction::sum>,
                 SelectToHuber<ReduceMeanOp, LossReduction::mean>,
                 SelectToHuber<ReduceSumOp, LossReduction::sum>,
                 PairwiseAbsDifferenceToManhattan, LogSoftmaxNLLToCrossEntropy>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
