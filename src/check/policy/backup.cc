// E0805: every data store has a backup whose frequency meets the environment's RPO: its own
// continuous backup, or an AWS Backup selection of any unit of the same account whose plan
// runs often enough; ElastiCache by its snapshots; rebuildable stores are exempt.

#include <fmt/format.h>

#include <algorithm>

#include "check/codes.h"
#include "check/cron.h"
#include "check/glob.h"
#include "check/policy/rules.h"
#include "synth/contract.h"
#include "synth/synth.h"

namespace eurus::check::policy {
namespace {

/// "continuously", "every 24 h", "less often than daily": a gap in hours, for messages.
std::string Hours(int h) {
  if (h == 0) return "continuously";
  if (h >= kLessThanDaily) return "less often than daily";
  return fmt::format("every {} h", h);
}

/// A data store being judged: its block, its effective tags, its ARN as far as known.
struct Store {
  size_t unit;
  const DataStoreKind& kind;
  const Block& block;
  std::map<std::string, std::string> tags;
  std::string arn;  ///< unknown parts are \x01, which only `*` matches
};

/// Every AWS Backup selection of every unit, by account, with its plan's shortest gap.
void Selections(const Index& ix, std::map<std::string, std::vector<Selection>>& out) {
  for (size_t u = 0; u < ix.units.size(); ++u) {
    const json* res = ix.units[u].resources;
    if (!res || !res->is_object()) continue;
    auto it = res->find("aws_backup_selection");
    if (it == res->end() || !it->is_object()) continue;
    for (const auto& [n, body] : it->items()) {
      Selection s{u, &body, std::nullopt};
      bool known = true;
      int best = kLessThanDaily;
      for (const Target& t : Resolve(ix, u, At(body, "plan_id"))) {
        const json* plan =
            t.kind == Target::kRef && t.type == "aws_backup_plan" ? BodyOf(ix, t) : nullptr;
        if (!plan) {
          known = false;
          continue;
        }
        ForEachBlock(At(*plan, "rule"), [&](const json& rule) {
          if (IsTrue(At(rule, "enable_continuous_backup"))) {
            best = 0;
            return;
          }
          const std::string* sched = Str(At(rule, "schedule"));
          std::optional<int> gap = sched ? ScheduleGapHours(*sched) : std::optional<int>(24);
          if (!gap)
            known = false;
          else
            best = std::min(best, *gap);
        });
      }
      if (known) s.gap = best;
      out[AccountOf(ix.units[u], body)].push_back(s);
    }
  }
}

/// True when selection `sel` covers store `st` (by reference, ARN pattern, tag, condition).
bool Selects(const Index& ix, const Selection& sel, const Store& st) {
  const json& body = *sel.body;
  auto matches = [&](const json* list) {
    if (!list) return false;
    for (const Target& t : Resolve(ix, sel.unit, list)) {
      if (t.Is(st.unit, st.block.type, st.block.name)) return true;
      if (t.kind == Target::kLiteral && Glob(t.literal, st.arn)) return true;
    }
    return false;
  };
  auto tag = [&](const std::string& key) -> const std::string* {
    auto it = st.tags.find(key);
    return it == st.tags.end() ? nullptr : &it->second;
  };
  bool base = matches(At(body, "resources"));
  ForEachBlock(At(body, "selection_tag"), [&](const json& t) {
    const std::string* key = Str(At(t, "key"));
    const std::string* value = Str(At(t, "value"));
    const std::string* have = key ? tag(*key) : nullptr;
    if (have && value && *have == *value) base = true;
  });
  if (!base) return false;
  bool ok = true;
  ForEachBlock(At(body, "condition"), [&](const json& c) {
    for (const char* op :
         {"string_equals", "string_like", "string_not_equals", "string_not_like"}) {
      ForEachBlock(At(c, op), [&](const json& kv) {
        const std::string* key = Str(At(kv, "key"));
        const std::string* value = Str(At(kv, "value"));
        if (!key || !value) return;
        std::string k = key->rfind("aws:ResourceTag/", 0) == 0 ? key->substr(16) : *key;
        const std::string* have = tag(k);
        std::string_view o = op;
        bool hit = have && (o.find("like") != std::string_view::npos ? Glob(*value, *have)
                                                                     : *have == *value);
        if (o.find("not") != std::string_view::npos) hit = !hit;
        if (!hit) ok = false;
      });
    }
  });
  return ok && !matches(At(body, "not_resources"));
}

/// How often the store backs itself up: 0 continuous, hours, or nullopt.
std::optional<int> OwnBackupGap(const Index& ix, size_t u, const Block& b, const DataStoreKind& k) {
  switch (k.own) {
    case OwnBackup::kNone:
      return std::nullopt;
    case OwnBackup::kRetentionPeriod: {
      const json* v = At(b.body, k.own_arg);
      if (!v) return 0;  // the provider's default keeps 1 day: continuous (PITR)
      auto n = Number(v);
      if (!n) return 0;  // an expression
      return *n >= 1 ? std::optional<int>(0) : std::nullopt;
    }
    case OwnBackup::kPitr:
      return IsTrue(At(b.body, k.own_arg)) ? std::optional<int>(0) : std::nullopt;
    case OwnBackup::kS3Versioning: {
      if (IsTrue(At(b.body, "versioning.enabled"))) return 0;
      const std::string* bucket = Str(At(b.body, "bucket"));
      for (const json* conf :
           Companions(ix, u, b.type, b.name, "aws_s3_bucket_versioning", "bucket", bucket)) {
        const std::string* st = Str(At(*conf, "versioning_configuration.status"));
        if (st && *st == "Enabled") return 0;
      }
      return std::nullopt;
    }
    case OwnBackup::kSnapshots: {
      auto n = Number(At(b.body, k.own_arg));
      return n && *n >= 1 ? std::optional<int>(24) : std::nullopt;
    }
    case OwnBackup::kEfsBackupPolicy:
      for (const json* conf : Companions(ix, u, b.type, b.name, "aws_efs_backup_policy",
                                         "file_system_id", nullptr)) {
        const std::string* st = Str(At(*conf, "backup_policy.status"));
        if (st && *st == "ENABLED") return 24;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

/// The ARN AWS Backup would match for store `b`; unknown parts are \x01.
std::string Arn(const Index& ix, size_t u, const Block& b, const DataStoreKind& k) {
  if (!k.arn) return {};
  const ProviderConfig* p = ProviderOf(ix.units[u], b.body);
  const std::string* id = k.id_arg ? Str(At(b.body, k.id_arg)) : nullptr;
  std::string arn = k.arn;
  auto put = [&](std::string_view key, const std::string* v) {
    size_t at = arn.find(key);
    if (at == std::string::npos) return;
    std::string value = v && !v->empty() && v->find("${") == std::string::npos ? *v : "\x01";
    arn.replace(at, key.size(), value);
  };
  put("{region}", p ? &p->region : nullptr);
  put("{account}", p ? &p->account : nullptr);
  put("{id}", id);
  return arn;
}

}  // namespace

void Backup(Context& ctx, size_t u, const Block& b, const DataStoreKind& k) {
  const AccountPolicy* a = Account(ctx.ix, AccountOf(ctx.ix.units[u], b.body));
  if (!a || !a->rpo_hours) return;
  const int rpo = *a->rpo_hours;
  std::optional<int> best = OwnBackupGap(ctx.ix, u, b, k);
  if (k.own == OwnBackup::kSnapshots && !best) {
    // ElastiCache: AWS Backup does not cover it; its own snapshots are the only backup.
    ctx.findings.Report(codes::kPolicyBackup, u, b,
                        fmt::format("takes no snapshots ({} is not set)", k.own_arg), "no backup",
                        fmt::format("set {} (1-35 days) and daily_snapshot_time", k.own_arg));
    return;
  }
  if (best && *best <= rpo) return;
  Store st{u, k, b, {}, Arn(ctx.ix, u, b, k)};
  if (const ProviderConfig* p = ProviderOf(ctx.ix.units[u], b.body)) st.tags = p->default_tags;
  if (const json* own = At(b.body, "tags"); own && own->is_object())
    for (const auto& [tk, tv] : own->items())
      if (tv.is_string()) st.tags[tk] = tv.get<std::string>();
  // Declared rebuildable: its contents are recreated from elsewhere, so the RPO does not
  // apply (docs/DisasterRecovery.md). Only the explicit tag value exempts a store.
  if (auto it = st.tags.find(synth::tags::kBackup);
      it != st.tags.end() && it->second == synth::backup::kRebuildable)
    return;
  if (k.aws_backup) {
    std::call_once(ctx.ix.selections_once,
                   [&ix = ctx.ix] { Selections(ix, ix.selections); });
    auto it = ctx.ix.selections.find(AccountOf(ctx.ix.units[u], b.body));
    if (it != ctx.ix.selections.end()) {
      for (const Selection& s : it->second) {
        if (!Selects(ctx.ix, s, st)) continue;
        if (!s.gap) return;  // a plan eurus cannot read: not provably too slow
        if (!best || *s.gap < *best) best = s.gap;
        if (*best <= rpo) return;
      }
    }
  }
  const std::string rebuildable = fmt::format("tag it {} = {} if its contents can be rebuilt",
                                              synth::tags::kBackup, synth::backup::kRebuildable);
  ctx.findings.Report(
      codes::kPolicyBackup, u, b,
      best ? fmt::format("is backed up {}, less often than environment {}'s RPO of {} h, and is "
                         "not declared rebuildable",
                         Hours(*best), a->environment, rpo)
           : fmt::format("is not covered by any backup; environment {}'s RPO is {} h",
                         a->environment, rpo),
      "no backup meeting the RPO",
      k.aws_backup
          ? fmt::format("select it (by tag or ARN) in an AWS Backup plan whose rule runs at "
                        "least every {} h, or turn on its continuous backup; or {}",
                        rpo, rebuildable)
          : fmt::format("its own backups cannot meet the RPO: {}", rebuildable));
}

}  // namespace eurus::check::policy
