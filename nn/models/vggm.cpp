#include "nn/models/vggm.h"

#include <sstream>

#include "base/check.h"
#include "kernels/conv2d.h"
#include "kernels/pool2d.h"

namespace ldd {
namespace {

const MaxPool2dOptions kPool{.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .ceil_mode = true};

struct ConvSpec {
  std::int64_t kernel, stride, pad;
};
constexpr std::array<ConvSpec, 5> kConvs{{{7, 2, 0}, {5, 2, 1}, {3, 1, 1}, {3, 1, 1}, {3, 1, 1}}};
constexpr std::array<bool, 5> kPoolAfter{true, true, false, false, true};

// Walks the spatial size through the conv and pool layers; throws when a layer does not fit.
struct Walk {
  std::array<kernels::Conv2dGeometry, 5> convs;
  std::int64_t h = 0, w = 0;
};

Walk walk(const VggMConfig& c) {
  Walk out;
  std::int64_t h = c.height, w = c.width, channels = c.in_channels;
  for (std::size_t i = 0; i < kConvs.size(); ++i) {
    const auto& s = kConvs[i];
    kernels::Conv2dGeometry g{1, channels, h, w, c.conv_channels[i], s.kernel, s.kernel, s.stride, s.stride, s.pad, s.pad};
    LDD_CHECK(h + 2 * s.pad >= s.kernel && w + 2 * s.pad >= s.kernel,
              "VGG-M: a " << c.height << "x" << c.width << " input is too small: conv" << i + 1 << " gets " << h << "x"
                          << w << " (inputs of at least 64x64 fit)");
    out.convs[i] = g;
    h = g.out_h();
    w = g.out_w();
    channels = g.out_channels;
    if (kPoolAfter[i]) {
      LDD_CHECK(h >= kPool.kernel_h && w >= kPool.kernel_w,
                "VGG-M: a " << c.height << "x" << c.width << " input is too small: the pool after conv" << i + 1
                            << " gets " << h << "x" << w << " (inputs of at least 64x64 fit)");
      const kernels::Pool2dGeometry p{.in_h = h, .in_w = w, .kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2,
                                      .ceil_mode = true};
      h = p.out_h();
      w = p.out_w();
    }
  }
  out.h = h;
  out.w = w;
  return out;
}

}  // namespace

std::string VggMConfig::describe() const {
  std::ostringstream s;
  s << "model=vggm\nin_channels=" << in_channels << "\nheight=" << height << "\nwidth=" << width
    << "\nclasses=" << classes << "\nconv_channels=" << conv_channels[0];
  for (std::size_t i = 1; i < conv_channels.size(); ++i) s << "," << conv_channels[i];
  s << "\nfc_width=" << fc_width << "\ndropout=" << dropout << "\nlrn_size=" << lrn.size << "\nlrn_alpha="
    << lrn.alpha << "\nlrn_beta=" << lrn.beta << "\nlrn_k=" << lrn.k << "\n";
  return s.str();
}

void VggMConfig::validate() const {
  LDD_CHECK(in_channels >= 1, "VGG-M: in_channels (slices) must be >= 1, got " << in_channels);
  LDD_CHECK(classes >= 1, "VGG-M: classes (fc8's outputs) must be >= 1, got " << classes);
  LDD_CHECK(fc_width >= 1, "VGG-M: fc_width must be >= 1, got " << fc_width);
  for (auto c : conv_channels) LDD_CHECK(c >= 1, "VGG-M: conv_channels must be >= 1, got " << c);
  LDD_CHECK(dropout >= 0.0f && dropout < 1.0f, "VGG-M: dropout must be in [0, 1), got " << dropout);
  walk(*this);
}

VggM::VggM(const VggMConfig& config, InitScheme init, Generator& gen) : config_(config) {
  config_.validate();
  const Walk w = walk(config_);
  const auto pool = [] { return std::make_shared<MaxPool2d>(kPool); };
  for (std::size_t i = 0; i < kConvs.size(); ++i) {
    const auto& g = w.convs[i];
    const std::string n = std::to_string(i + 1);
    add("conv" + n, std::make_shared<Conv2d>(g.in_channels, g.out_channels, g.kernel_h, g.kernel_w,
                                             Conv2dOptions{.stride_h = g.stride_h, .stride_w = g.stride_w,
                                                           .pad_h = g.pad_h, .pad_w = g.pad_w}));
    add("relu" + n, std::make_shared<ReLU>());
    if (i < 2) add("norm" + n, std::make_shared<LocalResponseNorm>(config_.lrn));
    if (kPoolAfter[i]) add("pool" + n, pool());
  }
  const std::int64_t features = config_.conv_channels[4] * w.h * w.w;
  add("flatten", std::make_shared<Flatten>());
  add("fc6", std::make_shared<Linear>(features, config_.fc_width));
  add("relu6", std::make_shared<ReLU>());
  add("drop6", std::make_shared<Dropout>(config_.dropout));
  add("fc7", std::make_shared<Linear>(config_.fc_width, config_.fc_width));
  add("relu7", std::make_shared<ReLU>());
  add("drop7", std::make_shared<Dropout>(config_.dropout));
  add("fc8", std::make_shared<Linear>(config_.fc_width, config_.classes));
  initialize(*this, init, gen);
}

std::array<std::int64_t, 3> VggM::feature_shape() const {
  const Walk w = walk(config_);
  return {config_.conv_channels[4], w.h, w.w};
}

std::vector<std::pair<std::string, double>> VggM::layer_forward_flops() const {
  const Walk w = walk(config_);
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < w.convs.size(); ++i) out.emplace_back("conv" + std::to_string(i + 1), w.convs[i].forward_flops());
  const double features = static_cast<double>(config_.conv_channels[4] * w.h * w.w);
  const double fc = static_cast<double>(config_.fc_width);
  out.emplace_back("fc6", 2.0 * features * fc);
  out.emplace_back("fc7", 2.0 * fc * fc);
  out.emplace_back("fc8", 2.0 * fc * static_cast<double>(config_.classes));
  return out;
}

double VggM::forward_flops() const {
  double total = 0.0;
  for (const auto& [name, flops] : layer_forward_flops()) total += flops;
  return total;
}

}  // namespace ldd
