// GEMM in every transpose combination, with leading dimensions wider than the matrices and beta 0 / 1,
// against a double-precision triple loop.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "kernels/gemm.h"
#include "nn/random.h"

using namespace ldd;

TEST_CASE("gemm matches a float64 reference for every transpose / stride and beta" * doctest::test_suite("smoke")) {
  Generator gen(21);
  const std::int64_t m = 13, n = 7, k = 19, pad = 3;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (float beta : {0.0f, 1.0f}) {
        const std::int64_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
        const std::int64_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
        std::vector<float> a(static_cast<std::size_t>(a_rows * lda)), b(static_cast<std::size_t>(b_rows * ldb)),
            c(static_cast<std::size_t>(m * ldc));
        for (auto* v : {&a, &b, &c})
          for (auto& x : *v) x = static_cast<float>(gen.uniform() * 2 - 1);
        const std::vector<float> c0 = c;
        kernels::gemm(Device::CPU, {.transpose_a = ta, .transpose_b = tb, .m = m, .n = n, .k = k, .alpha = 0.5f,
                                    .a = a.data(), .lda = lda, .b = b.data(), .ldb = ldb, .beta = beta, .c = c.data(),
                                    .ldc = ldc});
        for (std::int64_t i = 0; i < m; ++i)
          for (std::int64_t j = 0; j < n; ++j) {
            double s = 0.0;
            for (std::int64_t p = 0; p < k; ++p)
              s += static_cast<double>(a[static_cast<std::size_t>(ta ? p * lda + i : i * lda + p)]) *
                   b[static_cast<std::size_t>(tb ? j * ldb + p : p * ldb + j)];
            const double expected = 0.5 * s + beta * c0[static_cast<std::size_t>(i * ldc + j)];
            INFO("ta " << ta << " tb " << tb << " beta " << beta << " at " << i << "," << j);
            CHECK(std::abs(c[static_cast<std::size_t>(i * ldc + j)] - expected) <= 1e-5 * (1 + std::abs(expected)));
          }
        for (std::int64_t i = 0; i < m; ++i)  // the padding columns of C are untouched
          for (std::int64_t j = n; j < ldc; ++j)
            CHECK(c[static_cast<std::size_t>(i * ldc + j)] == c0[static_cast<std::size_t>(i * ldc + j)]);
      }
}
