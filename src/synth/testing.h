#pragma once
// CDK-style assertions over a synthesized unit, for tests only:
//
//   EXPECT_TRUE(HasResource(unit, "aws_flow_log", R"({"traffic_type":"ALL"})"));
//
// Header-only on purpose: CMake globs every non-test src/**/*.cc into the eurus library,
// and test helpers (and gtest) have no place in the shipped binary.
//
// Matching (Matches below) is a partial deep match of a pattern against a block body:
// - object: every key of the pattern is in the body and its value matches; other keys of
//   the body are ignored;
// - array: an empty pattern array matches only an empty array; otherwise every pattern
//   element matches some element of the body's array (a subset, in any order; two pattern
//   elements may match the same element). For an exact array, also assert its size;
// - anything else: equal (so "1" does not match 1).

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/load.h"
#include "diag/render.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "synth/synth.h"
#include "tf/unit.h"
#include "util/fs.h"

namespace eurus::synth::testing {

using Json = nlohmann::json;

/// Empty when `actual` matches `pattern`; otherwise where and why it does not
/// ("ingress: expected [] but got [...]").
inline std::string Mismatch(const Json& pattern, const Json& actual, const std::string& path = "") {
  const std::string at = path.empty() ? "" : path + ": ";
  if (pattern.is_object()) {
    if (!actual.is_object()) return at + "expected an object but got " + actual.dump();
    for (const auto& [k, v] : pattern.items()) {
      std::string sub = path.empty() ? k : path + "." + k;
      if (!actual.contains(k)) return sub + ": missing";
      std::string why = Mismatch(v, actual.at(k), sub);
      if (!why.empty()) return why;
    }
    return "";
  }
  if (pattern.is_array()) {
    if (!actual.is_array()) return at + "expected an array but got " + actual.dump();
    if (pattern.empty() && !actual.empty()) return at + "expected [] but got " + actual.dump();
    for (const Json& want : pattern) {
      bool found = false;
      for (const Json& have : actual) found = found || Mismatch(want, have).empty();
      if (!found) return at + "no element matches " + want.dump() + " in " + actual.dump();
    }
    return "";
  }
  if (pattern != actual) return at + "expected " + pattern.dump() + " but got " + actual.dump();
  return "";
}

inline bool Matches(const Json& pattern, const Json& actual) {
  return Mismatch(pattern, actual).empty();
}

/// The parsed main.tf.json of `unit`.
inline Json Main(const tf::Unit& unit) { return Json::parse(unit.MainJson()); }

/// Bodies of the resources of `type` by block name (empty when there are none).
inline std::map<std::string, Json> ResourcesByName(const tf::Unit& unit, const std::string& type) {
  std::map<std::string, Json> out;
  Json doc = Main(unit);
  if (!doc.contains("resource") || !doc["resource"].contains(type)) return out;
  for (const auto& [name, body] : doc["resource"][type].items()) out.emplace(name, body);
  return out;
}

/// Bodies of the resources of `type`, in block-name order.
inline std::vector<Json> Resources(const tf::Unit& unit, const std::string& type) {
  std::vector<Json> out;
  for (auto& [name, body] : ResourcesByName(unit, type)) out.push_back(std::move(body));
  return out;
}

inline int ResourceCount(const tf::Unit& unit, const std::string& type) {
  return static_cast<int>(ResourcesByName(unit, type).size());
}

/// The body of resource `type`.`name`; a null Json when the unit has no such block.
inline Json Resource(const tf::Unit& unit, const std::string& type, const std::string& name) {
  auto all = ResourcesByName(unit, type);
  auto it = all.find(name);
  return it == all.end() ? Json() : it->second;
}

/// Success when some resource of `type` matches `partial_json`; the failure message says,
/// for every resource of that type, why it does not.
inline ::testing::AssertionResult HasResource(const tf::Unit& unit, const std::string& type,
                                              const std::string& partial_json) {
  Json pattern = Json::parse(partial_json);
  auto all = ResourcesByName(unit, type);
  if (all.empty()) return ::testing::AssertionFailure() << unit.id() << " has no " << type;
  std::string why;
  for (const auto& [name, body] : all) {
    std::string m = Mismatch(pattern, body);
    if (m.empty()) return ::testing::AssertionSuccess();
    why += "\n  " + type + "." + name + ": " + m;
  }
  return ::testing::AssertionFailure()
         << "no " << type << " in " << unit.id() << " matches " << pattern.dump() << why;
}

/// The value of output `name`; a null Json when the unit does not declare it.
inline Json OutputValue(const tf::Unit& unit, const std::string& name) {
  Json doc = Main(unit);
  if (!doc.contains("output") || !doc["output"].contains(name)) return Json();
  return doc["output"][name]["value"];
}

/// An environment file: `account` in `realm`, its VPC `cidr` over `azs` ("eu-west-1a,
/// eu-west-1b"). The file ends inside `network:`: an appended indented line
/// ("  nat_gateways: single\n") adds to the network, an unindented one to the environment.
inline std::string EnvYaml(const std::string& account, const std::string& realm,
                           const std::string& cidr, const std::string& azs) {
  return "account: \"" + account + "\"\nrealm: " + realm + "\nnetwork:\n  cidr: " + cidr +
         "\n  availability_zones: [" + azs + "]\n";
}

/// The organisation the synth fixtures start from, written into `fs` (no tenants):
///   eurus.yaml              org acme in eu-west-1; management account 111111111111; realms
///                           nonprod (common 222222222222, line 6) and prod (common
///                           333333333333, line 7); domain acme.example.com as the last line
///   environments/dev.yaml   nonprod, account 444444444444, 10.1.0.0/16 over eu-west-1a/b
///   environments/prod.yaml  prod, account 555555555555, 10.2.0.0/16 over eu-west-1a/b/c
/// Fixtures add their tenants and environments and append to these files (see EnvYaml).
inline void BaseOrg(MemoryFileSystem& fs) {
  fs.files["eurus.yaml"] =
      "eurus: 1\norg: acme\nregion: eu-west-1\n"
      "management_account: \"111111111111\"\n"
      "realms:\n  nonprod: { common_account: \"222222222222\" }\n"
      "  prod: { common_account: \"333333333333\" }\n"
      "domain: acme.example.com\n"
      "administrators: [\"arn:aws:iam::111111111111:role/platform-admin\"]\n";
  fs.files["environments/dev.yaml"] =
      EnvYaml("444444444444", "nonprod", "10.1.0.0/16", "eu-west-1a, eu-west-1b");
  fs.files["environments/prod.yaml"] =
      EnvYaml("555555555555", "prod", "10.2.0.0/16", "eu-west-1a, eu-west-1b, eu-west-1c");
}

/// Replaces the one occurrence of `from` in `text` by `to`; a test failure when there is
/// none (the base org changed under the fixture that edits it).
inline void Replace(std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "`" << from << "` is not in:\n" << text;
    return;
  }
  text.replace(at, from.size(), to);
}

