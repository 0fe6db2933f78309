//===- Activations.cpp - Elementwise activations as functions -------------===//
#include "lowering/accel/Activations.h"

#include "dialects/nn/NNOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace systolic;
using Fn = std::function<double(double)>;

std::optional<Fn> accel::unaryActivation(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<Fn>>(op)
      .Case([](nn::ReluOp) -> Fn { return [](double x) { return x > 0 ? x : 0.0; }; })
      .Case([](nn::SigmoidOp) -> Fn {
        return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
      })
      .Case([](nn::TanhOp) -> Fn { return [](double x) { return std::tanh(x); }; })
      .Case([](nn::SoftplusOp) -> Fn {
        return [](double x) { return std::log1p(std::exp(-std::abs(x))) + std::max(x, 0.0); };
      })
      .Case([](nn::AbsOp) -> Fn { return [](double x) { return std::abs(x); }; })
      .Case([](nn::NegOp) -> Fn { return [](double x) { return -x; }; })
      .Case([](nn::LeakyReluOp leaky) -> Fn {
        double alpha = leaky.getAlpha().convertToDouble();
        return [alpha](double x) { return x >= 0 ? x : alpha * x; };
      })
      .Case([](nn::HardSigmoidOp hard) -> Fn {
        double alpha = hard.getAlpha().convertToDouble();
        double beta = hard.getBeta().convertToDouble();
        return [alpha, beta](double x) {
          return std::max(0.0, std::min(1.0, alpha * x + beta));
        };
      })
      .Case([](nn::EluOp elu) -> Fn {
        double alpha = elu.getAlpha().convertToDouble();
        return [alpha](double x) { return x >= 0 ? x : alpha * std::expm1(x); };
      })
      .Case([](nn::SeluOp selu) -> Fn {
        double alpha = selu.getAlpha().convertToDouble();
        double gamma = selu.getGamma().convertToDouble();
        return [alpha, gamma](double x) {
          return gamma * (x > 0 ? x : alpha * std::expm1(x));
        };
      })
      .Case([](nn::GeluOp gelu) -> Fn {
        if (gelu.getApproximate() == nn::GeluApproximation::tanh)
          return [](double x) {
            return 0.5 * x *
                   (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
          };
        return [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); };
      })
      .Case([](nn::ClipOp clip) -> Fn {
        double inf = std::numeric_limits<double>::infinity();
        double lo = clip.getMin() ? clip.getMin()->convertToDouble() : -inf;
        double hi = clip.getMax() ? clip.getMax()->convertToDouble() : inf;
        // ONNX: min > max yields max everywhere.
        return [lo, hi](double x) { return std::min(std::max(x, lo), hi); };
      })
      .Default([](Operation *) { return std::nullopt; });
}
