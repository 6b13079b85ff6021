#include "check/policy.h"

// The public side of `eurus policy`: the context (from the model, from a manifest, from a
// tree), the units as the rules read them, and the tree check of `eurus validate`. The
// rules themselves are in policy/ (rules.h), CheckPolicy in policy/walk.cc.

#include <deque>
#include <set>

#include "check/policy/body.h"
#include "check/policy/index.h"
#include "synth/synth.h"

namespace eurus::check {

using policy::AccountOf;
using policy::At;
using policy::EmptyObject;
using policy::Number;
using policy::Str;
using nlohmann::json;

namespace {

/// Adds, for accounts whose AZ count is unknown, the distinct availability zones of their
/// subnets across the tree (the network unit and the tenant units place one per AZ).
void AzsFromTree(const std::vector<PolicyUnit>& units, PolicyContext* ctx) {
  std::map<std::string, std::set<std::string>> azs;
  for (const auto& unit : units) {
    if (!unit.resources || !unit.resources->is_object()) continue;
    auto it = unit.resources->find("aws_subnet");
    if (it == unit.resources->end() || !it->is_object()) continue;
    for (const auto& [n, body] : it->items())
      if (const std::string* az = Str(At(body, "availability_zone")))
        azs[AccountOf(unit, body)].insert(*az);
  }
  for (const auto& [account, set] : azs) {
    if (account.empty()) continue;
    AccountPolicy& a = ctx->accounts[account];
    if (!a.azs) a.azs = static_cast<int>(set.size());
  }
  // Names for messages: the environment tag of the account's providers.
  for (const auto& unit : units) {
    for (const auto& p : unit.providers) {
      auto it = ctx->accounts.find(p.account);
      auto env = p.default_tags.find(synth::tags::kEnvironment);
      if (it != ctx->accounts.end() && it->second.environment.empty() &&
          env != p.default_tags.end())
        it->second.environment = env->second;
    }
  }
}

ProviderConfig ProviderFromJson(const json& c) {
  ProviderConfig p;
  if (const std::string* a = Str(At(c, "alias"))) p.alias = *a;
  if (const std::string* r = Str(At(c, "region"))) p.region = *r;
  if (const json* ids = At(c, "allowed_account_ids");
      ids && ids->is_array() && !ids->empty() && (*ids)[0].is_string())
    p.account = (*ids)[0].get<std::string>();
  if (const json* tags = At(c, "default_tags.tags"); tags && tags->is_object())
    for (const auto& [k, v] : tags->items())
      if (v.is_string()) p.default_tags[k] = v.get<std::string>();
  return p;
}

}  // namespace

PolicyContext ContextFromOrg(const model::Org& org) {
  PolicyContext ctx;
  for (const auto& r : org.realms) {
    AccountPolicy a;
    a.environment = synth::CommonDir(r.kind);
    a.deletion_protection = r.kind == model::RealmKind::kProd;
    ctx.accounts[r.common_account] = a;
  }
  for (const auto& e : org.environments) {
    AccountPolicy a;
    a.environment = e.name;
    a.azs = static_cast<int>(e.network.azs.size());
    a.rpo_hours = e.rpo_hours;
    a.deletion_protection = e.protection;
    if (e.network.endpoints_one_zone) a.endpoint_azs = 1;
    ctx.accounts[e.account] = a;
  }
  return ctx;
}

void ContextFromManifest(const json& manifest, PolicyContext* ctx) {
  if (!manifest.is_object()) return;
  auto envs = manifest.find("environments");
  if (envs == manifest.end() || !envs->is_object()) return;
  for (const auto& [name, e] : envs->items()) {
    const std::string* account = Str(At(e, "account"));
    if (!account || ctx->accounts.count(*account)) continue;
    AccountPolicy a;
    a.environment = name;
    if (auto n = Number(At(e, "azs"))) a.azs = static_cast<int>(*n);
    if (auto n = Number(At(e, "rpo_hours"))) a.rpo_hours = static_cast<int>(*n);
    if (const json* p = At(e, "deletion_protection"); p && p->is_boolean())
      a.deletion_protection = p->get<bool>();
    if (auto n = Number(At(e, "endpoint_azs"))) a.endpoint_azs = static_cast<int>(*n);
    ctx->accounts[*account] = a;
  }
}

PolicyUnit FromUnit(const tf::Unit& unit) {
  PolicyUnit p;
  p.id = unit.id();
  p.resources = &unit.resources();
  p.data = &unit.data();
  p.locals = &unit.locals();
  p.outputs = &unit.output_blocks();
  for (const auto& pr : unit.providers)
    p.providers.push_back({pr.alias, pr.account, pr.region, pr.default_tags});
  if (!unit.backend.local) p.state = unit.backend.bucket + "/" + unit.backend.key;
  return p;
}

PolicyUnit FromDocuments(std::string id, const json& main, const json& providers) {
  PolicyUnit p;
  p.id = std::move(id);
  auto section = [&](const char* key) -> const json* {
    if (!main.is_object()) return &EmptyObject();
    auto it = main.find(key);
    return it != main.end() && it->is_object() ? &*it : &EmptyObject();
  };
  p.resources = section("resource");
  p.data = section("data");
  p.locals = section("locals");
  p.outputs = section("output");
  if (const json* aws = providers.is_object() ? At(providers, "provider") : nullptr) {
    if (aws->is_object() && aws->contains("aws")) {
      const json& configs = (*aws)["aws"];
      if (configs.is_array()) {
        for (const auto& c : configs)
          if (c.is_object()) p.providers.push_back(ProviderFromJson(c));
      } else if (configs.is_object()) {
        p.providers.push_back(ProviderFromJson(configs));
      }
    }
  }
  if (providers.is_object()) {
    const std::string* bucket = Str(At(providers, "terraform.backend.s3.bucket"));
    const std::string* key = Str(At(providers, "terraform.backend.s3.key"));
    if (bucket && key) p.state = *bucket + "/" + *key;
  }
  return p;
}

PolicyStats CheckTree(FileSystem& fs, const std::string& out_dir, const SourceMap& sources,
                      PolicyContext ctx, Diagnostics& diags) {
  const std::string prefix = JoinPath(out_dir, "");
  auto ends = [](const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::map<std::string, std::pair<FileId, FileId>> dirs;  // unit id → main, providers
  for (FileId i = 0; i < sources.size(); ++i) {
    const std::string& p = sources.path(i);
    if (p.compare(0, prefix.size(), prefix) != 0) continue;
    for (std::string_view file : {"/main.tf.json", "/providers.tf.json"}) {
      if (!ends(p, file)) continue;
      std::string id = p.substr(prefix.size(), p.size() - prefix.size() - file.size());
      auto& slot = dirs.try_emplace(id, kNoFile, kNoFile).first->second;
      (file == "/main.tf.json" ? slot.first : slot.second) = i;
    }
  }
  std::deque<json> docs;  // stable addresses for the PolicyUnits
  std::vector<PolicyUnit> units;
  for (const auto& [id, files] : dirs) {
    if (files.first == kNoFile) continue;
    json& main = docs.emplace_back(json::parse(sources.text(files.first), nullptr, false));
    json& prov = docs.emplace_back(files.second == kNoFile
                                       ? json::object()
                                       : json::parse(sources.text(files.second), nullptr, false));
    if (main.is_discarded() || prov.is_discarded()) continue;
    PolicyUnit u = FromDocuments(id, main, prov);
    u.sources = &sources;
    u.main_file = files.first;
    u.providers_file = files.second;
    units.push_back(std::move(u));
  }
  std::string err;
  if (auto text = fs.Read(JoinPath(out_dir, "eurus.manifest.json"), &err)) {
    json manifest = json::parse(*text, nullptr, false);
    if (!manifest.is_discarded()) ContextFromManifest(manifest, &ctx);
  }
  AzsFromTree(units, &ctx);
  return CheckPolicy(units, ctx, nullptr, diags);
}

}  // namespace eurus::check
