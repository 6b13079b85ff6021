#pragma once
// Helpers the command tests share: an example repository in memory, and whether a command
// wrote its output tree there.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "util/fs.h"

namespace eurus::cli::fixtures {

/// examples/<name> in memory, under repo/.
inline MemoryFileSystem ExampleInMemory(const std::string& name) {
  MemoryFileSystem mem;
  std::filesystem::path root = std::filesystem::path(EURUS_SOURCE_DIR) / "examples" / name;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    mem.files["repo/" + std::filesystem::relative(e.path(), root).string()] = ss.str();
  }
  return mem;
}

/// Whether anything was written under repo/out/.
inline bool WroteOut(const MemoryFileSystem& mem) {
  for (const auto& [path, data] : mem.files)
    if (path.rfind("repo/out/", 0) == 0) return true;
  return false;
}

}  // namespace eurus::cli::fixtures
