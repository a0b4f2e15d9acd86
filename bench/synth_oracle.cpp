// synth_oracle: what is learnable on a synthetic cohort before a single image is rendered. For each
// pathology, 5-fold cross-validation (subject folds, F1 threshold on the training folds) of the grade
// prior, the image oracle (baseline grade + rendered risk signs) and the full oracle (baseline grade +
// the hidden propensity), beside the paper's Table 4; then each risk sign's share: the image oracle's
// ROC-AUC and F1 without that sign.
//   synth_oracle [SYNTH.yaml] [--subjects N]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/synth/config.h"
#include "train/format.h"
#include "train/reference_predictors.h"

using namespace ldd;
using namespace ldd::train;

namespace {

void print_row(const char* label, const std::vector<Metrics>& folds) {
  auto m = [&](double Metrics::*f) { return over(folds, [f](const Metrics& x) { return x.*f; }); };
  std::printf("  %-14s accuracy %s  F1 %s  balanced accuracy %s  ROC-AUC %s\n", label, percent(m(&Metrics::accuracy)).c_str(),
              percent(m(&Metrics::f1)).c_str(), fixed3(m(&Metrics::balanced_accuracy)).c_str(), fixed3(m(&Metrics::roc_auc)).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    synth::SynthConfig config;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--subjects" && i + 1 < argc) config.subjects = std::atoll(argv[++i]);
      else config = synth::load_synth_config(a);
    }
    const synth::Population population = synth::draw_population(config);
    static const char* paper[] = {"accuracy 90.2%, F1 92.7%", "accuracy 90.4%, F1 78.3%", "accuracy 89.9%, F1 62.6%"};
    std::printf("%lld subjects, propensity visibility %.2f\n", static_cast<long long>(config.subjects), config.latent.propensity_visibility);
    for (int p = 0; p < kPathologies; ++p) {
      const Pathology pathology = kAllPathologies[static_cast<std::size_t>(p)];
      const auto [discs, truth] = population_discs(population, pathology);
      std::printf("%s (paper's Table 4: %s)\n", scale_of(pathology).name, paper[p]);
      print_row("grade prior", cross_validate_reference(Reference::GradePrior, discs, nullptr, 5, 1, ThresholdCriterion::F1));
      print_row("image oracle", cross_validate_reference(Reference::ImageOracle, discs, &truth, 5, 1, ThresholdCriterion::F1));
      print_row("full oracle", cross_validate_reference(Reference::FullOracle, discs, &truth, 5, 1, ThresholdCriterion::F1));
      const auto amplitudes = config.risk_signs.as_array();
      for (int k = 0; k < synth::kRiskSigns; ++k) {
        if (amplitudes[static_cast<std::size_t>(k)] == 0) {
          std::printf("    - %s: not drawn\n", synth::kRiskSignNames[k]);
          continue;
        }
        TrueRiskOfDiscs without = truth;
        for (auto& signs : without.signs) signs[static_cast<std::size_t>(k)] = 0.0;
        const std::string label = std::string("  - ") + synth::kRiskSignNames[k];
        print_row(label.c_str(), cross_validate_reference(Reference::ImageOracle, discs, &without, 5, 1, ThresholdCriterion::F1));
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synth_oracle: %s\n", e.what());
    return 1;
  }
}
