// Times SegFlow's optical flow on frame pairs with a known displacement, and measures its endpoint
// error, for bench/flow_compare.py, which writes the frames and runs OpenCV's Farneback and DIS on the
// same ones.
//   ldd_bench_flow DIR [threads=2] [repeats=5] [levels=3]
// DIR/pairs.txt lists "name rows cols" lines; DIR/<name>_{0,1,u,v}.f32 are float32 row-major arrays
// (frame 0, frame 1, true flow along columns, along rows). Prints per pair
//   RESULT impl=ldd pair=NAME ms=... epe=...   (median ms; mean endpoint error 8 px from the border)
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "segflow/optical_flow.h"

namespace {

std::vector<float> read_f32(const std::string& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary);
  LDD_CHECK(in.good(), path << ": cannot read");
  std::vector<float> v(count);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(count * sizeof(float)));
  LDD_CHECK(in.gcount() == static_cast<std::streamsize>(count * sizeof(float)), path << ": expected " << count << " floats");
  return v;
}

}  // namespace

int main(int argc, char** argv) try {
  LDD_CHECK(argc >= 2, "usage: ldd_bench_flow DIR [threads=2] [repeats=5] [levels=3]");
  std::map<std::string, std::string> args{{"threads", "2"}, {"repeats", "5"}, {"levels", "3"}};
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('=');
    LDD_CHECK(eq != std::string::npos && args.count(a.substr(0, eq)), "unknown argument '" << a << "'");
    args[a.substr(0, eq)] = a.substr(eq + 1);
  }
  omp_set_num_threads(std::stoi(args["threads"]));
  ldd::segflow::FlowOptions options;
  options.levels = std::stoi(args["levels"]);
  const std::string dir = argv[1];
  std::ifstream pairs(dir + "/pairs.txt");
  LDD_CHECK(pairs.good(), dir << "/pairs.txt: cannot read");
  std::string name;
  std::int64_t rows = 0, cols = 0;
  while (pairs >> name >> rows >> cols) {
    const auto n = static_cast<std::size_t>(rows * cols);
    const auto a = ldd::Tensor::from_vector({rows, cols}, read_f32(dir + "/" + name + "_0.f32", n));
    const auto b = ldd::Tensor::from_vector({rows, cols}, read_f32(dir + "/" + name + "_1.f32", n));
    const auto tu = read_f32(dir + "/" + name + "_u.f32", n), tv = read_f32(dir + "/" + name + "_v.f32", n);
    std::vector<double> times;
    ldd::segflow::Flow flow;
    for (int r = 0; r < std::stoi(args["repeats"]) + 1; ++r) {
      const double start = ldd::monotonic_seconds();
      flow = ldd::segflow::estimate_flow(a, b, options);
      if (r > 0) times.push_back(ldd::monotonic_seconds() - start);  // the first run warms caches and allocators
    }
    std::sort(times.begin(), times.end());
    const auto u = flow.u.to_vector(), v = flow.v.to_vector();
    double sum = 0;
    std::size_t count = 0;
    for (std::int64_t r = 8; r < rows - 8; ++r)
      for (std::int64_t c = 8; c < cols - 8; ++c) {
        const auto i = static_cast<std::size_t>(r * cols + c);
        sum += std::hypot(u[i] - tu[i], v[i] - tv[i]);
        ++count;
      }
    std::printf("RESULT impl=ldd pair=%s ms=%.2f epe=%.4f\n", name.c_str(), times[times.size() / 2] * 1e3, sum / static_cast<double>(count));
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "ldd_bench_flow: %s\n", e.what());
  return 1;
}
