#include "segflow/optical_flow.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "base/check.h"
#include "kernels/elementwise.h"
#include "kernels/optical_flow.h"
#include "nn/autograd.h"

namespace ldd::segflow {
namespace {

using kernels::Plane;

Plane plane_of(const Tensor& t) { return {t.size(0), t.size(1)}; }

Tensor scaled(const Tensor& t, float factor) {
  Tensor out = Tensor::zeros(t.shape(), t.device());
  kernels::axpy(t.device(), t.numel(), factor, t.data(), out.data());
  return out;
}

Tensor half_size(const Tensor& t) {
  const Plane p = plane_of(t);
  Tensor out = Tensor::empty({(p.rows + 1) / 2, (p.cols + 1) / 2}, t.device());
  kernels::downsample2(t.device(), p, t.data(), out.data());
  return out;
}

Tensor resized(const Tensor& t, Plane to, float scale) {
  Tensor out = Tensor::empty({to.rows, to.cols}, t.device());
  kernels::upsample(t.device(), plane_of(t), t.data(), to, scale, out.data());
  return out;
}

}  // namespace

Flow estimate_flow(const Tensor& image0, const Tensor& image1, const FlowOptions& o) {
  NoGrad no_grad;
  LDD_CHECK(image0.rank() == 2 && image0.shape() == image1.shape(),
            "optical flow: needs two (rows, cols) images of one size, got " << image0.shape() << " and " << image1.shape());
  check_same_device("optical flow", image0, image1);
  LDD_CHECK(o.levels >= 1 && o.warps >= 1 && o.iterations >= 1 && o.alpha > 0,
            "optical flow: levels, warps and iterations must be >= 1 and alpha > 0");
  const Device d = image0.device();
  float peak = 0.0f;
  for (const Tensor* t : {&image0, &image1})
    for (float v : t->to_vector()) peak = std::max(peak, v);
  const float scale = peak > 0 ? 1.0f / peak : 1.0f;
  std::vector<Tensor> first{scaled(image0, scale)}, second{scaled(image1, scale)};
  while (static_cast<int>(first.size()) < o.levels && std::min(first.back().size(0), first.back().size(1)) >= 32) {
    first.push_back(half_size(first.back()));
    second.push_back(half_size(second.back()));
  }
  Tensor u = Tensor::zeros(first.back().shape(), d), v = Tensor::zeros(first.back().shape(), d);
  const float alpha2 = o.alpha * o.alpha;
  for (int level = static_cast<int>(first.size()) - 1; level >= 0; --level) {
    const Tensor& i0 = first[static_cast<std::size_t>(level)];
    const Tensor& i1 = second[static_cast<std::size_t>(level)];
    const Plane p = plane_of(i0);
    if (u.shape() != i0.shape()) {  // carry the coarser flow up, in this level's pixel units
      u = resized(u, p, static_cast<float>(p.cols) / static_cast<float>(u.size(1)));
      v = resized(v, p, static_cast<float>(p.rows) / static_cast<float>(v.size(0)));
    }
    Tensor warped = Tensor::empty(i0.shape(), d), ix = Tensor::empty(i0.shape(), d), iy = Tensor::empty(i0.shape(), d),
           it = Tensor::empty(i0.shape(), d), u_next = Tensor::empty(i0.shape(), d), v_next = Tensor::empty(i0.shape(), d);
    for (int w = 0; w < o.warps; ++w) {
      kernels::warp_bilinear(d, p, i1.data(), u.data(), v.data(), warped.data());
      kernels::flow_derivatives(d, p, i0.data(), warped.data(), ix.data(), iy.data(), it.data());
      const Tensor u0 = scaled(u, 1.0f), v0 = scaled(v, 1.0f);
      for (int step = 0; step < o.iterations; ++step) {
        kernels::horn_schunck_step(d, p, alpha2, ix.data(), iy.data(), it.data(), u0.data(), v0.data(), u.data(), v.data(),
                                   u_next.data(), v_next.data());
        std::swap(u, u_next);
        std::swap(v, v_next);
      }
    }
  }
  return {u, v};
}

Tensor warp(const Tensor& image, const Flow& flow) {
  LDD_CHECK(image.rank() == 2 && image.shape() == flow.u.shape(),
            "warp: image " << image.shape() << " and flow " << flow.u.shape() << " must match");
  Tensor out = Tensor::empty(image.shape(), image.device());
  kernels::warp_bilinear(image.device(), plane_of(image), image.data(), flow.u.data(), flow.v.data(), out.data());
  return out;
}

}  // namespace ldd::segflow
