// E0806: every taggable resource carries eurus:environment, eurus:tenant and
// eurus:cost-center: its own tags merged over its provider's default_tags.

#include <fmt/format.h>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

/// True when the unit's providers.tf.json writes `provider.aws` as an array.
bool ProvidersAsArray(const PolicyUnit& unit) {
  if (!unit.sources || unit.providers_file == kNoFile) return false;
  auto r = LocateValue(unit.sources->text(unit.providers_file),
                       {PathStep::Key("provider"), PathStep::Key("aws")});
  return r && unit.sources->text(unit.providers_file)[r->begin] == '[';
}

}  // namespace


void Tags(Context& ctx, size_t u, const Block& b, const json* own, const ProviderConfig* provider,
          TagGaps& gaps) {
  if (own && !own->is_object()) return;  // an expression: cannot tell
  // Fast path: the provider sets every key, and the block blanks none of them.
  if (provider &&
      ctx.ix.info[u].tagged[static_cast<size_t>(provider - ctx.ix.units[u].providers.data())]) {
    bool blank = false;
    if (own)
      for (const auto& [k, v] : own->get_ref<const json::object_t&>())
        blank = blank || (v.is_string() && v.get_ref<const std::string&>().empty() &&
                          k.rfind("eurus:", 0) == 0);
    if (!blank) return;
  }
  // Without a schema, a block that writes no tags may or may not take them: it is counted
  // against its provider's default_tags all the same.
  if (!own && ctx.ix.policy.schema) {
    const TypeSchema* ts = ctx.ix.policy.schema->Resource(b.type);
    if (ts && !ts->block.Find("tags")) return;
  }
  const ProviderConfig* p = provider;
  std::vector<std::string> missing;
  for (const char* key : kRequiredTags) {
    if (own) {
      auto it = own->find(key);
      if (it != own->end() && it->is_string()) {
        if (it->get_ref<const std::string&>().empty()) missing.push_back(key);
        continue;  // its own value wins over the default
      }
    }
    if (p) {
      auto it = p->default_tags.find(key);
      if (it != p->default_tags.end() && !it->second.empty()) continue;
    }
    missing.push_back(key);
  }
  if (missing.empty()) return;
  std::string alias = p ? p->alias : "";
  if (!p) {
    if (const std::string* w = Str(At(b.body, "provider"))) alias = w->substr(w->find('.') + 1);
  }
  TagGap& g = gaps[alias];
  g.missing.insert(missing.begin(), missing.end());
  g.blocks.push_back(Address(b));
  if (!g.first) g.first = &b.body;
}

void ReportTagGaps(Context& ctx, size_t u, const TagGaps& gaps) {
  const PolicyUnit& unit = ctx.ix.units[u];
  for (const auto& [alias, g] : gaps) {
    std::string keys;
    for (const auto& k : g.missing) keys += (keys.empty() ? "" : ", ") + k;
    std::string blocks;
    for (size_t i = 0; i < g.blocks.size() && i < 3; ++i) blocks += (i ? ", " : "") + g.blocks[i];
    if (g.blocks.size() > 3) blocks += fmt::format(" and {} more", g.blocks.size() - 3);
    const std::string provider = alias.empty() ? "aws" : "aws." + alias;
    Diagnostic d =
        Error(codes::kPolicyTags,
              fmt::format(
                  "unit {}: {} lack{} tag{} {} (neither provider {}'s default_tags nor {} "
                  "own tags set {})",
                  unit.id, blocks, g.blocks.size() == 1 ? "s" : "",
                  g.missing.size() == 1 ? "" : "s", keys, provider,
                  g.blocks.size() == 1 ? "its" : "their", g.missing.size() == 1 ? "it" : "them"));
    // Point at the provider when the files are at hand, else at the first block's origin.
    size_t index = 0;
    for (size_t i = 0; i < unit.providers.size(); ++i)
      if (unit.providers[i].alias == alias) index = i;
    const std::string* origin = Str(g.first ? At(*g.first, "//") : nullptr);
    JsonPath path = {PathStep::Key("provider"), PathStep::Key("aws")};
    if (unit.providers.size() > 1 || ProvidersAsArray(unit))
      path.push_back(PathStep::Index(index));
    ctx.findings.Locate(
        d, unit, path, origin,
        ctx.findings.at_origins() ? "blocks generated from here" : "default_tags lack " + keys,
        unit.providers_file, "providers.tf.json");
    d.Help(
        fmt::format("set {} in the default_tags of provider {} (eurus sets them on every "
                    "provider it generates)",
                    keys, provider));
    ctx.findings.Add(std::move(d));
  }
}

}  // namespace eurus::check::policy
