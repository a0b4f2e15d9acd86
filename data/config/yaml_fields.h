// Strict reading of YAML configs: every value is read through a Fields view that knows the file and the
// key path, so a wrong type, an out-of-range value or an unknown key is an ldd::Error naming all three
// ("synth.yaml: image.rows: expected an integer >= 64, got 'many'").
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace ldd::config {

class Fields {
 public:
  static Fields parse(const std::string& text, const std::string& source_name);

  bool has(const std::string& key) const;
  Fields child(const std::string& key) const;  // a mapping under `key`
  double number(const std::string& key, double low, double high) const;
  std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high) const;
  std::string text(const std::string& key) const;
  bool flag(const std::string& key) const;
  std::vector<double> numbers(const std::string& key, double low, double high) const;
  // A list of strings, each one of `accepted`, none twice.
  std::vector<std::string> choices(const std::string& key, const std::vector<std::string>& accepted) const;
  std::vector<std::vector<double>> number_rows(const std::string& key, double low, double high) const;
  // Each element of the list under `key`, a mapping, as "key[i]".
  std::vector<Fields> mappings(const std::string& key) const;
  // The YAML text under `key`, for a section another parser reads (an experiment's synthetic cohort).
  std::string yaml(const std::string& key) const;

  // Throws for the first key of this mapping that is not in `accepted`, listing what is accepted.
  void reject_unknown(const std::set<std::string>& accepted) const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  const std::string& source() const { return source_; }

 private:
  Fields(YAML::Node node, std::string source, std::string path);
  YAML::Node get(const std::string& key) const;
  std::string where(const std::string& key) const;

  YAML::Node node_;
  std::string source_, path_;
};

}  // namespace ldd::config
