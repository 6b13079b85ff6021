#include "tf/unit.h"

#include <fmt/format.h>

#include <stdexcept>

#include "tf/json_digest.h"
#include "tf/json_writer.h"

namespace eurus::tf {

std::string Ref::Expr(std::string_view attr) const {
  if (kind_ == Kind::kRemoteState)
    throw std::logic_error("use Output() to read a remote state: " + name_);
  return Address() + "." + std::string(attr);
}

std::string Ref::Output(std::string_view name) const {
  if (kind_ != Kind::kRemoteState) throw std::logic_error("Output() on a non-remote-state ref " + Address());
  if (!outputs_ || !outputs_->count(std::string(name)))
    throw std::logic_error(fmt::format("unit {} declares no output `{}`", type_, name));
  return fmt::format("${{data.terraform_remote_state.{}.outputs.{}}}", name_, name);
}

std::string Ref::Address() const {
  switch (kind_) {
    case Kind::kResource: return type_ + "." + name_;
    case Kind::kData: return "data." + type_ + "." + name_;
    case Kind::kVariable: return "var." + name_;
    case Kind::kLocal: return "local." + name_;
    case Kind::kRemoteState: return "data.terraform_remote_state." + name_;
  }
  return {};
}

namespace {

void Insert(Json& table, const std::string& type, const std::string& name, Json body, const Origin& origin,
            const char* what) {
  Json& byname = table[type];
  if (byname.contains(name)) throw std::logic_error(fmt::format("duplicate {} {}.{}", what, type, name));
  if (!origin.empty()) body["//"] = origin;
  byname[name] = std::move(body);
}

/// `cond ? then : otherwise` on whether CI handed a web identity token file.
std::string OnWebIdentity(const std::string& then, const std::string& otherwise) {
  return fmt::format("${{var.{} == \"\" ? {} : {}}}", kTokenFileVariable, otherwise, then);
}

/// An HCL string literal of `s` (which holds no quote or backslash; `${` stays a template).
std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

Json IdentityVariables() {
  return {
      {kRoleVariable,
       {{"type", "string"},
        {"default", "deployer"},
        {"description",
         "The role of the unit's account to work as: deployer (apply) or planner (plan: reads "
         "configuration and state, writes lock files). eurus plan --role sets it."},
        {"validation",
         Json::array({{{"condition", fmt::format("${{contains([\"deployer\", \"planner\"], var.{})}}",
                                                 kRoleVariable)},
                       {"error_message", "eurus_role is deployer or planner."}}})}}},
      {kTokenFileVariable,
       {{"type", "string"},
        {"default", ""},
        {"description",
         "A web identity (OIDC) token file: set, the role is assumed directly with "
         "AssumeRoleWithWebIdentity (CI); empty, with AssumeRole from the caller's credentials."}}}};
}

}  // namespace

void AddAssumeRole(Json& config, const std::string& role_arn, bool identity) {
  if (role_arn.empty()) return;
  if (!identity) {
    config["assume_role"] = {{"role_arn", role_arn}};
    return;
  }
  std::string plain = fmt::format("{{role_arn = {}, session_name = {}}}", Quoted(role_arn), Quoted(kSessionName));
  std::string web = fmt::format("{{role_arn = {}, session_name = {}, web_identity_token_file = var.{}, duration = {}}}",
                                Quoted(role_arn), Quoted(kSessionName), kTokenFileVariable,
                                Quoted(kWebIdentityDuration));
  config["assume_role"] = OnWebIdentity("null", plain);
  config["assume_role_with_web_identity"] = OnWebIdentity(web, "null");
}

bool Unit::uses_identity() const {
  if (backend.identity && !backend.local) return true;
  for (const auto& p : providers)
    if (p.identity) return true;
  return false;
}

Ref Unit::Resource(const std::string& type, const std::string& name, Json body, const Origin& origin) {
  Insert(resources_, type, name, std::move(body), origin, "resource");
  return Ref(Ref::Kind::kResource, type, name);
}

Ref Unit::Data(const std::string& type, const std::string& name, Json body, const Origin& origin) {
  Insert(data_, type, name, std::move(body), origin, "data source");
  return Ref(Ref::Kind::kData, type, name);
}

Ref Unit::Variable(const std::string& name, Json body) {
  if (variables_.contains(name)) throw std::logic_error("duplicate variable " + name);
  variables_[name] = std::move(body);
  return Ref(Ref::Kind::kVariable, "", name);
}

Ref Unit::Local(const std::string& name, Json value) {
  if (locals_.contains(name)) throw std::logic_error("duplicate local " + name);
  locals_[name] = std::move(value);
  return Ref(Ref::Kind::kLocal, "", name);
}

void Unit::Output(const std::string& name, Json value, const std::string& description, bool sensitive) {
  if (outputs_json_.contains(name)) throw std::logic_error("duplicate output " + name);
  Json o = {{"value", std::move(value)}, {"description", description}};
  if (sensitive) o["sensitive"] = true;
  outputs_json_[name] = std::move(o);
  outputs_->insert(name);
}

Ref Unit::RemoteState(const Unit& upstream, const Backend& b) {
  std::string name = upstream.name();
  for (char& c : name)
    if (c == '-') c = '_';
  Json config = {{"bucket", b.bucket}, {"key", b.key}, {"region", b.region}};
  AddAssumeRole(config, b.role_arn, b.identity);
  // A second pass reading the same upstream shares the data source.
  const bool again = data_.contains("terraform_remote_state") && data_["terraform_remote_state"].contains(name) &&
                     data_["terraform_remote_state"][name].value("config", Json()) == config;
  if (!again)
    Insert(data_, "terraform_remote_state", name, {{"backend", "s3"}, {"config", config}},
           "reads " + upstream.id(), "data source");
  dependencies.insert(upstream.id());
  Ref r(Ref::Kind::kRemoteState, upstream.id(), name);
  r.outputs_ = upstream.outputs_;
  return r;
}

Json& Unit::Body(const Ref& ref) {
  Json& table = ref.kind_ == Ref::Kind::kData ? data_ : resources_;
  return table.at(ref.type()).at(ref.name());
}

bool Unit::Has(const std::string& type, const std::string& name) const {
  return resources_.contains(type) && resources_.at(type).contains(name);
}

Ref Unit::Existing(const std::string& type, const std::string& name) const {
  if (!Has(type, name)) throw std::logic_error(fmt::format("unit {} declares no {}.{}", id(), type, name));
  return Ref(Ref::Kind::kResource, type, name);
}

void Unit::Compact() {
  counts_ = ResourceCounts();
  resources_ = data_ = variables_ = locals_ = outputs_json_ = Json::object();
}

std::map<std::string, int> Unit::ResourceCounts() const {
  if (counts_) return *counts_;
  std::map<std::string, int> out;
  for (const auto& [type, byname] : resources_.items()) out[type] = static_cast<int>(byname.size());
  return out;
}

size_t Unit::resource_count() const {
  size_t n = 0;
  if (counts_) {
    for (const auto& [type, k] : *counts_) n += static_cast<size_t>(k);
    return n;
  }
  for (const auto& [type, byname] : resources_.items()) n += byname.size();
  return n;
}

namespace {

/// The main.tf.json document of a unit from its parts (moved or copied in by the caller).
/// Unit::Digest feeds the same parts: keep the two together.
Json MainDocument(const std::string& id, Json resources, Json data, Json variables, bool identity, Json locals,
                  Json outputs) {
  Json doc = Json::object();
  doc["//"] = fmt::format("generated by eurus for unit {}; do not edit", id);
  if (!resources.empty()) doc["resource"] = std::move(resources);
  if (!data.empty()) doc["data"] = std::move(data);
  if (identity) variables.update(IdentityVariables());
  if (!variables.empty()) doc["variable"] = std::move(variables);
  if (!locals.empty()) doc["locals"] = std::move(locals);
  if (!outputs.empty()) doc["output"] = std::move(outputs);
  return doc;
}

}  // namespace

std::string Unit::MainJson() const {
  return Dump(MainDocument(id(), resources_, data_, variables_, uses_identity(), locals_, outputs_json_)) + "\n";
}

std::string Unit::TakeMainJson() {
  const bool identity = uses_identity();
  counts_ = ResourceCounts();
  Json doc = MainDocument(id(), std::move(resources_), std::move(data_), std::move(variables_), identity,
                          std::move(locals_), std::move(outputs_json_));
  resources_ = data_ = variables_ = locals_ = outputs_json_ = Json::object();
  return Dump(doc) + "\n";
}

std::string Unit::Digest() const {
  JsonDigest d;
  d.Add(std::string_view(id()));
  d.Add(resources_);
  d.Add(data_);
  d.Add(variables_);
  d.Add(std::string_view(uses_identity() ? "identity" : "-"));
  d.Add(locals_);
  d.Add(outputs_json_);
  // The other two files are small: their text stands for them.
  d.Add(std::string_view(ProvidersJson()));
  d.Add(std::string_view(TerragruntHcl()));
  return d.Finish();
}

std::string Unit::ProvidersJson() const {
  Json tf = {{"required_version", kTofuVersion},
             {"required_providers", {{"aws", {{"source", kAwsProviderSource}, {"version", kAwsProviderVersion}}}}}};
  if (backend.local) {
    tf["backend"] = {{"local", {{"path", "terraform.tfstate"}}}};
  } else {
    Json s3 = {{"bucket", backend.bucket}, {"key", backend.key}, {"region", backend.region},
               {"encrypt", true}, {"use_lockfile", true}};
    AddAssumeRole(s3, backend.role_arn, backend.identity);
    // Without kms_key_id the backend writes state with SSE-S3, overriding the bucket's KMS default.
    if (!backend.kms_key_id.empty()) s3["kms_key_id"] = backend.kms_key_id;
    tf["backend"] = {{"s3", s3}};
  }
  Json aws = Json::array();
  for (const auto& p : providers) {
    Json c = {{"region", p.region}};
    if (!p.alias.empty()) c["alias"] = p.alias;
    if (!p.account.empty()) c["allowed_account_ids"] = {p.account};
    if (p.identity) {
      // Exactly one of the two blocks exists at run time (see kTokenFileVariable).
      auto count = [](bool web) {
        return fmt::format("${{range(var.{} == \"\" ? {} : {})}}", kTokenFileVariable, web ? 0 : 1, web ? 1 : 0);
      };
      c["dynamic"] = {
          {"assume_role",
           {{"for_each", count(false)},
            {"content", {{"role_arn", p.role_arn}, {"session_name", kSessionName}}}}},
          {"assume_role_with_web_identity",
           {{"for_each", count(true)},
            {"content",
             {{"role_arn", p.role_arn},
              {"session_name", kSessionName},
              {"web_identity_token_file", fmt::format("${{var.{}}}", kTokenFileVariable)},
              {"duration", kWebIdentityDuration}}}}}};
    } else if (!p.role_arn.empty()) {
      c["assume_role"] = Json::array({{{"role_arn", p.role_arn}, {"session_name", kSessionName}}});
    }
    if (!p.default_tags.empty()) c["default_tags"] = Json::array({{{"tags", p.default_tags}}});
    aws.push_back(std::move(c));
  }
  Json doc = {{"//", fmt::format("generated by eurus for unit {}; do not edit", id())},
              {"terraform", tf}, {"provider", {{"aws", aws}}}};
  return Dump(doc) + "\n";
}

std::string Unit::TerragruntHcl() const {
  std::string out = fmt::format("# generated by eurus for unit {}; do not edit\n", id());
  out += "dependencies {\n  paths = [";
  bool first = true;
  for (const auto& d : dependencies) {
    out += fmt::format("{}\"../../{}\"", first ? "" : ", ", d);
    first = false;
  }
  out += "]\n}\n";
  return out;
}

}  // namespace eurus::tf
