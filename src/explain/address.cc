#include "explain/address.h"

#include <fmt/format.h>

#include <algorithm>

#include "diag/diagnostic.h"
#include "explain/origin.h"
#include "explain/text.h"

namespace eurus::explain {

namespace {

using OJ = nlohmann::ordered_json;

/// "  --> tenants/shop.yaml:15:3" and the source line under it, like a diagnostic's snippet.
std::string Snippet(const SourceMap& sources, Span span) {
  if (!span.valid()) return "    (not written in a configuration file: a default)\n";
  LineCol lc = sources.Locate(span.file, span.begin);
  std::string num = std::to_string(lc.line);
  std::string pad(num.size(), ' ');
  std::string text(sources.Line(span.file, lc.line));
  return fmt::format("    --> {}:{}:{}\n    {} |\n    {} | {}\n", sources.path(span.file), lc.line, lc.column, pad, num,
                     text);
}

OJ SpanJson(const SourceMap& sources, Span span) {
  if (!span.valid()) return OJ();
  LineCol lc = sources.Locate(span.file, span.begin);
  return {{"file", sources.path(span.file)}, {"line", lc.line}, {"column", lc.column},
          {"text", std::string(sources.Line(span.file, lc.line))}};
}

/// The block's scalar arguments (and lists of scalars), for "key attributes"; JSON documents
/// and long values are summarized.
OJ KeyAttributes(const nlohmann::json& body) {
  OJ out = OJ::object();
  for (const auto& [k, v] : body.items()) {
    if (k == "//" || k == "tags" || k == "depends_on" || k == "lifecycle") continue;
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      out[k] = (s.starts_with("{") || s.starts_with("[")) && s.size() > 60
                   ? fmt::format("(a JSON document of {} bytes)", s.size())
                   : s;
    } else if (v.is_number() || v.is_boolean()) {
      out[k] = v;
    } else if (v.is_array() && !v.empty() && v.size() <= 8 && std::all_of(v.begin(), v.end(), [](const auto& x) {
                 return x.is_string() || x.is_number();
               })) {
      out[k] = v;
    } else if ((v.is_array() || v.is_object()) && !v.empty() && v.dump().size() <= 100) {
      out[k] = v;  // small nested blocks: a listener rule's conditions, a service's network
    }
  }
  return out;
}

std::string RenderAttributes(const OJ& attrs) {
  std::string out;
  for (const auto& [k, v] : attrs.items()) {
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    std::string line = fmt::format("    {} = {}", k, value);
    if (line.size() > kWidth) line = line.substr(0, kWidth - 3) + "...";
    out += line + "\n";
  }
  return out;
}

const tf::Unit* FindUnit(const std::vector<tf::Unit>& units, const std::string& id) {
  for (const auto& u : units)
    if (u.id() == id) return &u;
  return nullptr;
}

/// Not ok: `message` about `given`, the bytes [at, at + given.size()) of the address.
AddressReport Fail(std::string message, const std::string& given, size_t at, const std::vector<std::string>& names) {
  AddressReport r;
  r.suggestion = ClosestMatch(given, names);
  r.error = std::move(message);
  r.error_at = at;
  r.error_len = std::max<size_t>(given.size(), 1);
  return r;
}

AddressReport ExplainUnit(const Scope& s, const SourceMap& sources) {
  const tf::Unit& u = *s.unit;
  AddressReport r;
  r.ok = true;
  Span span = UnitSpan(s);
  std::string why = UnitReason(s);
  std::string account = s.env ? fmt::format("account {} ({})", u.account(), s.env->account) : "account " + u.account();
  r.text = fmt::format("{}: a unit in {}\n{}  from:\n{}", u.id(), account, Wrap("  why:", Words(why), 7, " "),
                       Snippet(sources, span));
  std::vector<std::string> sources_list(u.sources.begin(), u.sources.end());
  std::vector<std::string> deps(u.dependencies.begin(), u.dependencies.end());
  r.text += fmt::format("  made from: {}\n  applied after: {}\n",
                        sources_list.empty() ? "eurus.yaml" : fmt::format("{}", fmt::join(sources_list, ", ")),
                        deps.empty() ? "nothing" : fmt::format("{}", fmt::join(deps, ", ")));
  OJ counts = OJ::object();
  std::string line = fmt::format("  resources ({}):", u.resource_count());
  for (const auto& [type, n] : u.ResourceCounts()) {
    std::string item = fmt::format(" {} {},", n, type);
    if (line.size() + item.size() > kWidth) {
      r.text += line + "\n";
      line = "   ";
    }
    line += item;
    counts[type] = n;
  }
  if (line.ends_with(",")) line.pop_back();
  r.text += line + "\n";
  r.text += fmt::format("  `eurus explain {}/TYPE.NAME` explains one of them\n", u.id());
  r.json = {{"address", u.id()}, {"unit", u.id()}, {"why", why}, {"from", SpanJson(sources, span)},
            {"sources", sources_list}, {"dependencies", deps}, {"resources", counts}};
  return r;
}

}  // namespace

