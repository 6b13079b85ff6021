// E0809: data stores have deletion protection where the environment requires it (the prod
// realm, `protection: true`, the prod common account).

#include <fmt/format.h>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {

void Protection(Context& ctx, size_t u, const Block& b, const DataStoreKind& k) {
  const AccountPolicy* a = Account(ctx.ix, AccountOf(ctx.ix.units[u], b.body));
  if (!a || !a->deletion_protection || !*a->deletion_protection) return;
  std::string what;
  if (k.protection) {
    if (IsTrue(At(b.body, k.protection))) return;
    what = fmt::format("{} is not true", k.protection);
  } else {
    bool kept = IsTrue(At(b.body, "lifecycle.prevent_destroy"));
    if (kept && !IsTrue(At(b.body, "force_destroy"))) return;
    what = kept ? "force_destroy is true" : "lifecycle.prevent_destroy is not true";
  }
  ctx.findings.Report(
      codes::kPolicyDeletionProtection, u, b,
      fmt::format("has no deletion protection, which environment {} requires ({})",
                  a->environment, what),
      "no deletion protection",
      k.protection ? fmt::format("set {} = true", k.protection)
                   : std::string("set lifecycle.prevent_destroy = true (and no force_destroy)"));
}

}  // namespace eurus::check::policy
