// The synthetic cohort's YAML config: the shipped defaults file equals the built-in defaults, and bad
// input names the file and the key.
#include <doctest/doctest.h>

#include "base/check.h"
#include "data/synth/config.h"

using namespace ldd;
using namespace ldd::synth;

TEST_CASE("data/synth/defaults.yaml documents exactly the built-in defaults" * doctest::test_suite("smoke")) {
  const SynthConfig from_file = load_synth_config(LDD_SOURCE_DIR "/data/synth/defaults.yaml");
  const SynthConfig defaults;
  CHECK(from_file.to_yaml() == defaults.to_yaml());
}

TEST_CASE("config errors name the file / the key path and what is accepted") {
  CHECK_THROWS_WITH_AS(parse_synth_config("imaging:\n  rowz: 12\n", "my.yaml"),
                       doctest::Contains("my.yaml: imaging.rowz: unknown key; accepted here:"), Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("cohort:\n  subjects: many\n", "my.yaml"),
                       doctest::Contains("my.yaml: cohort.subjects: expected an integer in [1, 1000000], got 'many'"), Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("imaging:\n  rows: 10\n", "my.yaml"), doctest::Contains("imaging.rows"), Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("cohort: [1, 2\n", "my.yaml"), doctest::Contains("my.yaml: YAML syntax error at line"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("tables:\n  bulging:\n    followup: [0.5, 0.5, 0.5, 0.5]\n", "my.yaml"),
                       doctest::Contains("tables.bulging.followup sums to 2"), Error);
  CHECK_THROWS_WITH_AS(load_synth_config("/nonexistent/x.yaml"), doctest::Contains("/nonexistent/x.yaml: cannot read"), Error);
  const SynthConfig c = parse_synth_config("cohort:\n  subjects: 12\n  seed: 5\n", "my.yaml");
  CHECK(c.subjects == 12);
  CHECK(c.seed == 5);
  CHECK(c.imaging.rows == 448);  // untouched keys keep their defaults
}

TEST_CASE("risk signs and per-scale propensity weights are read by name, with their ranges") {
  const SynthConfig c = parse_synth_config("latent:\n  propensity_weight:\n    bulging: 0.5\nrisk_signs:\n  modic_change: 0\n", "my.yaml");
  CHECK(c.latent.propensity_weight[1] == 0.5);
  CHECK(c.latent.propensity_weight[2] == SynthConfig().latent.propensity_weight[2]);
  CHECK(c.risk_signs.modic_change == 0.0);
  CHECK(parse_synth_config(c.to_yaml(), "round trip").to_yaml() == c.to_yaml());
  CHECK_THROWS_WITH_AS(parse_synth_config("risk_signs:\n  annulus_signal: 0.5\n", "my.yaml"),
                       doctest::Contains("my.yaml: risk_signs.annulus_signal: expected a number in [0, 0.35]"), Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("risk_signs:\n  glow: 1\n", "my.yaml"), doctest::Contains("risk_signs.glow: unknown key"), Error);
  CHECK_THROWS_WITH_AS(parse_synth_config("latent:\n  propensity_weight:\n    disc: 0.5\n", "my.yaml"),
                       doctest::Contains("latent.propensity_weight.disc: unknown key"), Error);
}
