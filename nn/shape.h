// The extents of a tensor: rank 0 (a scalar) up to 5 (N, C, D, H, W), every extent at least 1.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "kernels/elementwise.h"

namespace ldd {

class Shape {
 public:
  static constexpr int kMaxRank = kernels::kMaxDims;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);
  explicit Shape(std::span<const std::int64_t> dims);
  explicit Shape(const std::vector<std::int64_t>& dims) : Shape(std::span<const std::int64_t>(dims)) {}

  int rank() const { return rank_; }
  // A negative axis counts from the end, as in Python.
  std::int64_t operator[](int axis) const;
  std::int64_t numel() const;
  std::span<const std::int64_t> dims() const { return {dims_.data(), static_cast<std::size_t>(rank_)}; }
  // Right-aligned to 5 extents with leading 1s: the form kernels take.
  kernels::Extents extents() const;
  // Contiguous element strides of extents().
  kernels::Extents strides() const;
  std::string str() const;

  friend bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<std::int64_t, kMaxRank> dims_{};
  int rank_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Shape& shape);

}  // namespace ldd
