#include "data/image/png.h"

#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "base/check.h"

namespace ldd::image {

void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> pixels, std::int64_t width,
               std::int64_t height, int channels) {
  LDD_CHECK(channels == 1 || channels == 3, "write_png: channels must be 1 or 3, got " << channels);
  LDD_CHECK(static_cast<std::int64_t>(pixels.size()) == width * height * channels,
            "write_png: " << pixels.size() << " bytes for a " << width << "x" << height << "x" << channels << " image");
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(temporary.c_str(), "wb"), std::fclose);
  LDD_CHECK(file != nullptr, "cannot write '" << temporary.string() << "'");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::filesystem::remove(temporary);
    LDD_FAIL("libpng failed writing '" << path.string() << "'");
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (std::int64_t r = 0; r < height; ++r)
    png_write_row(png, const_cast<png_bytep>(pixels.data() + r * width * channels));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  file.reset();
  std::filesystem::rename(temporary, path);
}

std::vector<std::uint8_t> window_to_grey(std::span<const std::uint16_t> values, double low, double high) {
  std::vector<std::uint8_t> out(values.size());
  const double scale = 255.0 / std::max(high - low, 1e-9);
  for (std::size_t i = 0; i < values.size(); ++i)
    out[i] = static_cast<std::uint8_t>(std::clamp((values[i] - low) * scale, 0.0, 255.0));
  return out;
}

}  // namespace ldd::image
