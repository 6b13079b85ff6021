#include "cost/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "cost/csv.h"

namespace eurus::cost {

namespace {

using nlohmann::ordered_json;

/// Rounded to the cent, for printing only (sums are taken before).
double Cents(double x) {
  double r = std::round(x * 100) / 100;
  return r == 0 ? 0 : r;  // no -0
}

/// A quantity as people read it: up to 4 decimals, no trailing zeros.
std::string Qty(double q) {
  std::string s = fmt::format("{:.4f}", q);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s.empty() || s == "-0" ? "0" : s;
}

std::string Price(double p) {
  std::string s = fmt::format("{:.6f}", p);
  while (s.size() > 4 && s.back() == '0' && s[s.size() - 3] != '.') s.pop_back();
  return s;
}

std::string Md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

ordered_json Nullable(const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }

/// A plain table: columns left-aligned except the numeric ones (right).
struct Table {
  std::vector<std::string> head;
  std::vector<bool> right;
  std::vector<std::vector<std::string>> rows;

  std::string Text() const {
    std::vector<size_t> w(head.size());
    for (size_t i = 0; i < head.size(); ++i) w[i] = head[i].size();
    for (const auto& r : rows)
      for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    auto line = [&](const std::vector<std::string>& r) {
      std::string s;
      for (size_t i = 0; i < r.size(); ++i) {
        if (i) s += "  ";
        s += right[i] ? fmt::format("{:>{}}", r[i], w[i]) : fmt::format("{:<{}}", r[i], w[i]);
      }
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s + "\n";
    };
    std::string out = line(head);
    for (const auto& r : rows) out += line(r);
    return out;
  }
  std::string Markdown() const {
    std::string out = "|";
    for (const auto& h : head) out += " " + Md(h) + " |";
    out += "\n|";
    for (size_t i = 0; i < head.size(); ++i) out += right[i] ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& r : rows) {
      out += "|";
      for (const auto& c : r) out += " " + Md(c) + " |";
      out += "\n";
    }
    return out;
  }
  std::string CsvText() const {
    std::string out;
    for (size_t r = 0; r <= rows.size(); ++r) {
      const auto& row = r == 0 ? head : rows[r - 1];
      for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(row[i]);
      out += "\n";
    }
    return out;
  }
  std::string Render(Format f) const {
    return f == Format::kMarkdown ? Markdown() : f == Format::kCsv ? CsvText() : Text();
  }
};

/// An amount as the format shows it: $1,234.50 in tables, 1234.50 in CSV.
std::string Amount(double x, Format f) { return f == Format::kCsv ? fmt::format("{:.2f}", Cents(x)) : Money(x); }

std::string Heading(const Estimate& e, const ReportOptions& o) {
  std::string scope;
  if (!o.env.empty()) scope += ", environment " + o.env;
  if (!o.tenant.empty()) scope += ", tenant " + o.tenant;
  return fmt::format("Monthly estimate of {}{} in {} ({}, prices of {})", o.org, scope, e.region, e.currency,
                     e.prices_date);
}

std::string Totals(const Estimate& e, const ReportOptions& o) {
  size_t missing = std::count_if(e.lines.begin(), e.lines.end(), [](const Line& l) { return l.kind == Kind::kNotEstimated; });
  std::string s = fmt::format("total {} a month: {} fixed (paid at rest) + {} usage (from the usage assumptions)",
                              Money(e.total()), Money(e.fixed), Money(e.usage));
  if (missing) s += fmt::format("; {} line{} not estimated", missing, missing == 1 ? "" : "s");
  if (o.format == Format::kMarkdown) return "**" + s + "**\n";
  return s + "\n";
}

std::string ByUnit(const Estimate& e, const ReportOptions& o) {
  std::string out;
  size_t i = 0;
  while (i < e.lines.size()) {
    const std::string& unit = e.lines[i].unit;
    Table t{{"address", "item", "quantity", "unit price", "monthly", "kind"},
            {false, false, true, true, true, false}, {}};
    double fixed = 0, usage = 0;
    for (; i < e.lines.size() && e.lines[i].unit == unit; ++i) {
      const Line& l = e.lines[i];
      if (l.kind == Kind::kFixed) fixed += l.monthly;
      if (l.kind == Kind::kUsage) usage += l.monthly;
      bool priced = l.kind == Kind::kFixed || l.kind == Kind::kUsage || !l.price_key.empty();
      t.rows.push_back({l.address, l.item, priced ? Qty(l.quantity) + " " + l.quantity_unit : Qty(l.quantity),
                        priced ? Price(l.unit_price) : "", priced ? Money(l.monthly) : "",
                        KindName(l.kind)});
    }
    std::string head = fmt::format("{}: {} a month ({} fixed, {} usage)", unit, Money(fixed + usage), Money(fixed),
                                   Money(usage));
    out += o.format == Format::kMarkdown ? "#### " + head + "\n\n" + t.Markdown() + "\n" : head + "\n" + t.Text() + "\n";
  }
  return out;
}

std::string ByTenant(const Estimate& e, const ReportOptions& o) {
  Table t{{"tenant", "environment", "direct", "shared", "total"}, {false, false, true, true, true}, {}};
  for (const auto& x : e.tenants)
    t.rows.push_back({x.tenant, x.environment, Amount(x.direct, o.format), Amount(x.shared, o.format),
                      Amount(x.total(), o.format)});
  if (o.env.empty() && o.tenant.empty() && e.unallocated != 0)
    t.rows.push_back({"(unallocated)", "", "", Amount(e.unallocated, o.format), Amount(e.unallocated, o.format)});
  return t.Render(o.format) + (o.format == Format::kCsv ? "" : "\n");
}

/// Sums by a key of the line: fixed, usage, total.
std::string ByKey(const Estimate& e, const ReportOptions& o, const char* name,
                  const std::function<std::string(const Line&)>& key) {
  std::map<std::string, std::pair<double, double>> sums;
  for (const auto& l : e.lines) {
    auto& s = sums[key(l)];
    if (l.kind == Kind::kFixed) s.first += l.monthly;
    if (l.kind == Kind::kUsage) s.second += l.monthly;
  }
  Table t{{name, "fixed", "usage", "total"}, {false, true, true, true}, {}};
  for (const auto& [k, s] : sums)
    t.rows.push_back({k, Amount(s.first, o.format), Amount(s.second, o.format), Amount(s.first + s.second, o.format)});
  return t.Render(o.format) + (o.format == Format::kCsv ? "" : "\n");
}

/// The environment column of --by environment: the environment, or the unit's directory
/// (management, common-<realm>) for the accounts outside the environments.
std::string AccountOf(const Line& l) { return l.environment.empty() ? l.unit.substr(0, l.unit.find('/')) : l.environment; }

/// Observability by account (fixed + usage of the lines IsObservability selects).
std::map<std::string, double> ObservabilityByAccount(const Estimate& e) {
  std::map<std::string, double> out;
  for (const auto& l : e.lines)
    if ((l.kind == Kind::kFixed || l.kind == Kind::kUsage) && IsObservability(l)) out[AccountOf(l)] += l.monthly;
  return out;
}

/// --by environment: fixed, usage and total per account, and the observability part of the
/// total (docs/Observability.md, "What it costs").
std::string ByAccount(const Estimate& e, const ReportOptions& o) {
  std::map<std::string, std::array<double, 2>> sums;
  for (const auto& l : e.lines) {
    auto& s = sums[AccountOf(l)];
    if (l.kind == Kind::kFixed) s[0] += l.monthly;
    if (l.kind == Kind::kUsage) s[1] += l.monthly;
  }
  const std::map<std::string, double> obs = ObservabilityByAccount(e);
  Table t{{"account", "fixed", "usage", "total", "of which observability"}, {false, true, true, true, true}, {}};
  for (const auto& [k, s] : sums) {
    auto it = obs.find(k);
    t.rows.push_back({k, Amount(s[0], o.format), Amount(s[1], o.format), Amount(s[0] + s[1], o.format),
                      Amount(it == obs.end() ? 0 : it->second, o.format)});
  }
  return t.Render(o.format) + (o.format == Format::kCsv ? "" : "\n");
}

ordered_json Json(const Estimate& e) {
  ordered_json j;
  j["currency"] = e.currency;
  j["region"] = e.region;
  j["prices_date"] = e.prices_date;
  ordered_json lines = ordered_json::array();
  for (const auto& l : e.lines) {
    ordered_json x;
    x["unit"] = l.unit;
    x["environment"] = Nullable(l.environment);
    x["tenant"] = Nullable(l.tenant);
    x["service"] = l.service;
    x["address"] = l.address;
    x["item"] = l.item;
    x["quantity"] = l.quantity;
    x["quantity_unit"] = l.quantity_unit;
    x["unit_price"] = l.unit_price;
    x["monthly"] = Cents(l.monthly);
    x["kind"] = KindName(l.kind);
    x["price_key"] = Nullable(l.price_key);
    x["note"] = l.note;
    lines.push_back(std::move(x));
  }
  j["lines"] = std::move(lines);
  j["totals"] = {{"fixed", Cents(e.fixed)}, {"usage", Cents(e.usage)}, {"total", Cents(e.total())}};
  ordered_json tenants = ordered_json::array();
  for (const auto& t : e.tenants)
    tenants.push_back({{"tenant", t.tenant},
                       {"environment", t.environment},
                       {"direct", Cents(t.direct)},
                       {"shared", Cents(t.shared)},
                       {"total", Cents(t.total())}});
  j["tenants"] = std::move(tenants);
  j["unallocated"] = Cents(e.unallocated);
  // CloudWatch and X-Ray, per account (docs/Cost.md, "JSON output").
  ordered_json obs = ordered_json::object();
  double obs_total = 0;
  for (const auto& [account, usd] : ObservabilityByAccount(e)) {
    obs[account] = Cents(usd);
    obs_total += usd;
  }
  j["observability"] = {{"total", Cents(obs_total)}, {"accounts", std::move(obs)}};
  return j;
}

std::string CsvLines(const Estimate& e) {
  std::string out =
      "unit,environment,tenant,service,address,item,quantity,quantity_unit,unit_price,monthly,kind,price_key,note\n";
  for (const auto& l : e.lines)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{:.2f},{},{},{}\n", CsvField(l.unit), CsvField(l.environment), CsvField(l.tenant),
                       CsvField(l.service), CsvField(l.address), CsvField(l.item), Qty(l.quantity), CsvField(l.quantity_unit),
                       Price(l.unit_price), Cents(l.monthly), KindName(l.kind), CsvField(l.price_key), CsvField(l.note));
  return out;
}

}  // namespace

