#include "kernels/cpu/gemm.h"

#include <Eigen/Core>

namespace ldd::kernels::cpu {
namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;
using Map = Eigen::Map<RowMajor, Eigen::Unaligned, Eigen::OuterStride<>>;

template <class A, class B>
void multiply(const GemmArgs& g, const A& a, const B& b) {
  Map c(g.c, g.m, g.n, Eigen::OuterStride<>(g.ldc));
  if (g.beta == 0.0f) {
    c.noalias() = g.alpha * (a * b);
  } else {
    if (g.beta != 1.0f) c *= g.beta;
    c.noalias() += g.alpha * (a * b);
  }
}

}  // namespace

void gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  // Stored shapes: A is (m x k) or, transposed, (k x m); B likewise.
  ConstMap a(g.a, g.transpose_a ? g.k : g.m, g.transpose_a ? g.m : g.k, Eigen::OuterStride<>(g.lda));
  ConstMap b(g.b, g.transpose_b ? g.n : g.k, g.transpose_b ? g.k : g.n, Eigen::OuterStride<>(g.ldb));
  if (g.transpose_a && g.transpose_b) return multiply(g, a.transpose(), b.transpose());
  if (g.transpose_a) return multiply(g, a.transpose(), b);
  if (g.transpose_b) return multiply(g, a, b.transpose());
  multiply(g, a, b);
}

}  // namespace ldd::kernels::cpu
