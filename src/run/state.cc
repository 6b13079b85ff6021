#include "run/state.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace eurus::run {

namespace fs = std::filesystem;

std::string ReadFileOr(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WriteFileAtomic(const std::string& path, const std::string& data) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << data;
    if (!out.flush()) return false;
  }
  fs::rename(tmp, path, ec);
  return !ec;
}

namespace {
nlohmann::json LoadVersioned(const std::string& path, int version) {
  auto j = nlohmann::json::parse(ReadFileOr(path), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != version) return nlohmann::json::object();
  return j;
}
}  // namespace

Durations LoadDurations(const std::string& path) {
  Durations d;
  auto j = LoadVersioned(path, kDurationsRecordVersion);
  for (const char* mode : {"plan", "apply"}) {
    if (!j.contains(mode) || !j[mode].is_object()) continue;
    for (const auto& [id, v] : j[mode].items())
      if (v.is_number()) d[mode][id] = v.get<double>();
  }
  return d;
}

bool SaveDurations(const std::string& path, const Durations& d) {
  nlohmann::json j = {{"version", kDurationsRecordVersion}};
  for (const auto& [mode, units] : d) j[mode] = units;
  return WriteFileAtomic(path, j.dump(1) + "\n");
}

Applied LoadApplied(const std::string& path) {
  Applied a;
  auto j = LoadVersioned(path, kAppliedRecordVersion);
  if (!j.contains("units") || !j["units"].is_object()) return a;
  for (const auto& [id, u] : j["units"].items()) {
    if (!u.is_object() || !u.contains("hash") || !u["hash"].is_string()) continue;
    AppliedUnit au{u["hash"].get<std::string>(), {}};
    if (u.contains("dependencies") && u["dependencies"].is_array())
      for (const auto& d : u["dependencies"])
        if (d.is_string()) au.dependencies.push_back(d.get<std::string>());
    a[id] = std::move(au);
  }
  return a;
}

bool SaveApplied(const std::string& path, const Applied& a) {
  nlohmann::json us = nlohmann::json::object();
  for (const auto& [id, u] : a) us[id] = {{"hash", u.hash}, {"dependencies", u.dependencies}};
  nlohmann::json j = {{"version", kAppliedRecordVersion}, {"units", us}};
  return WriteFileAtomic(path, j.dump(2) + "\n");
}

}  // namespace eurus::run
