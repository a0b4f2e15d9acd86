#include "nn/init.h"

#include <cmath>

#include "base/check.h"

namespace ldd {

void fill_normal(Tensor& t, float mean, float stddev, Generator& gen) {
  t.assign(normal(t.shape(), mean, stddev, gen));
}

void fill_kaiming_normal(Tensor& t, Generator& gen) {
  LDD_CHECK(t.rank() >= 2, "kaiming initialisation needs a weight of rank >= 2, got " << t.shape());
  const double fan_in = static_cast<double>(t.numel() / t.size(0));
  fill_normal(t, 0.0f, static_cast<float>(std::sqrt(2.0 / fan_in)), gen);
}

void initialize(Module& module, InitScheme scheme, Generator& gen, float gaussian_std) {
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (auto& [name, p] : module.named_parameters()) {
    if (ends_with(name, "bias")) {
      p.assign(Tensor::zeros(p.shape()));
    } else if (scheme == InitScheme::Kaiming) {
      fill_kaiming_normal(p, gen);
    } else {
      fill_normal(p, 0.0f, gaussian_std, gen);
    }
  }
}

}  // namespace ldd
