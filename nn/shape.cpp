#include "nn/shape.h"

#include <ostream>
#include <sstream>

#include "base/check.h"

namespace ldd {

Shape::Shape(std::initializer_list<std::int64_t> dims) : Shape(std::span<const std::int64_t>(dims.begin(), dims.size())) {}

Shape::Shape(std::span<const std::int64_t> dims) {
  LDD_CHECK(dims.size() <= static_cast<std::size_t>(kMaxRank),
            "a tensor has at most " << kMaxRank << " dimensions (N, C, D, H, W), got " << dims.size());
  rank_ = static_cast<int>(dims.size());
  for (int i = 0; i < rank_; ++i) {
    dims_[i] = dims[static_cast<std::size_t>(i)];
    LDD_CHECK(dims_[i] >= 1, "every extent of a shape must be at least 1, got " << str());
  }
}

std::int64_t Shape::operator[](int axis) const {
  const int a = axis < 0 ? axis + rank_ : axis;
  LDD_CHECK(a >= 0 && a < rank_, "axis " << axis << " is out of range for shape " << str());
  return dims_[a];
}

std::int64_t Shape::numel() const {
  std::int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

kernels::Extents Shape::extents() const {
  kernels::Extents e{1, 1, 1, 1, 1};
  for (int i = 0; i < rank_; ++i) e[kMaxRank - rank_ + i] = dims_[i];
  return e;
}

kernels::Extents Shape::strides() const {
  const kernels::Extents e = extents();
  kernels::Extents s{};
  std::int64_t step = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    s[d] = step;
    step *= e[d];
  }
  return s;
}

std::string Shape::str() const {
  std::ostringstream out;
  out << '[';
  for (int i = 0; i < rank_; ++i) out << (i ? ", " : "") << dims_[i];
  out << ']';
  return out.str();
}

bool operator==(const Shape& a, const Shape& b) { return a.dims_ == b.dims_ && a.rank_ == b.rank_; }

std::ostream& operator<<(std::ostream& out, const Shape& shape) { return out << shape.str(); }

}  // namespace ldd
