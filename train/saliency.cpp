#include "train/saliency.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "nn/autograd.h"
#include "nn/ops.h"
#include "train/fold_trainer.h"

namespace ldd::train {

std::vector<float> grad_cam(DiscGrader& model, const float* crop, std::int64_t slices, std::int64_t rows, std::int64_t cols, int baseline,
                            int grade, const std::vector<float>& covariates, Device device) {
  const int classes = static_cast<int>(model.config().vggm.classes);
  LDD_CHECK(grade >= -1 && grade < classes, "grad_cam: grade " << grade << " outside [-1, " << classes << ")");
  LDD_CHECK(grade >= 0 || (baseline >= 0 && baseline < classes), "grad_cam: P(progression) needs the baseline grade");
  model.eval();
  const Tensor x = Tensor::from_vector({1, slices, rows, cols}, std::vector<float>(crop, crop + slices * rows * cols), device);
  const Tensor side = side_input(model, {std::max(baseline, 0)}, covariates, device);
  Tensor a;
  {
    NoGrad no_grad;
    a = model.features(x).detach();
  }
  a.set_requires_grad();
  const Tensor out = model.classify(a, side);  // (1, classes): logits, or log-probabilities (ordinal head)
  // The explained score's gradient with respect to the outputs, fixed at this point. The scores are log
  // probabilities, not raw logits, so the map shows what tells the grades apart rather than what raises
  // every logit alike: log P(grade g) = z_g - log sum_k e^z_k, d/dz_k = [k = g] - p_k; log P(progression) =
  // log sum_{k > b} p_k - log sum_k p_k, d/dz_k = p_k [k > b] / P - p_k.
  const auto z = out.detach().to_vector();
  std::vector<double> p(z.size());
  const float top = *std::max_element(z.begin(), z.end());
  double total = 0;
  for (std::size_t k = 0; k < z.size(); ++k) total += (p[k] = std::exp(static_cast<double>(z[k] - top)));
  for (double& v : p) v /= total;
  std::vector<float> weight(z.size(), 0.0f);
  if (grade >= 0) {
    for (int k = 0; k < classes; ++k) weight[static_cast<std::size_t>(k)] = static_cast<float>((k == grade ? 1.0 : 0.0) - p[static_cast<std::size_t>(k)]);
  } else {
    double progression = 0;
    for (int k = baseline + 1; k < classes; ++k) progression += p[static_cast<std::size_t>(k)];
    for (int k = 0; k < classes; ++k)
      weight[static_cast<std::size_t>(k)] =
          static_cast<float>((k > baseline && progression > 0 ? p[static_cast<std::size_t>(k)] / progression : 0.0) - p[static_cast<std::size_t>(k)]);
  }
  sum(mul(out, Tensor::from_vector({1, classes}, weight, device))).backward();
  const auto activations = a.to_vector(), gradients = a.grad().to_vector();
  model.zero_grad();
  model.train();
  const std::int64_t channels = a.size(1), h = a.size(2), w = a.size(3);
  // Element-wise: each position's activations times their own gradients (see saliency.h for why not the
  // channel-averaged gradient of the original Grad-CAM).
  std::vector<double> cam(static_cast<std::size_t>(h * w), 0.0);
  for (std::int64_t c = 0; c < channels; ++c)
    for (std::int64_t i = 0; i < h * w; ++i)
      cam[static_cast<std::size_t>(i)] += static_cast<double>(gradients[static_cast<std::size_t>(c * h * w + i)]) *
                                          activations[static_cast<std::size_t>(c * h * w + i)];
  for (double& v : cam) v = std::max(v, 0.0);
  // Bilinear, each activation at the centre of the crop region it stands for.
  std::vector<float> map(static_cast<std::size_t>(rows * cols));
  auto sample = [&](double y, double xx) {
    y = std::clamp(y, 0.0, static_cast<double>(h - 1));
    xx = std::clamp(xx, 0.0, static_cast<double>(w - 1));
    const auto y0 = static_cast<std::int64_t>(y), x0 = static_cast<std::int64_t>(xx);
    const std::int64_t y1 = std::min(y0 + 1, h - 1), x1 = std::min(x0 + 1, w - 1);
    const double fy = y - static_cast<double>(y0), fx = xx - static_cast<double>(x0);
    auto at = [&](std::int64_t r, std::int64_t c) { return cam[static_cast<std::size_t>(r * w + c)]; };
    return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
  };
  double peak = 0;
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      const double v = sample((static_cast<double>(r) + 0.5) * static_cast<double>(h) / static_cast<double>(rows) - 0.5,
                              (static_cast<double>(c) + 0.5) * static_cast<double>(w) / static_cast<double>(cols) - 0.5);
      map[static_cast<std::size_t>(r * cols + c)] = static_cast<float>(v);
      peak = std::max(peak, v);
    }
  if (peak > 0)
    for (float& v : map) v = static_cast<float>(v / peak);
  return map;
}

}  // namespace ldd::train
