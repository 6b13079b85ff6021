#include "check/policy/index.h"

#include <algorithm>
#include <unordered_map>

#include "synth/synth.h"

namespace eurus::check::policy {

const char* const kRequiredTags[3] = {synth::tags::kEnvironment, synth::tags::kTenant,
                                      synth::tags::kCostCenter};

namespace {

/// Which unit writes its state where ("bucket/key"): how remote states find their unit.
std::unordered_map<std::string, size_t> StateIndex(const std::vector<PolicyUnit>& units) {
  std::unordered_map<std::string, size_t> by_state;
  for (size_t u = 0; u < units.size(); ++u)
    if (!units[u].state.empty()) by_state.emplace(units[u].state, u);
  return by_state;
}

void IndexUnits(const std::vector<PolicyUnit>& units,
                const std::unordered_map<std::string, size_t>& by_state,
                std::vector<UnitInfo>& info, size_t begin, size_t end) {
  static const std::string kTenant = synth::tags::kTenant;
  static const std::vector<std::string> kRequired(std::begin(kRequiredTags),
                                                  std::end(kRequiredTags));
  for (size_t u = begin; u < end; ++u) {
    const PolicyUnit& unit = units[u];
    for (const auto& p : unit.providers) {
      bool all = true;
      for (const std::string& key : kRequired) {
        auto it = p.default_tags.find(key);
        all = all && it != p.default_tags.end() && !it->second.empty();
      }
      info[u].tagged.push_back(all);
      if (!p.alias.empty() && !info[u].tenant.empty()) continue;
      auto t = p.default_tags.find(kTenant);
      if (t != p.default_tags.end()) info[u].tenant = t->second;
    }
    if (!unit.data || !unit.data->is_object()) continue;
    auto rs = unit.data->find("terraform_remote_state");
    if (rs == unit.data->end() || !rs->is_object()) continue;
    for (const auto& [name, body] : rs->items()) {
      const std::string* bucket = Str(At(body, "config.bucket"));
      const std::string* key = Str(At(body, "config.key"));
      if (!bucket || !key) continue;
      auto it = by_state.find(*bucket + "/" + *key);
      if (it != by_state.end()) info[u].remote[name] = it->second;
    }
  }
}

/// One step of a traversal: `.name`, or an index `["key"]` / `[0]`.
struct Step {
  std::string name;
  bool index = false;
};

/// A string that is exactly one `${traversal}`; nullopt for anything else (function calls,
/// templates with text around the interpolation, ...).
std::optional<std::vector<Step>> WholeTraversal(const std::string& s) {
  if (s.size() < 4 || s[0] != '$' || s[1] != '{' || s.back() != '}') return std::nullopt;
  std::string_view in(s.data() + 2, s.size() - 3);
  std::vector<Step> out;
  size_t i = 0;
  auto ident = [&](size_t& j) {
    size_t b = j;
    while (j < in.size() &&
           (std::isalnum(static_cast<unsigned char>(in[j])) || in[j] == '_' || in[j] == '-'))
      ++j;
    return std::string(in.substr(b, j - b));
  };
  while (i < in.size() && in[i] == ' ') ++i;
  std::string first = ident(i);
  if (first.empty()) return std::nullopt;
  out.push_back({first, false});
  while (i < in.size() && in[i] != ' ') {
    if (in[i] == '.') {
      ++i;
      std::string n = ident(i);
      if (n.empty()) return std::nullopt;
      out.push_back({n, false});
    } else if (in[i] == '[') {
      ++i;
      std::string key;
      if (i < in.size() && in[i] == '"') {
        ++i;
        while (i < in.size() && in[i] != '"') key += in[i++];
        if (i >= in.size()) return std::nullopt;
        ++i;
      } else {
        while (i < in.size() && std::isdigit(static_cast<unsigned char>(in[i]))) key += in[i++];
        if (key.empty()) return std::nullopt;
      }
      if (i >= in.size() || in[i] != ']') return std::nullopt;
      ++i;
      out.push_back({key, true});
    } else {
      return std::nullopt;
    }
  }
  while (i < in.size() && in[i] == ' ') ++i;
  if (i != in.size()) return std::nullopt;
  return out;
}

constexpr std::string_view kNoDeclaration[] = {"var",  "module", "each",     "count",
                                               "path", "self",   "terraform"};

}  // namespace

Index::Index(const std::vector<PolicyUnit>& units_in, const PolicyContext& policy_in,
             size_t threads)
    : units(units_in), policy(policy_in), info(units_in.size()) {
  const auto by_state = StateIndex(units);
  Parallel(threads, units.size(), [&](size_t begin, size_t end, size_t) {
    IndexUnits(units, by_state, info, begin, end);
  });
}

bool SharedTenant(const std::string& tenant) {
  return tenant.empty() || tenant == synth::tags::kPlatform;
}

const AccountPolicy* Account(const Index& ix, const std::string& account) {
  auto it = ix.policy.accounts.find(account);
  return it == ix.policy.accounts.end() ? nullptr : &it->second;
}

const ProviderConfig* ProviderFor(const PolicyUnit& unit, const json* provider) {
  std::string_view alias;
  if (const std::string* p = Str(provider); p && p->rfind("aws.", 0) == 0)
    alias = std::string_view(*p).substr(4);
  for (const auto& c : unit.providers)
    if (c.alias == alias) return &c;
  return nullptr;
}

const ProviderConfig* ProviderOf(const PolicyUnit& unit, const json& body) {
  return ProviderFor(unit, body.is_object() ? At(body, "provider") : nullptr);
}

std::string AccountOf(const PolicyUnit& unit, const json& body) {
  if (const ProviderConfig* p = ProviderOf(unit, body)) return p->account;
  return {};
}

void Resolve(const Index& ix, size_t u, const json& v, std::vector<Target>& out, int depth) {
  if (depth > 8) {
    out.push_back({});
    return;
  }
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return;
    case json::value_t::array:
      for (const auto& e : v) Resolve(ix, u, e, out, depth);
      return;
    case json::value_t::object:
      for (const auto& [k, e] : v.items()) Resolve(ix, u, e, out, depth);
      return;
    case json::value_t::string:
      break;
    default: {
      Target t;
      t.kind = Target::kLiteral;
      t.literal = v.dump();
      out.push_back(std::move(t));
      return;
    }
  }
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find("${") == std::string::npos && s.find("%{") == std::string::npos) {
    Target t;
    t.kind = Target::kLiteral;
    t.literal = s;
    out.push_back(std::move(t));
    return;
  }
  auto steps = WholeTraversal(s);
  if (!steps) {
    out.push_back({});
    return;
  }
  const auto& p = *steps;
  auto follow = [&](size_t unit, const json* value, size_t from) {
    for (size_t i = from; value && i < p.size(); ++i) {
      if (value->is_object()) {
        auto it = value->find(p[i].name);
        value = it == value->end() ? nullptr : &*it;
      } else if (value->is_array() && p[i].index &&
                 std::all_of(p[i].name.begin(), p[i].name.end(), ::isdigit)) {
        size_t k = std::stoul(p[i].name);
        value = k < value->size() ? &(*value)[k] : nullptr;
      } else {
        value = nullptr;
      }
    }
    if (!value) {
      out.push_back({});
      return;
    }
    Resolve(ix, unit, *value, out, depth + 1);
  };
  if (p[0].name == "data" && p.size() >= 3 && p[1].name == "terraform_remote_state") {
    auto it = ix.info[u].remote.find(p[2].name);
    if (p.size() < 5 || p[3].name != "outputs" || it == ix.info[u].remote.end()) {
      out.push_back({});
      return;
    }
    const PolicyUnit& up = ix.units[it->second];
    const json* outs = up.outputs;
    const json* value = nullptr;
    if (outs && outs->is_object()) {
      auto o = outs->find(p[4].name);
      if (o != outs->end() && o->is_object() && o->contains("value")) value = &(*o)["value"];
    }
    follow(it->second, value, 5);
    return;
  }
  if (p[0].name == "local" && p.size() >= 2) {
    const json* value = nullptr;
    if (ix.units[u].locals && ix.units[u].locals->is_object()) {
      auto it = ix.units[u].locals->find(p[1].name);
      if (it != ix.units[u].locals->end()) value = &*it;
    }
    follow(u, value, 2);
    return;
  }
  for (std::string_view root : kNoDeclaration) {
    if (p[0].name == root) {
      out.push_back({});
      return;
    }
  }
  Target t;
  t.kind = Target::kRef;
  t.unit = u;
  size_t at = 0;
  if (p[0].name == "data") {
    if (p.size() < 3) {
      out.push_back({});
      return;
    }
    t.type = "data." + p[1].name;
    at = 1;
  } else {
    if (p.size() < 2 || p[1].index) {
      out.push_back({});
      return;
    }
    t.type = p[0].name;
  }
  t.name = p[at + 1].name;
  for (size_t i = at + 2; i < p.size(); ++i) {
    if (!p[i].index) {
      t.attr = p[i].name;
      break;
    }
  }
  out.push_back(std::move(t));
}

