// Parameter initialisers, drawing from one Generator so a seed fixes every initial weight.
#pragma once

#include "nn/module.h"
#include "nn/random.h"

namespace ldd {

enum class InitScheme {
  Gaussian,  // N(0, std^2), std = 0.01 as in Chatfield et al. 2014
  Kaiming,   // He et al. 2015: N(0, 2 / fan_in), for ReLU networks
};

void fill_normal(Tensor& t, float mean, float stddev, Generator& gen);
// fan_in = numel / size(0): in_channels * kernel area for a conv weight, in_features for a linear one.
void fill_kaiming_normal(Tensor& t, Generator& gen);

// Every parameter named "*.weight" per the scheme, every "*.bias" to zero, in named_parameters() order.
void initialize(Module& module, InitScheme scheme, Generator& gen, float gaussian_std = 0.01f);

}  // namespace ldd
