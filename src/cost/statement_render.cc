// `eurus cost report` as a table, CSV and JSON (the contract: docs/CostAllocation.md).

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cost/csv.h"
#include "cost/statement.h"

namespace eurus::cost {

namespace {

using nlohmann::ordered_json;

/// Cents as a JSON number: 12345 → 123.45 (the shortest double that prints as such).
ordered_json Num(int64_t cents) { return ordered_json(static_cast<double>(cents) / 100.0); }

struct PairTotal {
  std::string tenant, environment;
  int64_t direct = 0, shared = 0, total = 0, estimate = 0;
};

/// The rows summed per (tenant, environment), in the rows' order.
std::vector<PairTotal> ByTenant(const Statement& s) {
  std::vector<PairTotal> out;
  for (const auto& r : s.rows) {
    if (out.empty() || out.back().tenant != r.tenant || out.back().environment != r.environment)
      out.push_back({r.tenant, r.environment});
    out.back().direct += r.direct_cents;
    out.back().shared += r.shared_cents;
    out.back().total += r.total_cents;
    out.back().estimate += r.estimate_cents;
  }
  return out;
}

std::string Json(const Statement& s) {
  ordered_json j;
  j["currency"] = s.currency;
  j["month"] = s.month;
  j["total"] = Num(s.total_cents);
  j["tenants"] = ordered_json::array();
  for (const auto& r : s.rows)
    j["tenants"].push_back({{"tenant", r.tenant},
                            {"environment", r.environment},
                            {"service", r.service},
                            {"direct", Num(r.direct_cents)},
                            {"shared", Num(r.shared_cents)},
                            {"total", Num(r.total_cents)},
                            {"estimate", Num(r.estimate_cents)}});
  ordered_json reasons = ordered_json::array();
  for (const auto& u : s.unallocated) reasons.push_back({{"reason", u.reason}, {"amount", Num(u.cents)}});
  j["unallocated"] = {{"total", Num(s.unallocated_cents)}, {"reasons", reasons}};
  // Beyond the contract's keys: summaries a reader would otherwise recompute.
  j["lines"] = s.lines;
  ordered_json by = ordered_json::array();
  for (const auto& p : ByTenant(s))
    by.push_back({{"tenant", p.tenant},
                  {"environment", p.environment},
                  {"direct", Num(p.direct)},
                  {"shared", Num(p.shared)},
                  {"total", Num(p.total)},
                  {"estimate", Num(p.estimate)}});
  j["by_tenant"] = by;
  ordered_json types = ordered_json::object();
  for (const auto& [t, v] : s.line_types) types[t] = Num(ToCents(v));
  j["line_types"] = types;
  ordered_json scopes = ordered_json::array();
  for (const auto& sc : s.scopes) {
    ordered_json to = ordered_json::array();
    for (const auto& [who, v] : sc.to) to.push_back({{"to", who}, {"amount", Num(ToCents(v))}});
    scopes.push_back({{"scope", sc.scope}, {"amount", Num(ToCents(sc.amount))}, {"split", to}});
  }
  j["shared_costs"] = scopes;
  ordered_json months = ordered_json::array();
  for (const auto& m : s.trend)
    months.push_back({{"month", m.month}, {"total", Num(ToCents(m.total))}, {"unallocated", Num(ToCents(m.unallocated))}});
  j["months"] = months;
  return j.dump(2) + "\n";
}

std::string CsvText(const Statement& s) {
  std::string out = "tenant,environment,service,direct,shared,total,estimate\n";
  for (const auto& r : s.rows)
    out += fmt::format("{},{},{},{},{},{},{}\n", CsvField(r.tenant), CsvField(r.environment), CsvField(r.service), CentsText(r.direct_cents, false),
                       CentsText(r.shared_cents, false), CentsText(r.total_cents, false), CentsText(r.estimate_cents, false));
  // Unallocated amounts as rows of their own (tenant empty, the reason as the service), so
  // that the total column sums to the bill.
  for (const auto& u : s.unallocated)
    out += fmt::format(",,{},{},0.00,{},0.00\n", CsvField("unallocated: " + u.reason), CentsText(u.cents, false), CentsText(u.cents, false));
  return out;
}

std::string TableText(const Statement& s, const std::string& org) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"tenant", "environment", "service", "direct", "shared", "total", "estimate"});
  auto pairs = ByTenant(s);
  size_t p = 0;
  for (size_t i = 0; i < s.rows.size(); ++i) {
    const auto& r = s.rows[i];
    rows.push_back({r.tenant, r.environment, r.service, CentsText(r.direct_cents), CentsText(r.shared_cents), CentsText(r.total_cents),
                    CentsText(r.estimate_cents)});
    bool last = i + 1 == s.rows.size() || s.rows[i + 1].tenant != r.tenant || s.rows[i + 1].environment != r.environment;
    if (last) {
      const auto& t = pairs[p++];
      rows.push_back({t.tenant, t.environment, "= total", CentsText(t.direct), CentsText(t.shared), CentsText(t.total), CentsText(t.estimate)});
    }
  }
  for (const auto& u : s.unallocated) rows.push_back({"unallocated", "", u.reason, "", "", CentsText(u.cents), ""});
  rows.push_back({"total", "", "", "", "", CentsText(s.total_cents), ""});
  std::vector<size_t> w(7, 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], i == 2 ? std::min<size_t>(r[i].size(), 60) : r[i].size());
  std::string out = fmt::format("{}: the bill of {} in {}, {} line items (estimate: `eurus cost` for the same month)\n\n",
                                org, s.month, s.currency, s.lines);
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) line += "  ";
      line += i >= 3 ? fmt::format("{:>{}}", r[i], w[i]) : fmt::format("{:<{}}", r[i], w[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (s.line_types.size() > 1) {
    out += "\nby line item type:";
    for (const auto& [t, v] : s.line_types) out += fmt::format(" {} {};", t, CentsText(ToCents(v)));
    out.back() = '\n';
  }
  return out;
}

}  // namespace

std::string CentsText(int64_t cents, bool grouped) {
  bool neg = cents < 0;
  uint64_t c = static_cast<uint64_t>(neg ? -cents : cents);
  std::string units = std::to_string(c / 100), out;
  for (size_t i = 0; i < units.size(); ++i) {
    if (grouped && i && (units.size() - i) % 3 == 0) out += ',';
    out += units[i];
  }
  return fmt::format("{}{}.{:02}", neg ? "-" : "", out, c % 100);
}

std::string RenderStatement(const Statement& s, StatementFormat f, const std::string& org) {
  switch (f) {
    case StatementFormat::kJson: return Json(s);
    case StatementFormat::kCsv: return CsvText(s);
    case StatementFormat::kHtml: return RenderStatementHtml(s, org);
    case StatementFormat::kTable: break;
  }
  return TableText(s, org);
}

}  // namespace eurus::cost
