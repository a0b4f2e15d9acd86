// Shape validation shared by every twin, so a bad layer configuration fails the same way on CPU and GPU.
#include "base/check.h"
#include "kernels/conv2d.h"
#include "kernels/pool2d.h"

namespace ldd::kernels {

void validate(const Conv2dGeometry& g) {
  LDD_CHECK(g.batch > 0 && g.in_channels > 0 && g.in_h > 0 && g.in_w > 0 && g.out_channels > 0,
            "conv2d: sizes must be positive, got batch " << g.batch << ", channels " << g.in_channels << ", "
                                                         << g.in_h << "x" << g.in_w << ", out channels "
                                                         << g.out_channels);
  LDD_CHECK(g.kernel_h > 0 && g.kernel_w > 0 && g.stride_h > 0 && g.stride_w > 0 && g.pad_h >= 0 && g.pad_w >= 0,
            "conv2d: kernel " << g.kernel_h << "x" << g.kernel_w << ", stride " << g.stride_h << "x" << g.stride_w
                              << ", padding " << g.pad_h << "x" << g.pad_w
                              << ": kernel and stride must be positive, padding non-negative");
  LDD_CHECK(g.in_h + 2 * g.pad_h >= g.kernel_h && g.in_w + 2 * g.pad_w >= g.kernel_w,
            "conv2d: kernel " << g.kernel_h << "x" << g.kernel_w << " is larger than the padded input "
                              << g.in_h + 2 * g.pad_h << "x" << g.in_w + 2 * g.pad_w);
}

void validate(const Pool2dGeometry& g) {
  LDD_CHECK(g.batch > 0 && g.channels > 0 && g.in_h > 0 && g.in_w > 0,
            "max_pool2d: sizes must be positive, got batch " << g.batch << ", channels " << g.channels << ", "
                                                             << g.in_h << "x" << g.in_w);
  LDD_CHECK(g.kernel_h > 0 && g.kernel_w > 0 && g.stride_h > 0 && g.stride_w > 0,
            "max_pool2d: kernel " << g.kernel_h << "x" << g.kernel_w << " and stride " << g.stride_h << "x"
                                  << g.stride_w << " must be positive");
  LDD_CHECK(g.pad_h >= 0 && g.pad_w >= 0 && 2 * g.pad_h <= g.kernel_h && 2 * g.pad_w <= g.kernel_w,
            "max_pool2d: padding " << g.pad_h << "x" << g.pad_w << " must be at most half the kernel "
                                   << g.kernel_h << "x" << g.kernel_w);
  LDD_CHECK(g.in_h + 2 * g.pad_h >= g.kernel_h && g.in_w + 2 * g.pad_w >= g.kernel_w,
            "max_pool2d: kernel " << g.kernel_h << "x" << g.kernel_w << " is larger than the padded input "
                                  << g.in_h + 2 * g.pad_h << "x" << g.in_w + 2 * g.pad_w);
}

}  // namespace ldd::kernels