bool IsObservability(const Line& l) {
  return l.price_key.starts_with("cloudwatch.") || l.price_key.starts_with("xray.") ||
         l.unit.ends_with("/observability");
}

std::string Money(double usd) {
  double c = Cents(usd);
  std::string digits = fmt::format("{:.2f}", std::fabs(c));
  size_t dot = digits.find('.');
  std::string grouped;
  for (size_t i = 0; i < dot; ++i) {
    if (i > 0 && (dot - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  grouped.append(digits, dot, std::string::npos);
  return fmt::format("{}${}", c < 0 ? "-" : "", grouped);
}

Estimate Filter(const Estimate& e, const ReportOptions& o) {
  if (o.env.empty() && o.tenant.empty()) return e;
  Estimate f;
  f.currency = e.currency;
  f.region = e.region;
  f.prices_date = e.prices_date;
  for (const auto& l : e.lines) {
    if (!o.env.empty() && l.environment != o.env) continue;
    if (!o.tenant.empty() && l.tenant != o.tenant) continue;
    f.lines.push_back(l);
    if (l.kind == Kind::kFixed) f.fixed += l.monthly;
    if (l.kind == Kind::kUsage) f.usage += l.monthly;
  }
  for (const auto& t : e.tenants)
    if ((o.env.empty() || t.environment == o.env) && (o.tenant.empty() || t.tenant == o.tenant)) f.tenants.push_back(t);
  return f;
}

std::string Render(const Estimate& e, const ReportOptions& o) {
  switch (o.format) {
    case Format::kJson: return Json(e).dump(2) + "\n";
    case Format::kCsv:
      if (o.by == By::kUnit) return CsvLines(e);
      break;
    default: break;
  }
  std::string body;
  switch (o.by) {
    case By::kUnit: body = ByUnit(e, o) + ByTenant(e, o); break;
    case By::kTenant: body = ByTenant(e, o); break;
    case By::kEnvironment: body = ByAccount(e, o); break;
    case By::kService:
      body = ByKey(e, o, "service", [](const Line& l) { return l.service.empty() ? std::string("(no AWS service)") : l.service; });
      break;
  }
  if (o.format == Format::kCsv) return body;
  std::string head = Heading(e, o);
  if (o.format == Format::kMarkdown) head = "### " + head;
  return head + "\n\n" + body + Totals(e, o);
}

std::string RenderDiff(const Estimate& base, const Estimate& head, const std::string& ref, const ReportOptions& o) {
  std::map<std::string, std::pair<double, double>> units;  // unit → (before, after)
  for (const auto& l : base.lines)
    if (l.kind == Kind::kFixed || l.kind == Kind::kUsage) units[l.unit].first += l.monthly;
  for (const auto& l : head.lines)
    if (l.kind == Kind::kFixed || l.kind == Kind::kUsage) units[l.unit].second += l.monthly;
  for (const auto& l : base.lines) units.try_emplace(l.unit);
  for (const auto& l : head.lines) units.try_emplace(l.unit);
  double before = base.total(), after = head.total();
  if (o.format == Format::kJson) {
    ordered_json j;
    j["base"] = ref;
    j["currency"] = head.currency;
    j["region"] = head.region;
    j["prices_date"] = head.prices_date;
    ordered_json rows = ordered_json::array();
    for (const auto& [u, ba] : units)
      if (Cents(ba.second - ba.first) != 0)
        rows.push_back({{"unit", u}, {"before", Cents(ba.first)}, {"after", Cents(ba.second)},
                        {"delta", Cents(ba.second - ba.first)}});
    j["units"] = std::move(rows);
    j["total"] = {{"before", Cents(before)}, {"after", Cents(after)}, {"delta", Cents(after - before)}};
    return j.dump(2) + "\n";
  }
  Table t{{"unit", "before", "after", "change"}, {false, true, true, true}, {}};
  for (const auto& [u, ba] : units)
    if (Cents(ba.second - ba.first) != 0) {
      double d = ba.second - ba.first;
      t.rows.push_back({u, Money(ba.first), Money(ba.second), (d > 0 ? "+" : "") + Money(d)});
    }
  double d = after - before;
  std::string total = fmt::format("monthly estimate {} → {} ({}{})", Money(before), Money(after), d > 0 ? "+" : "", Money(d));
  if (o.format == Format::kCsv) {
    std::string out = "unit,before,after,change\n";
    for (const auto& [u, ba] : units)
      if (Cents(ba.second - ba.first) != 0)
        out += fmt::format("{},{:.2f},{:.2f},{:.2f}\n", CsvField(u), Cents(ba.first), Cents(ba.second),
                           Cents(ba.second - ba.first));
    out += fmt::format("total,{:.2f},{:.2f},{:.2f}\n", Cents(before), Cents(after), Cents(d));
    return out;
  }
  std::string title = fmt::format("Cost of this change against {} ({} a month, prices of {})", ref, head.currency,
                                   head.prices_date);
  if (o.format == Format::kMarkdown) {
    std::string out = "### " + title + "\n\n";
    out += t.rows.empty() ? "No unit's estimate changes.\n\n" : t.Markdown() + "\n";
    return out + "**" + total + "**\n";
  }
  return title + "\n\n" + (t.rows.empty() ? std::string("no unit's estimate changes\n") : t.Text()) + "\n" + total + "\n";
}

}  // namespace eurus::cost