/// A configuration written into `fs` by the test, synthesized as `eurus synth` does. Starts
/// from `lock` (empty: fresh allocations); with `carry_lock`, each Synth() keeps the lock it
/// produced, as a committed eurus.lock.json would between runs.
struct SynthFixture : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  std::optional<model::Org> org;
  std::optional<Context> ctx;
  Lock lock;
  bool carry_lock = false;
  std::vector<tf::Unit> units;

  void Synth() {
    auto p = config::LoadProject(fs, ".", sources, diags);
    ASSERT_TRUE(p.has_value());
    model::BuildResult r = model::Build(*p, lock, {}, diags);
    ASSERT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
    if (carry_lock) lock = r.lock;
    org = std::move(r.org);
    ctx.emplace(*org, sources, ".");
    units = Synthesize(*ctx);
  }
  const tf::Unit& U(const std::string& id) const {
    for (const auto& u : units)
      if (u.id() == id) return u;
    throw std::out_of_range("no unit " + id);
  }
};

/// The units of examples/<name> as `eurus synth` builds them (with its committed lock).
/// `org` stays empty when the example does not load.
struct Example {
  RealFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  std::optional<model::Org> org;
  std::vector<tf::Unit> units;

  /// `edit` changes the built model before synth (e.g. settings no example file has).
  explicit Example(const std::string& name, const std::function<void(model::Org&)>& edit = {}) {
    const std::string dir = std::string(EURUS_SOURCE_DIR) + "/examples/" + name;
    auto project = config::LoadProject(fs, dir, sources, diags);
    if (!project) return;
    Lock lock;
    std::string err;
    if (auto text = fs.Read(dir + "/eurus.lock.json", &err)) {
      LockParseError perr;
      if (auto parsed = ParseLock(*text, &perr)) lock = *parsed;
    }
    model::BuildResult r = model::Build(*project, lock, {}, diags);
    if (!r.org) return;
    org = std::move(r.org);
    if (edit) edit(*org);
    units = Synthesize(Context(*org, sources, dir));
  }
};

}  // namespace eurus::synth::testing
