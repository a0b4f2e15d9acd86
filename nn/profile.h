// Per-layer wall time of forward and backward passes. While a Profiler is alive on a thread, Sequential
// times each child's forward under the child's name, every autograd node records the name of the layer
// that created it, and backward() adds each node's time to that layer. Costs nothing when none is alive.
#pragma once
#include <string>
#include <vector>

namespace ldd {

class Profiler {
 public:
  struct Layer {
    std::string name;
    double forward_seconds = 0.0, backward_seconds = 0.0;
    long forward_calls = 0;
  };

  Profiler();
  ~Profiler();
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  // The profiler alive on this thread, or null.
  static Profiler* active();
  // Layers in the order they were first seen.
  const std::vector<Layer>& layers() const { return layers_; }
  void add_forward(const std::string& layer, double seconds);
  void add_backward(const std::string& layer, double seconds);

 private:
  Layer& entry(const std::string& name);
  std::vector<Layer> layers_;
  Profiler* previous_;
};

// Names the layer whose forward runs inside this scope, and times it when a profiler is active.
class ProfileScope {
 public:
  explicit ProfileScope(const std::string& layer);
  ~ProfileScope();
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;
  // The innermost layer being run on this thread ("" outside any scope).
  static const std::string& current();

 private:
  const std::string* previous_;
  double start_;
};

}  // namespace ldd
