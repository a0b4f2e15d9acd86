#include "segflow/refine.h"

#include <algorithm>
#include <deque>

#include "kernels/check.h"
#include "nn/init.h"
#include "nn/ops.h"
#include "nn/optim/adam.h"
#include "segflow/proposals.h"

namespace ldd::segflow {
namespace {

std::shared_ptr<Sequential> double_conv(std::int64_t in, std::int64_t out) {
  auto s = std::make_shared<Sequential>();
  const Conv2dOptions same{.pad_h = 1, .pad_w = 1};
  s->add("conv1", std::make_shared<Conv2d>(in, out, 3, 3, same)).add("relu1", std::make_shared<ReLU>());
  s->add("conv2", std::make_shared<Conv2d>(out, out, 3, 3, same)).add("relu2", std::make_shared<ReLU>());
  return s;
}

const MaxPool2dOptions kHalve{.kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2};

// The volume's slices, intensity divided by its 99th percentile, as (slices, 1, rows, cols).
Tensor normalised_slices(const Volume& v) {
  std::vector<float> values(v.voxels.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(v.voxels[i] * v.intensity_scale);
  const float scale = intensity_scale(values);
  for (auto& x : values) x /= scale;
  return Tensor::from_vector({v.shape[0], 1, v.shape[1], v.shape[2]}, values);
}

}  // namespace

RefinementNet::RefinementNet(std::int64_t c, Generator& gen)
    : enc1_(double_conv(1, c)), enc2_(double_conv(c, 2 * c)), bottom_(double_conv(2 * c, 4 * c)), dec2_(double_conv(6 * c, 2 * c)),
      dec1_(double_conv(3 * c, c)), head_(std::make_shared<Conv2d>(c, 1, 1, 1)) {
  register_module("enc1", enc1_);
  register_module("enc2", enc2_);
  register_module("bottom", bottom_);
  register_module("dec2", dec2_);
  register_module("dec1", dec1_);
  register_module("head", head_);
  initialize(*this, InitScheme::Kaiming, gen);
}

Tensor RefinementNet::forward(const Tensor& x) {
  LDD_CHECK(x.rank() == 4 && x.size(1) == 1 && x.size(2) % 4 == 0 && x.size(3) % 4 == 0,
            "refinement net: input must be (N, 1, H, W) with H and W multiples of 4, got " << x.shape());
  const Tensor e1 = enc1_->forward(x);
  const Tensor e2 = enc2_->forward(max_pool2d(e1, kHalve));
  const Tensor b = bottom_->forward(max_pool2d(e2, kHalve));
  const Tensor d2 = dec2_->forward(concat_channels(upsample_nearest(b, 2), e2));
  const Tensor d1 = dec1_->forward(concat_channels(upsample_nearest(d2, 2), e1));
  return head_->forward(d1);
}

std::unique_ptr<RefinementNet> train_refinement(const std::vector<const Volume*>& volumes, const std::vector<const Votes*>& votes,
                                                const RefineOptions& o) {
  LDD_CHECK(!volumes.empty() && volumes.size() == votes.size(), "train_refinement: needs one Votes per volume");
  Generator gen(o.seed);
  auto net = std::make_unique<RefinementNet>(o.base_channels, gen);
  Adam adam(net->named_parameters(), {.learning_rate = o.learning_rate});
  std::vector<Tensor> inputs;
  struct Slice {
    std::size_t volume;
    std::int64_t index;
  };
  std::vector<Slice> slices;
  for (std::size_t v = 0; v < volumes.size(); ++v) {
    inputs.push_back(normalised_slices(*volumes[v]));
    for (std::int64_t s = 0; s < volumes[v]->shape[0]; ++s) slices.push_back({v, s});
  }
  const std::int64_t rows = volumes[0]->shape[1], cols = volumes[0]->shape[2], plane = rows * cols;
  for (const auto* v : volumes)
    LDD_CHECK(v->shape[1] == rows && v->shape[2] == cols, "train_refinement: volumes must share one slice size");
  for (int step = 0; step < o.steps; ++step) {
    std::vector<float> batch;
    std::vector<std::uint8_t> targets;
    for (int b = 0; b < o.batch; ++b) {
      const Slice& s = slices[static_cast<std::size_t>(gen.next_u64() % slices.size())];
      const auto values = inputs[s.volume].to_vector();
      batch.insert(batch.end(), values.begin() + s.index * plane, values.begin() + (s.index + 1) * plane);
      const auto& labels = votes[s.volume]->labels;
      targets.insert(targets.end(), labels.begin() + s.index * plane, labels.begin() + (s.index + 1) * plane);
    }
    adam.zero_grad();
    const Tensor logits = net->forward(Tensor::from_vector({o.batch, 1, rows, cols}, batch));
    const Tensor loss = binary_cross_entropy_with_logits(logits, targets, kIgnore);
    if (o.on_step) o.on_step(step, loss.item());
    loss.backward();
    adam.step();
  }
  return net;
}

std::vector<std::uint8_t> segment(RefinementNet& net, const Volume& volume) {
  NoGrad no_grad;
  net.eval();
  const auto logits = net.forward(normalised_slices(volume)).to_vector();
  std::vector<std::uint8_t> mask(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i) mask[i] = logits[i] > 0.0f;
  return mask;
}

std::vector<std::uint8_t> name_vertebrae(const std::vector<std::uint8_t>& mask, const std::array<std::int64_t, 3>& shape,
                                         std::int64_t min_voxels) {
  const std::int64_t plane = shape[1] * shape[2];
  std::vector<int> component(mask.size(), -1);
  struct Component {
    std::vector<std::int64_t> voxels;
    double mean_row = 0;
  };
  std::vector<Component> found;
  for (std::int64_t start = 0; start < static_cast<std::int64_t>(mask.size()); ++start) {
    if (!mask[static_cast<std::size_t>(start)] || component[static_cast<std::size_t>(start)] >= 0) continue;
    Component comp;
    std::deque<std::int64_t> queue{start};
    component[static_cast<std::size_t>(start)] = static_cast<int>(found.size());
    while (!queue.empty()) {
      const std::int64_t i = queue.front();
      queue.pop_front();
      comp.voxels.push_back(i);
      const std::int64_t s = i / plane, r = (i % plane) / shape[2], c = i % shape[2];
      comp.mean_row += static_cast<double>(r);
      const std::int64_t next[6] = {s > 0 ? i - plane : -1, s + 1 < shape[0] ? i + plane : -1, r > 0 ? i - shape[2] : -1,
                                    r + 1 < shape[1] ? i + shape[2] : -1, c > 0 ? i - 1 : -1, c + 1 < shape[2] ? i + 1 : -1};
      for (std::int64_t n : next)
        if (n >= 0 && mask[static_cast<std::size_t>(n)] && component[static_cast<std::size_t>(n)] < 0) {
          component[static_cast<std::size_t>(n)] = static_cast<int>(found.size());
          queue.push_back(n);
        }
    }
    comp.mean_row /= static_cast<double>(comp.voxels.size());
    found.push_back(std::move(comp));
  }
  std::vector<const Component*> kept;
  for (const auto& c : found)
    if (static_cast<std::int64_t>(c.voxels.size()) >= min_voxels) kept.push_back(&c);
  std::sort(kept.begin(), kept.end(), [](const Component* a, const Component* b) { return a->mean_row > b->mean_row; });
  std::vector<std::uint8_t> labels(mask.size(), 0);
  for (std::size_t k = 0; k < kept.size(); ++k) {  // k = 0 is the lowest: S1 (label 6)
    const std::uint8_t label = k < 6 ? static_cast<std::uint8_t>(6 - k) : 7;
    for (std::int64_t i : kept[k]->voxels) labels[static_cast<std::size_t>(i)] = label;
  }
  return labels;
}

}  // namespace ldd::segflow
