#include "data/config/yaml_fields.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "base/check.h"

namespace ldd::config {
namespace {

template <class T>
bool convert(const YAML::Node& node, T& out) {
  try {
    out = node.as<T>();
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  return node.IsSequence() ? "a list" : node.IsMap() ? "a mapping" : "nothing";
}

// yaml-cpp keeps the first of two equal keys and says nothing; a config with one is refused, naming both lines.
void reject_duplicate_keys(const YAML::Node& node, const std::string& source, const std::string& path) {
  if (node.IsSequence())
    for (std::size_t i = 0; i < node.size(); ++i) reject_duplicate_keys(node[i], source, path + "[" + std::to_string(i) + "]");
  if (!node.IsMap()) return;
  std::map<std::string, int> seen;  // key -> line (1-based)
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    const int line = pair.first.Mark().line + 1;
    const std::string where = path.empty() ? key : path + "." + key;
    if (const auto it = seen.find(key); it != seen.end())
      throw Error(source + ": " + where + ": given twice (lines " + std::to_string(it->second) + " and " + std::to_string(line) +
                  "); keep one");
    seen[key] = line;
    reject_duplicate_keys(pair.second, source, where);
  }
}

}  // namespace

Fields::Fields(YAML::Node node, std::string source, std::string path)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)) {}

Fields Fields::parse(const std::string& text, const std::string& source_name) {
  try {
    const YAML::Node node = YAML::Load(text);
    reject_duplicate_keys(node, source_name, "");
    return Fields(node, source_name, "");
  } catch (const YAML::ParserException& e) {
    throw Error(source_name + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

std::string Fields::where(const std::string& key) const {
  return source_ + ": " + (path_.empty() ? key : path_ + "." + key);
}

void Fields::fail(const std::string& key, const std::string& message) const { throw Error(where(key) + ": " + message); }

bool Fields::has(const std::string& key) const { return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull(); }

YAML::Node Fields::get(const std::string& key) const {
  if (!has(key)) fail(key, "missing");
  return node_[key];
}

Fields Fields::child(const std::string& key) const {
  const YAML::Node n = get(key);
  if (!n.IsMap()) fail(key, "expected a mapping of keys, got " + shown(n));
  return Fields(n, source_, path_.empty() ? key : path_ + "." + key);
}

double Fields::number(const std::string& key, double low, double high) const {
  const YAML::Node n = get(key);
  double v = 0;
  std::ostringstream range;
  range << "expected a number in [" << low << ", " << high << "], got ";
  // !(v >= low) rather than v < low: NaN compares false to everything and would pass.
  if (!n.IsScalar() || !convert(n, v) || !std::isfinite(v) || !(v >= low) || !(v <= high)) fail(key, range.str() + shown(n));
  return v;
}

std::int64_t Fields::integer(const std::string& key, std::int64_t low, std::int64_t high) const {
  const YAML::Node n = get(key);
  std::int64_t v = 0;
  std::ostringstream range;
  range << "expected an integer in [" << low << ", " << high << "], got ";
  if (!n.IsScalar() || !convert(n, v) || v < low || v > high) fail(key, range.str() + shown(n));
  return v;
}

std::string Fields::text(const std::string& key) const {
  const YAML::Node n = get(key);
  if (!n.IsScalar()) fail(key, "expected a string, got " + shown(n));
  return n.Scalar();
}

bool Fields::flag(const std::string& key) const {
  const YAML::Node n = get(key);
  bool v = false;
  if (!n.IsScalar() || !convert(n, v)) fail(key, "expected true or false, got " + shown(n));
  return v;
}

std::vector<double> Fields::numbers(const std::string& key, double low, double high) const {
  const YAML::Node n = get(key);
  if (!n.IsSequence()) fail(key, "expected a list of numbers, got " + shown(n));
  std::vector<double> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    double v = 0;
    if (!n[i].IsScalar() || !convert(n[i], v) || !std::isfinite(v) || !(v >= low) || !(v <= high)) {
      std::ostringstream m;
      m << "element " << i << ": expected a number in [" << low << ", " << high << "], got " << shown(n[i]);
      fail(key, m.str());
    }
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> Fields::choices(const std::string& key, const std::vector<std::string>& accepted) const {
  const YAML::Node n = get(key);
  if (!n.IsSequence()) fail(key, "expected a list, got " + shown(n));
  std::string names;
  for (const auto& a : accepted) names += (names.empty() ? "" : ", ") + a;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string v = n[i].IsScalar() ? n[i].Scalar() : std::string();
    if (std::find(accepted.begin(), accepted.end(), v) == accepted.end())
      fail(key, "element " + std::to_string(i) + ": '" + (n[i].IsScalar() ? v : shown(n[i])) + "' is not one of " + names);
    if (std::find(out.begin(), out.end(), v) != out.end()) fail(key, "'" + v + "' is listed twice");
    out.push_back(v);
  }
  return out;
}

std::vector<std::vector<double>> Fields::number_rows(const std::string& key, double low, double high) const {
  const YAML::Node n = get(key);
  if (!n.IsSequence()) fail(key, "expected a list of rows, got " + shown(n));
  std::vector<std::vector<double>> rows;
  for (std::size_t r = 0; r < n.size(); ++r) {
    YAML::Node wrapper(YAML::NodeType::Map);
    wrapper["row"] = n[r];
    rows.push_back(Fields(wrapper, source_, (path_.empty() ? key : path_ + "." + key) + "[" + std::to_string(r) + "]")
                       .numbers("row", low, high));
  }
  return rows;
}

std::vector<Fields> Fields::mappings(const std::string& key) const {
  const YAML::Node n = get(key);
  if (!n.IsSequence()) fail(key, "expected a list of mappings, got " + shown(n));
  std::vector<Fields> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = (path_.empty() ? key : path_ + "." + key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsMap()) throw Error(source_ + ": " + path + ": expected a mapping of keys, got " + shown(n[i]));
    out.push_back(Fields(n[i], source_, path));
  }
  return out;
}

std::string Fields::yaml(const std::string& key) const { return YAML::Dump(get(key)); }

void Fields::reject_unknown(const std::set<std::string>& accepted) const {
  if (!node_.IsMap()) return;
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (accepted.count(key)) continue;
    std::string list;
    for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
    fail(key, "unknown key; accepted here: " + list);
  }
}

}  // namespace ldd::config
