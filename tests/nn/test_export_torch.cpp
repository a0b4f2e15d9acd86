// scripts/export_torch.py: a disc grader with the committed fixture's VGG-M weights (tests/fixtures/
// vggm_small.h5, made in PyTorch), saved as an ldd checkpoint and exported, gives in PyTorch the outputs
// our forward gives on the fixture's input, within 1e-4: softmax head alone, and the ordinal head with a
// side input. Skipped when Debian's python3-torch / python3-h5py are absent (scripts/install-deps --peers).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "base/hdf5/file.h"
#include "nn/checkpoint.h"
#include "nn/models/disc_grader.h"
#include "nn/random.h"
#include "tests/support/temp_dir.h"

using namespace ldd;

namespace {

const std::filesystem::path kFixture = std::filesystem::path(LDD_SOURCE_DIR) / "tests/fixtures/vggm_small.h5";

Tensor read_tensor(const hdf5::File& f, const std::string& path) {
  hdf5::Dims dims;
  const auto values = f.read<float>(path, &dims);
  return Tensor::from_vector(Shape(dims), values);
}

int run(const std::string& command, const std::filesystem::path& log = "/dev/null") {
  return std::system((command + " > '" + log.string() + "' 2>&1").c_str());
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Builds the grader on the fixture's VGG-M weights (its other parameters drawn from `seed`), writes the
// checkpoint and a case (input, side, our outputs), exports it and runs the export's check. Returns the
// check's exit status; with `tamper`, the case's expected outputs are off by 1 %, which it must catch.
int export_and_verify(const testing::TempDir& dir, GradeHead head, std::int64_t side_inputs, bool tamper = false) {
  const hdf5::File f = hdf5::File::open_read(kFixture);
  DiscGraderConfig config;
  config.vggm.in_channels = f.int_attribute("/", "in_channels");
  config.vggm.height = f.int_attribute("/", "height");
  config.vggm.width = f.int_attribute("/", "width");
  config.vggm.classes = f.int_attribute("/", "classes");
  config.vggm.fc_width = f.int_attribute("/", "fc_width");
  const auto widths = f.read<std::int64_t>("/conv_channels");
  std::copy(widths.begin(), widths.end(), config.vggm.conv_channels.begin());
  config.vggm.dropout = 0.3f;  // evaluation mode: no effect, but the export must carry it
  config.side_inputs = side_inputs;
  config.head = head;
  Generator gen(side_inputs + 7);
  DiscGrader model(config, InitScheme::Kaiming, gen);
  for (auto& [name, p] : model.named_parameters())
    if (name.rfind("vggm.", 0) == 0 && (head == GradeHead::Softmax || name.rfind("vggm.fc8", 0) != 0))
      p.assign(read_tensor(f, "/parameters/" + name.substr(5)));
  model.eval();
  const Tensor x = read_tensor(f, "/input");
  const std::int64_t n = x.size(0);
  Tensor side;
  std::vector<float> side_values;
  if (side_inputs > 0) {
    for (std::int64_t i = 0; i < n * side_inputs; ++i) side_values.push_back(static_cast<float>(gen.normal()));
    side = Tensor::from_vector({n, side_inputs}, side_values);
  }
  auto expected = model.forward(x, side).to_vector();
  if (tamper)
    for (float& v : expected) v *= 1.01f;
  const auto checkpoint = dir / "grader.h5", case_file = dir / "case.h5";
  save_checkpoint(checkpoint, model, nullptr, {.model_config = config.describe()});
  {
    hdf5::File c = hdf5::File::create(case_file);
    const auto input = x.to_vector();
    const auto dims = x.shape().dims();
    c.write<float>("input", input, hdf5::Dims(dims.begin(), dims.end()));
    if (side_inputs > 0) c.write<float>("side", side_values, {n, side_inputs});
    c.write<float>("expected", expected, {n, config.vggm.classes});
    c.commit();
  }
  const int status = run("/usr/bin/python3 " LDD_SOURCE_DIR "/scripts/export_torch.py '" + checkpoint.string() + "' '" +
                             (dir / "export").string() + "' --verify '" + case_file.string() + "'", dir / "log.txt");
  if (status != 0) MESSAGE(read_all(dir / "log.txt"));
  return status;
}

}  // namespace

TEST_CASE("scripts/export_torch.py: the PyTorch export computes our forward on the fixture" * doctest::test_suite("peers")) {
  if (run("/usr/bin/python3 -c 'import torch, h5py'") != 0) {
    MESSAGE("skipped: Debian's python3-torch and python3-h5py are absent (scripts/install-deps --peers)");
    return;
  }
  testing::TempDir dir;
  CHECK(export_and_verify(dir, GradeHead::Softmax, 0) == 0);
  CHECK(std::filesystem::exists(dir / "export" / "state_dict.pt"));
  CHECK(std::filesystem::exists(dir / "export" / "ldd_disc_grader.py"));
  CHECK(export_and_verify(dir, GradeHead::Ordinal, 6) == 0);
  CHECK(export_and_verify(dir, GradeHead::Ordinal, 6, true) != 0);  // the check can fail
}
