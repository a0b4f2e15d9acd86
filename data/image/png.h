// PNG output through libpng, for quality-control overlays and example figures. Written to a temporary
// file and renamed, like every output of ldd.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace ldd::image {

// 8-bit grey (channels = 1) or RGB (channels = 3), rows top to bottom.
void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> pixels, std::int64_t width,
               std::int64_t height, int channels);

// Window [low, high] of a 16-bit image mapped to 0-255 grey.
std::vector<std::uint8_t> window_to_grey(std::span<const std::uint16_t> values, double low, double high);

}  // namespace ldd::image
