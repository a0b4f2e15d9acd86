#include "nn/checkpoint.h"

#include <set>

#include "base/check.h"
#include "base/hdf5/file.h"

namespace ldd {
namespace {

constexpr const char* kFormat = "ldd-checkpoint";
constexpr std::int64_t kVersion = 1;

void write_tensor(hdf5::File& file, const std::string& path, const Tensor& t) {
  const std::vector<float> values = t.to_vector();
  const auto dims = t.shape().dims();
  file.write<float>(path, values, hdf5::Dims(dims.begin(), dims.end()));
}

Tensor read_tensor(const hdf5::File& file, const std::string& path) {
  hdf5::Dims dims;
  const std::vector<float> values = file.read<float>(path, &dims);
  return Tensor::from_vector(Shape(dims), values);
}

// Checks that `stored` holds exactly `expected`'s names with the same shapes; names the first difference.
void check_matches(const hdf5::File& file, const std::string& group, const NamedTensors& expected, const char* what) {
  const auto stored = file.members(group);
  const std::set<std::string> in_file(stored.begin(), stored.end());
  std::set<std::string> in_model;
  for (const auto& [name, t] : expected) {
    in_model.insert(name);
    LDD_CHECK(in_file.count(name), "checkpoint '" << file.path().string() << "' has no " << what << " '" << name
                                                  << "' (under " << group << ")");
    const auto dims = file.shape(group + "/" + name);
    const Shape shape(dims);
    LDD_CHECK(shape == t.shape(), "checkpoint '" << file.path().string() << "': " << what << " '" << name
                                                 << "' has shape " << shape << ", the model has " << t.shape());
  }
  for (const auto& name : in_file)
    LDD_CHECK(in_model.count(name), "checkpoint '" << file.path().string() << "' has a " << what << " '" << name
                                                   << "' that the model does not have");
}

// Optimizer buffers are stored one group per parameter: state/<parameter>/<buffer>.
NamedTensors optimizer_buffers_of(const hdf5::File& file, const NamedTensors& expected) {
  NamedTensors out;
  for (const auto& [name, t] : expected) {
    const std::string path = "/optimizer/state/" + name;
    LDD_CHECK(file.exists(path), "checkpoint '" << file.path().string() << "' has no optimizer buffer '" << name << "'");
    Tensor stored = read_tensor(file, path);
    LDD_CHECK(stored.shape() == t.shape(), "checkpoint '" << file.path().string() << "': optimizer buffer '" << name
                                                          << "' has shape " << stored.shape() << ", expected " << t.shape());
    out.emplace_back(name, std::move(stored));
  }
  return out;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const Module& model, const Optimizer* optimizer,
                     const CheckpointInfo& info) {
  hdf5::File file = hdf5::File::create(path);
  file.set_attribute("/", "format", std::string(kFormat));
  file.set_attribute("/", "version", kVersion);
  file.create_group("/model/parameters");
  file.set_attribute("/model", "config", info.model_config);
  for (const auto& [name, p] : model.named_parameters()) write_tensor(file, "/model/parameters/" + name, p);
  if (optimizer) {
    file.create_group("/optimizer/state");
    file.set_attribute("/optimizer", "kind", optimizer->kind());
    file.set_attribute("/optimizer", "hyperparameters", optimizer->describe());
    file.set_attribute("/optimizer", "learning_rate", optimizer->learning_rate());
    file.set_attribute("/optimizer", "steps", optimizer->steps());
    for (const auto& [name, buffer] : optimizer->state()) write_tensor(file, "/optimizer/state/" + name, buffer);
  }
  file.create_group("/training");
  file.set_attribute("/training", "epoch", info.epoch);
  file.set_attribute("/training", "step", info.step);
  for (const auto& [key, value] : info.extras) file.set_attribute("/training", key, value);
  file.commit();
}

namespace {

void check_format(const hdf5::File& file, const std::filesystem::path& path) {
  LDD_CHECK(file.has_attribute("/", "format") && file.string_attribute("/", "format") == kFormat,
            "'" << path.string() << "' is not an ldd checkpoint (no format attribute '" << kFormat << "')");
  const std::int64_t version = file.int_attribute("/", "version");
  LDD_CHECK(version == kVersion, "checkpoint '" << path.string() << "' has format version " << version
                                                << "; this build reads version " << kVersion);
}

CheckpointInfo info_of(const hdf5::File& file) {
  CheckpointInfo info;
  info.model_config = file.string_attribute("/model", "config");
  info.epoch = file.int_attribute("/training", "epoch");
  info.step = file.int_attribute("/training", "step");
  for (const auto& key : file.attribute_names("/training"))
    if (key != "epoch" && key != "step") info.extras[key] = file.string_attribute("/training", key);
  return info;
}

}  // namespace

CheckpointInfo read_checkpoint_info(const std::filesystem::path& path) {
  const hdf5::File file = hdf5::File::open_read(path);
  check_format(file, path);
  return info_of(file);
}

CheckpointInfo load_checkpoint(const std::filesystem::path& path, Module& model, Optimizer* optimizer) {
  const hdf5::File file = hdf5::File::open_read(path);
  check_format(file, path);
  const NamedTensors parameters = model.named_parameters();
  check_matches(file, "/model/parameters", parameters, "parameter");
  if (optimizer) {
    LDD_CHECK(file.exists("/optimizer"), "checkpoint '" << path.string() << "' holds no optimizer state");
    const std::string kind = file.string_attribute("/optimizer", "kind");
    LDD_CHECK(kind == optimizer->kind(), "checkpoint '" << path.string() << "' holds " << kind
                                                        << " optimizer state; the optimizer is " << optimizer->kind());
  }
  // Everything is read and checked before anything is changed: a bad file leaves the model as it was.
  NamedTensors values;
  for (const auto& [name, p] : parameters) values.emplace_back(name, read_tensor(file, "/model/parameters/" + name));
  NamedTensors buffers;
  if (optimizer) buffers = optimizer_buffers_of(file, optimizer->state());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Tensor target = parameters[i].second;
    target.assign(values[i].second);
  }
  if (optimizer) {
    optimizer->load_state(buffers, file.int_attribute("/optimizer", "steps"));
    optimizer->set_learning_rate(file.double_attribute("/optimizer", "learning_rate"));
  }
  return info_of(file);
}

}  // namespace ldd
