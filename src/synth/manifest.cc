#include "synth/manifest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "tf/json_writer.h"
#include "version.h"

namespace eurus::synth {

std::map<std::string, std::string> UnitFiles(const tf::Unit& unit) {
  std::string dir = unit.id() + "/";
  return {{dir + "main.tf.json", unit.MainJson()},
          {dir + "providers.tf.json", unit.ProvidersJson()},
          {dir + "terragrunt.hcl", unit.TerragruntHcl()}};
}

std::map<std::string, std::string> TakeUnitFiles(tf::Unit& unit) {
  std::string dir = unit.id() + "/";
  std::map<std::string, std::string> files = {{dir + "providers.tf.json", unit.ProvidersJson()},
                                              {dir + "terragrunt.hcl", unit.TerragruntHcl()}};
  files.emplace(dir + "main.tf.json", unit.TakeMainJson());
  return files;
}

std::string Digest(const std::vector<std::string_view>& parts) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (std::string_view s : parts) {
    // Length-prefixed, so "ab"+"c" and "a"+"bc" hash differently.
    std::string len = std::to_string(s.size()) + ":";
    EVP_DigestUpdate(ctx, len.data(), len.size());
    EVP_DigestUpdate(ctx, s.data(), s.size());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string ContentHash(const std::map<std::string, std::string>& files) {
  std::vector<std::string_view> parts = {tf::kAwsProviderSource, tf::kAwsProviderVersion, tf::kTofuVersion};
  for (const auto& [name, data] : files) {
    parts.push_back(std::string_view(name).substr(name.rfind('/') + 1));
    parts.push_back(data);
  }
  return Digest(parts);
}

bool IsGeneratedName(const std::string& f) {
  return f == "main.tf.json" || f == "providers.tf.json" || f == "terragrunt.hcl" ||
         f == "eurus.manifest.json";
}

std::string ManifestJson(const std::vector<tf::Unit>& units, const std::vector<std::string>& accounts,
                         const std::vector<std::string>& hashes, const std::vector<std::string>& inputs,
                         const std::map<std::string, nlohmann::json>& kept, const nlohmann::json& environments) {
  nlohmann::json m;
  m["version"] = kManifestVersion;
  m["generator"] = std::string("eurus ") + EURUS_VERSION;
  m["pins"] = {{"aws_provider", tf::kAwsProviderVersion}, {"tofu", tf::kTofuVersion}};
  nlohmann::json us = nlohmann::json::object();
  for (const auto& [id, entry] : kept) us[id] = entry;
  for (size_t i = 0; i < units.size(); ++i) {
    const tf::Unit& u = units[i];
    nlohmann::json e = {{"account", accounts[i]},
                        {"dir", u.id()},
                        {"dependencies", u.dependencies},
                        {"hash", hashes[i]},
                        {"sources", u.sources},
                        {"resources", u.resource_count()},
                        {"state", u.backend.local ? "local" : "s3://" + u.backend.bucket + "/" + u.backend.key}};
    if (i < inputs.size() && !inputs[i].empty()) e["inputs"] = inputs[i];
    us[u.id()] = std::move(e);
  }
  m["units"] = std::move(us);
  if (environments.is_object() && !environments.empty()) m["environments"] = environments;
  return tf::Dump(m) + "\n";
}

}  // namespace eurus::synth