std::vector<Target> Resolve(const Index& ix, size_t u, const json* v) {
  std::vector<Target> out;
  if (v) Resolve(ix, u, *v, out);
  return out;
}

const json* BodyOf(const Index& ix, const Target& t) {
  if (t.kind != Target::kRef) return nullptr;
  const PolicyUnit& unit = ix.units[t.unit];
  const json* table = unit.resources;
  std::string type = t.type;
  if (type.rfind("data.", 0) == 0) {
    table = unit.data;
    type = type.substr(5);
  }
  if (!table || !table->is_object()) return nullptr;
  auto ty = table->find(type);
  if (ty == table->end() || !ty->is_object()) return nullptr;
  auto it = ty->find(t.name);
  return it == ty->end() ? nullptr : &*it;
}

bool RefersTo(const Index& ix, size_t from, const json* v, size_t u, const std::string& type,
              const std::string& name, const std::string* literal_name) {
  for (const Target& t : Resolve(ix, from, v)) {
    if (t.Is(u, type, name)) return true;
    if (t.kind == Target::kLiteral && literal_name && t.literal == *literal_name) return true;
  }
  return false;
}

std::vector<const json*> Companions(const Index& ix, size_t u, const std::string& store_type,
                                    const std::string& store_name, const char* type,
                                    const char* arg, const std::string* literal_name) {
  std::vector<const json*> out;
  const json* res = ix.units[u].resources;
  if (!res) return out;
  auto it = res->find(type);
  if (it == res->end() || !it->is_object()) return out;
  for (const auto& [n, body] : it->items())
    if (RefersTo(ix, u, At(body, arg), u, store_type, store_name, literal_name))
      out.push_back(&body);
  return out;
}

}  // namespace eurus::check::policy
