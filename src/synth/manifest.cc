#include "synth/manifest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

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

namespace {

constexpr std::string_view kUnitsOpen = "\n  \"units\": {";
constexpr std::string_view kEntryIndent = "    \"";
constexpr std::string_view kEntryEnd = "\n    }";

/// The string value of `"<key>": "<value>"` on one of the entry's own lines (indent 6);
/// nullopt when there is none or it holds an escape.
std::optional<std::string> Field(std::string_view entry, std::string_view key) {
  const std::string needle = "\n      \"" + std::string(key) + "\": ";
  size_t at = entry.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  size_t v = at + needle.size();
  size_t eol = entry.find('\n', v);
  std::string_view value = entry.substr(v, eol == std::string_view::npos ? std::string_view::npos : eol - v);
  if (!value.empty() && value.back() == ',') value.remove_suffix(1);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
    if (value.find('\\') != std::string_view::npos || value.find('"') != std::string_view::npos) return std::nullopt;
  }
  return std::string(value);
}

/// The entries of the "units" object of a manifest as ManifestJson lays it out (tf::Dump,
/// two-space indent), in order: (id, text from the opening quote to the closing brace);
/// `begin` and `end` bound the object's body (after its `{`, at its closing `}` line).
struct UnitsObject {
  std::vector<std::pair<std::string, std::string_view>> entries;
  size_t begin = 0, end = 0;
};

std::optional<UnitsObject> FindUnits(std::string_view text) {
  UnitsObject out;
  size_t at = text.find(kUnitsOpen);
  if (at == std::string_view::npos) return std::nullopt;
  out.begin = at + kUnitsOpen.size();
  if (text.substr(out.begin, 1) == "}") {  // "units": {}
    out.end = out.begin;
    return out;
  }
  size_t pos = out.begin;
  while (true) {
    // "\n    \"<id>\": {" ... "\n    }" then "," or the object's "\n  }".
    if (text.substr(pos, 1) != "\n" || text.substr(pos + 1, kEntryIndent.size()) != kEntryIndent) return std::nullopt;
    const size_t start = pos + 1 + kEntryIndent.size() - 1;  // the opening quote
    const size_t close = text.find('"', start + 1);
    if (close == std::string_view::npos || text.substr(close, 4) != "\": {") return std::nullopt;
    std::string id(text.substr(start + 1, close - start - 1));
    if (id.find('\\') != std::string::npos) return std::nullopt;
    const size_t end = text.find(kEntryEnd, close);
    if (end == std::string_view::npos) return std::nullopt;
    const size_t stop = end + kEntryEnd.size();
    out.entries.emplace_back(std::move(id), text.substr(start, stop - start));
    if (text.substr(stop, 1) == ",") {
      pos = stop + 1;
      continue;
    }
    if (text.substr(stop, 4) != "\n  }") return std::nullopt;
    out.end = stop;
    return out;
  }
}

}  // namespace

std::optional<std::map<std::string, ManifestEntry>> ScanManifest(std::string_view text) {
  auto units = FindUnits(text);
  if (!units) return std::nullopt;
  std::map<std::string, ManifestEntry> out;
  for (const auto& [id, entry] : units->entries) {
    ManifestEntry e;
    e.text = std::string(entry);
    auto account = Field(entry, "account"), hash = Field(entry, "hash"), resources = Field(entry, "resources");
    if (!account || !hash || !resources) return std::nullopt;
    e.account = std::move(*account);
    e.hash = std::move(*hash);
    e.inputs = Field(entry, "inputs").value_or("");
    auto [p, ec] = std::from_chars(resources->data(), resources->data() + resources->size(), e.resources);
    if (ec != std::errc() || p != resources->data() + resources->size()) return std::nullopt;
    if (!out.emplace(id, std::move(e)).second) return std::nullopt;
  }
  return out;
}

std::string ManifestJson(const std::vector<tf::Unit>& units, const std::vector<std::string>& accounts,
                         const std::vector<std::string>& hashes, const std::vector<std::string>& inputs,
                         const std::map<std::string, ManifestEntry>& kept, const nlohmann::json& environments) {
  nlohmann::json m;
  m["version"] = kManifestVersion;
  m["generator"] = std::string("eurus ") + EURUS_VERSION;
  m["pins"] = {{"aws_provider", tf::kAwsProviderVersion}, {"tofu", tf::kTofuVersion}};
  nlohmann::json us = nlohmann::json::object();
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
  std::string text = tf::Dump(m) + "\n";
  if (kept.empty()) return text;
  // The kept entries go in as the previous manifest has them, in id order among the built
  // ones: the same bytes a dump of the whole would give (ScanManifest reads that layout).
  auto built = FindUnits(text);
  if (!built) {
    // Not laid out as FindUnits reads it (an id that needs escaping): the slow way, parsed.
    for (const auto& [id, entry] : kept) m["units"][id] = nlohmann::json::parse("{" + entry.text + "}").at(id);
    return tf::Dump(m) + "\n";
  }
  std::string out(text.substr(0, built->begin));
  out.reserve(text.size() + kept.size() * 512);
  auto b = built->entries.begin();
  auto k = kept.begin();
  bool first = true;
  auto put = [&](std::string_view entry) {
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += entry;
  };
  while (b != built->entries.end() || k != kept.end()) {
    if (k == kept.end() || (b != built->entries.end() && b->first < k->first)) {
      put(b->second);
      ++b;
    } else {
      if (b != built->entries.end() && b->first == k->first)
        throw std::logic_error("ManifestJson: unit `" + k->first + "` is both built and kept");
      put(k->second.text);
      ++k;
    }
  }
  // What follows the last entry: "\n  }" and the rest; from an empty `{}`, its "}" indented.
  if (built->entries.empty()) out += "\n  ";
  out += std::string_view(text).substr(built->end);
  return out;
}

}  // namespace eurus::synth