AddressReport ExplainAddress(const model::Org& org, const config::Project* project, const SourceMap& sources,
                             const std::vector<tf::Unit>& units, const std::string& address) {
  // account/unit, then /type.name or :type.name.
  size_t first = address.find('/');
  size_t cut = first == std::string::npos ? std::string::npos : address.find_first_of("/:", first + 1);
  std::string unit_id = address.substr(0, cut);
  std::string resource = cut == std::string::npos ? "" : address.substr(cut + 1);
  const tf::Unit* unit = FindUnit(units, unit_id);
  if (!unit) {
    std::vector<std::string> ids;
    for (const auto& u : units) ids.push_back(u.id());
    return Fail(fmt::format("no unit `{}`", unit_id), unit_id, 0, ids);
  }
  Scope s = ScopeOf(org, project, *unit);
  if (resource.empty()) return ExplainUnit(s, sources);
  size_t dot = resource.find('.');
  std::string type = resource.substr(0, dot);
  std::string name = dot == std::string::npos ? "" : resource.substr(dot + 1);
  if (!unit->resources().contains(type) || !unit->resources()[type].contains(name)) {
    std::vector<std::string> addresses;
    for (const auto& [t, blocks] : unit->resources().items())
      for (const auto& [n, body] : blocks.items()) addresses.push_back(t + "." + n);
    return Fail(fmt::format("no resource `{}` in unit `{}`", resource, unit_id), resource, cut + 1, addresses);
  }
  AddressReport r;
  auto origin = OriginOf(s, type, name);
  if (!origin) {
    r.error = fmt::format("eurus has no explanation for {}.{} (a bug in eurus: please report it)", type, name);
    return r;
  }
  const nlohmann::json& body = unit->resources()[type][name];
  OJ attrs = KeyAttributes(body);
  r.ok = true;
  r.text = fmt::format("{}/{}.{}\n{}  from: {}\n{}", unit_id, type, name, Wrap("  what:", Words(origin->reason), 8, " "),
                       origin->from, Snippet(sources, origin->span));
  if (body.contains("//")) r.text += fmt::format("  origin comment in main.tf.json: {}\n", body["//"].get<std::string>());
  r.text += "  key attributes:\n" + RenderAttributes(attrs);
  r.json = {{"address", fmt::format("{}/{}.{}", unit_id, type, name)},
            {"unit", unit_id},
            {"type", type},
            {"name", name},
            {"why", origin->reason},
            {"from", {{"object", origin->from}, {"span", SpanJson(sources, origin->span)}}},
            {"attributes", attrs}};
  return r;
}

std::string LocatedError(const std::string& message, const std::vector<std::string>& args, size_t word, size_t at,
                         size_t len, const std::string& suggestion) {
  std::string line = "eurus", under;
  for (size_t i = 0; i < args.size(); ++i) {
    line += " ";
    if (i == word) under = std::string(line.size() + at, ' ') + std::string(len, '^');
    line += args[i];
  }
  std::string out = fmt::format("error: {}\n --> {}\n", message, line);
  if (!under.empty())
    out += fmt::format("     {}{}\n", under, suggestion.empty() ? "" : fmt::format(" did you mean `{}`?", suggestion));
  else if (!suggestion.empty())
    out += fmt::format("  did you mean `{}`?\n", suggestion);
  return out;
}

}  // namespace eurus::explain
