#include "nn/profile.h"

#include "base/clock.h"

#include <chrono>

namespace ldd {
namespace {

thread_local Profiler* active_profiler = nullptr;
thread_local const std::string* current_layer = nullptr;
const std::string no_layer;

}  // namespace

Profiler::Profiler() : previous_(active_profiler) { active_profiler = this; }
Profiler::~Profiler() { active_profiler = previous_; }
Profiler* Profiler::active() { return active_profiler; }

Profiler::Layer& Profiler::entry(const std::string& name) {
  for (auto& layer : layers_)
    if (layer.name == name) return layer;
  layers_.push_back({name});
  return layers_.back();
}

void Profiler::add_forward(const std::string& layer, double seconds) {
  Layer& e = entry(layer);
  e.forward_seconds += seconds;
  ++e.forward_calls;
}

void Profiler::add_backward(const std::string& layer, double seconds) { entry(layer).backward_seconds += seconds; }

ProfileScope::ProfileScope(const std::string& layer)
    : previous_(current_layer), start_(active_profiler ? monotonic_seconds() : 0.0) {
  current_layer = &layer;
}

ProfileScope::~ProfileScope() {
  if (active_profiler) active_profiler->add_forward(*current_layer, monotonic_seconds() - start_);
  current_layer = previous_;
}

const std::string& ProfileScope::current() { return current_layer ? *current_layer : no_layer; }

}  // namespace ldd
