// Every differentiable op, for code that uses many of them.
#pragma once
#include "nn/autograd.h"
#include "nn/ops/conv2d.h"
#include "nn/ops/dropout.h"
#include "nn/ops/elementwise.h"
#include "nn/ops/linear.h"
#include "nn/ops/loss.h"
#include "nn/ops/lrn.h"
#include "nn/ops/pool.h"
#include "nn/ops/reduce.h"
#include "nn/ops/shape_ops.h"
#include "nn/random.h"
#include "nn/tensor.h"
