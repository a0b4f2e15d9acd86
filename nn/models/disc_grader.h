// The network a disc experiment trains: VGG-M on the disc crop whose classifier may also see what is known
// at inference besides the image, as a side input (the one-hot baseline grade of a progression
// experiment), and whose head is a softmax over grades or the ordinal cumulative-link head.
// The side input enters fc6 and fc8 as learned offsets: the same as appending it to their inputs, so the
// network can both shift its grade distribution per baseline grade and read the image differently for it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "nn/models/vggm.h"

namespace ldd {

enum class GradeHead { Softmax, Ordinal };

struct DiscGraderConfig {
  VggMConfig vggm;               // vggm.classes is the number of grades
  std::int64_t side_inputs = 0;  // 0: the image alone
  GradeHead head = GradeHead::Softmax;

  std::string describe() const;  // VGG-M's lines plus the side input and head
};

class DiscGrader : public Module {
 public:
  DiscGrader(const DiscGraderConfig& config, InitScheme init, Generator& gen);
  const DiscGraderConfig& config() const { return config_; }
  // x (N, slices, H, W) -> (N, grades): logits (softmax head) or log-probabilities (ordinal head); both are
  // what cross_entropy and a softmax take. forward(x) is only for a model without side input.
  Tensor forward(const Tensor& x) override;
  Tensor forward(const Tensor& x, const Tensor& side);  // side (N, side_inputs), on x's device
  // forward in two halves, for saliency (Grad-CAM): the last convolutional block's activations (conv5
  // after its ReLU, before pool5), and the rest from them.
  Tensor features(const Tensor& x);
  Tensor classify(const Tensor& features, const Tensor& side);

 private:
  DiscGraderConfig config_;
  std::shared_ptr<VggM> vggm_;
  std::shared_ptr<Linear> side_fc6_, side_fc8_;
  Tensor* cutpoints_ = nullptr;  // ordinal head: raw cut-points (grades - 1)
};

}  // namespace ldd
