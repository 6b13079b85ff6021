// The manifest: ScanManifest reads what ManifestJson writes, and a manifest written with
// some units kept (their entries copied from the previous one) is the full one, byte for byte.

#include "synth/manifest.h"

#include <gtest/gtest.h>

#include <random>

#include "synth/testing.h"

namespace eurus::synth {
namespace {

struct ManifestTest : ::testing::Test {
  testing::Example ex{"acme"};
  std::vector<std::string> accounts, hashes, inputs;
  void SetUp() override {
    ASSERT_TRUE(ex.org.has_value());
    for (size_t i = 0; i < ex.units.size(); ++i) {
      accounts.push_back("1111111111" + std::to_string(10 + i % 3));
      hashes.push_back(ContentHash(UnitFiles(ex.units[i])));
      inputs.push_back(i % 4 ? "sha256:in" + std::to_string(i) : "");  // some without
    }
  }
  std::string Full() const {
    return ManifestJson(ex.units, accounts, hashes, inputs, {}, {{"dev", {{"account", "1"}}}});
  }
};

// Given a manifest ManifestJson wrote, we should find every unit with its account, hash,
// inputs and resource count, as a JSON parser reads them.
TEST_F(ManifestTest, ScanReadsWhatManifestJsonWrote) {
  const std::string text = Full();
  auto scanned = ScanManifest(text);
  ASSERT_TRUE(scanned.has_value());
  const auto parsed = nlohmann::json::parse(text)["units"];
  ASSERT_EQ(scanned->size(), parsed.size());
  for (const auto& [id, e] : *scanned) {
    const auto& p = parsed.at(id);
    EXPECT_EQ(e.account, p["account"]) << id;
    EXPECT_EQ(e.hash, p["hash"]) << id;
    EXPECT_EQ(e.inputs, p.value("inputs", "")) << id;
    EXPECT_EQ(e.resources, p["resources"].get<size_t>()) << id;
    EXPECT_EQ(nlohmann::json::parse("{" + e.text + "}").at(id), p) << id;
  }
}

// Given any split of the units into built and kept (the kept ones' entries scanned from
// the full manifest), we should write the full manifest, byte for byte.
TEST_F(ManifestTest, KeptEntriesSpliceIntoTheFullManifest) {
  const std::string full = Full();
  const auto scanned = *ScanManifest(full);
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<tf::Unit> built;
    std::vector<std::string> a, h, in;
    std::map<std::string, ManifestEntry> kept;
    for (size_t i = 0; i < ex.units.size(); ++i) {
      // Round 0 keeps every unit, round 1 none; the others a random share.
      const bool keep = round == 0 || (round > 1 && rng() % 3 != 0);
      if (keep) {
        kept.emplace(ex.units[i].id(), scanned.at(ex.units[i].id()));
      } else {
        built.push_back(ex.units[i]);
        a.push_back(accounts[i]);
        h.push_back(hashes[i]);
        in.push_back(inputs[i]);
      }
    }
    EXPECT_EQ(ManifestJson(built, a, h, in, kept, {{"dev", {{"account", "1"}}}}), full) << "round " << round;
  }
}

// Given text laid out otherwise (another indent, compact, no units), we should refuse it,
// so that the synth rebuilds instead of misreading it.
TEST_F(ManifestTest, ScanRefusesOtherLayouts) {
  const auto j = nlohmann::json::parse(Full());
  EXPECT_FALSE(ScanManifest(j.dump()).has_value());
  EXPECT_FALSE(ScanManifest(j.dump(4)).has_value());
  EXPECT_FALSE(ScanManifest("{}").has_value());
  std::string broken = Full();
  broken.erase(broken.rfind("\"hash\""), 6);
  EXPECT_FALSE(ScanManifest(broken).has_value());
}

}  // namespace
}  // namespace eurus::synth
