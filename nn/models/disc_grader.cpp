#include "nn/models/disc_grader.h"

#include <cmath>

#include "base/check.h"
#include "nn/init.h"
#include "nn/ops/elementwise.h"
#include "nn/ops/ordinal.h"

namespace ldd {
namespace {

VggMConfig backbone(const DiscGraderConfig& c) {
  VggMConfig v = c.vggm;
  if (c.head == GradeHead::Ordinal) v.classes = 1;  // fc8 gives the one ordinal score
  return v;
}

}  // namespace

std::string DiscGraderConfig::describe() const {
  return vggm.describe() + "side_inputs=" + std::to_string(side_inputs) + "\nhead=" + (head == GradeHead::Ordinal ? "ordinal" : "softmax") + "\n";
}

DiscGrader::DiscGrader(const DiscGraderConfig& config, InitScheme init, Generator& gen) : config_(config) {
  LDD_CHECK(config_.vggm.classes >= 2, "disc grader: needs at least two grades, got " << config_.vggm.classes);
  LDD_CHECK(config_.side_inputs >= 0, "disc grader: side_inputs must be >= 0, got " << config_.side_inputs);
  vggm_ = std::make_shared<VggM>(backbone(config_), init, gen);
  register_module("vggm", vggm_);
  if (config_.side_inputs > 0) {
    const VggMConfig& v = vggm_->config();
    side_fc6_ = std::make_shared<Linear>(config_.side_inputs, v.fc_width, false);
    side_fc8_ = std::make_shared<Linear>(config_.side_inputs, v.classes, false);
    register_module("side_fc6", side_fc6_);
    register_module("side_fc8", side_fc8_);
    initialize(*side_fc6_, init, gen);
    initialize(*side_fc8_, init, gen);
  }
  if (config_.head == GradeHead::Ordinal) {
    // Cut-points one unit apart around 0: raw_1 = -(K - 2) / 2, then softplus(raw) = 1.
    const std::int64_t cuts = config_.vggm.classes - 1;
    std::vector<float> raw(static_cast<std::size_t>(cuts), static_cast<float>(std::log(std::exp(1.0) - 1.0)));
    raw[0] = -0.5f * static_cast<float>(cuts - 1);
    cutpoints_ = &register_parameter("cutpoints", Tensor::from_vector({cuts}, raw));
  }
}

Tensor DiscGrader::forward(const Tensor& x) {
  LDD_CHECK(config_.side_inputs == 0, "disc grader: this model takes a side input of " << config_.side_inputs
                                                                                     << " values per crop (the baseline grade)");
  return forward(x, Tensor());
}

Tensor DiscGrader::forward(const Tensor& x, const Tensor& side) { return classify(features(x), side); }

Tensor DiscGrader::features(const Tensor& x) {
  Tensor h = x;
  for (const auto& [name, layer] : vggm_->layers()) {
    h = (*layer)(h);
    if (name == "relu5") break;
  }
  return h;
}

Tensor DiscGrader::classify(const Tensor& features, const Tensor& side) {
  const bool with_side = config_.side_inputs > 0;
  if (with_side)
    LDD_CHECK(side.defined() && side.rank() == 2 && side.size(0) == features.size(0) && side.size(1) == config_.side_inputs,
              "disc grader: side input must be (" << features.size(0) << ", " << config_.side_inputs << ")");
  Tensor h = features;
  bool after = false;
  for (const auto& [name, layer] : vggm_->layers()) {
    if (after) {
      h = (*layer)(h);
      if (with_side && name == "fc6") h = add(h, (*side_fc6_)(side));
    }
    after = after || name == "relu5";
  }
  if (with_side) h = add(h, (*side_fc8_)(side));
  return config_.head == GradeHead::Ordinal ? cumulative_link_log_probs(h, *cutpoints_) : h;
}

}  // namespace ldd
