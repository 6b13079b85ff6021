#pragma once
// For tests only (header-only, like synth/testing.h): an example of the repository compiled
// to synth in memory, once per test binary.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "run/compile.h"
#include "util/fs.h"

namespace eurus::explain::testing {

/// examples/<name>, compiled up to the synth pass (nothing written). Fails the test when it
/// does not compile.
inline const run::Session& Compiled(const std::string& name) {
  static std::map<std::string, std::unique_ptr<run::Session>> sessions;
  auto& s = sessions[name];
  if (!s) {
    s = std::make_unique<run::Session>();
    RealFileSystem fs;
    run::CompileOptions o;
    o.dir = std::string(EURUS_SOURCE_DIR) + "/examples/" + name;
    o.until = run::Pass::kSynth;
    EXPECT_TRUE(run::Compile(fs, o, *s)) << name << " does not compile";
  }
  return *s;
}

}  // namespace eurus::explain::testing
