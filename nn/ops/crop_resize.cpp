#include "nn/ops/crop_resize.h"

#include "base/check.h"
#include "nn/autograd.h"

namespace ldd {

Tensor crop_resize(const Tensor& volume, const std::vector<OrientedBox>& boxes, std::int64_t slices, std::int64_t rows,
                   std::int64_t cols) {
  LDD_CHECK(volume.rank() == 3, "crop_resize: volume must be (slices, rows, cols), got " << volume.shape());
  LDD_CHECK(!boxes.empty(), "crop_resize: no boxes");
  LDD_CHECK(slices >= 1 && rows >= 1 && cols >= 1, "crop_resize: output size " << slices << "x" << rows << "x" << cols
                                                                                << " must be positive");
  const kernels::CropGeometry g{volume.size(0), volume.size(1), volume.size(2), slices, rows, cols,
                                static_cast<std::int64_t>(boxes.size())};
  Tensor out = Tensor::empty({g.boxes, slices, rows, cols}, volume.device());
  kernels::crop_resize_forward(volume.device(), g, volume.data(), boxes.data(), out.data());
  return attach(out, "crop_resize", {volume}, [g, boxes](const Tensor& dout, Node& node) {
    kernels::crop_resize_backward(dout.device(), g, dout.data(), boxes.data(), node.grad_for(0).data());
  });
}

}  // namespace ldd
