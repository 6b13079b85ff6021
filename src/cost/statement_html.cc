// `eurus cost report --format html`: one self-contained page (inline CSS and SVG; no script,
// no fonts, no network) with the statement's tables and three charts: each tenant's cost
// stacked by service, the month trend, and where each scope's shared cost went.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cost/statement.h"

namespace eurus::cost {

namespace {

std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Money(Amount n) { return CentsText(ToCents(n)); }

/// Distinct colours for any number of keys: hues a golden angle apart.
std::string Color(size_t i) {
  return fmt::format("hsl({:.0f},{}%,{}%)", std::fmod(static_cast<double>(i) * 137.508, 360.0), 45 + (i % 3) * 12,
                     48 + (i % 2) * 10);
}

double Pos(Amount n) { return n > 0 ? static_cast<double>(n) : 0.0; }

/// Horizontal stacked bars: one per label, segments by key (colours by key index).
std::string StackedBars(const std::string& id, const std::string& title,
                        const std::vector<std::pair<std::string, std::map<std::string, Amount>>>& bars,
                        const std::vector<std::string>& keys) {
  const double kLabel = 170, kWidth = 520, kRow = 26;
  double max = 0;
  for (const auto& [_, parts] : bars) {
    double sum = 0;
    for (const auto& [k, v] : parts) sum += Pos(v);
    max = std::max(max, sum);
  }
  double legend = 18.0 * static_cast<double>((keys.size() + 2) / 3);
  double h = kRow * static_cast<double>(bars.size()) + 16 + legend;
  std::string svg = fmt::format(
      "<figure class=\"chart\" id=\"{}\"><figcaption>{}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      id, Esc(title), kLabel + kWidth + 110, h, Esc(title));
  for (size_t b = 0; b < bars.size(); ++b) {
    double y = kRow * static_cast<double>(b) + 4, x = kLabel, sum = 0;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLabel - 6, y + 15, Esc(bars[b].first));
    for (size_t k = 0; k < keys.size(); ++k) {
      auto it = bars[b].second.find(keys[k]);
      if (it == bars[b].second.end() || it->second <= 0) continue;
      double w = max > 0 ? Pos(it->second) / max * kWidth : 0;
      sum += static_cast<double>(it->second);
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"20\" fill=\"{}\"><title>{} {}: {}</title></rect>\n",
                         x, y, w, Color(k), Esc(bars[b].first), Esc(keys[k]), Money(it->second));
      x += w;
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", x + 4, y + 15, Money(static_cast<Amount>(sum)));
  }
  double ly = kRow * static_cast<double>(bars.size()) + 12;
  for (size_t k = 0; k < keys.size(); ++k) {
    double lx = 10 + 260.0 * static_cast<double>(k % 3), yy = ly + 18.0 * static_cast<double>(k / 3);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                       lx, yy, Color(k), lx + 16, yy + 11, Esc(keys[k]));
  }
  return svg + "</svg></figure>\n";
}

/// Vertical bars: the bill of each month, the tenants stacked.
std::string Trend(const Statement& s) {
  std::vector<std::string> tenants;
  for (const auto& m : s.trend)
    for (const auto& [t, _] : m.tenants)
      if (std::find(tenants.begin(), tenants.end(), t) == tenants.end()) tenants.push_back(t);
  tenants.push_back("unallocated");
  double max = 0;
  for (const auto& m : s.trend) max = std::max(max, Pos(m.total));
  const double kH = 220, kBar = 60, kGap = 40;
  double w = 60 + (kBar + kGap) * static_cast<double>(s.trend.size()) + 160;
  std::string svg = fmt::format(
      "<figure class=\"chart\" id=\"trend\"><figcaption>The bill by month</figcaption>\n<svg "
      "xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"month trend\">\n",
      w, kH + 64);
  for (size_t i = 0; i < s.trend.size(); ++i) {
    const auto& m = s.trend[i];
    double x = 40 + (kBar + kGap) * static_cast<double>(i), y = kH + 24;
    for (size_t t = 0; t < tenants.size(); ++t) {
      Amount v = tenants[t] == "unallocated" ? m.unallocated : (m.tenants.count(tenants[t]) ? m.tenants.at(tenants[t]) : 0);
      double h = max > 0 ? Pos(v) / max * kH : 0;
      if (h <= 0) continue;
      y -= h;
      svg += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: {}</title></rect>\n",
                         x, y, kBar, h, Color(t), m.month, Esc(tenants[t]), Money(v));
    }
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x + kBar / 2, y - 4, Money(m.total));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x + kBar / 2, kH + 42, m.month);
  }
  double lx = 50 + (kBar + kGap) * static_cast<double>(s.trend.size());
  for (size_t t = 0; t < tenants.size(); ++t)
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                       lx, 10 + 18 * t, Color(t), lx + 16, 21 + 18 * t, Esc(tenants[t]));
  return svg + "</svg></figure>\n";
}

/// Each (tenant, environment): the bill beside the estimate.
std::string Summary(const Statement& s) {
  std::string out =
      "<table id=\"summary\"><thead><tr><th>tenant</th><th>environment</th><th>direct</th><th>shared</th>"
      "<th>total</th><th>estimate</th><th>actual − estimate</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < s.rows.size();) {
    const auto& first = s.rows[i];
    int64_t d = 0, sh = 0, t = 0, e = 0;
    for (; i < s.rows.size() && s.rows[i].tenant == first.tenant && s.rows[i].environment == first.environment; ++i)
      d += s.rows[i].direct_cents, sh += s.rows[i].shared_cents, t += s.rows[i].total_cents, e += s.rows[i].estimate_cents;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        Esc(first.tenant), Esc(first.environment), Money(d * kAmountPerCent), Money(sh * kAmountPerCent), Money(t * kAmountPerCent),
        Money(e * kAmountPerCent), Money((t - e) * kAmountPerCent));
  }
  return out + "</tbody></table>\n";
}

std::string Tables(const Statement& s) {
  std::string out =
      "<table id=\"statement\"><thead><tr><th>tenant</th><th>environment</th><th>service</th><th>direct</th>"
      "<th>shared</th><th>total</th><th>estimate</th></tr></thead><tbody>\n";
  for (const auto& r : s.rows)
    out += fmt::format(
        "<tr class=\"row\" data-tenant=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        Esc(r.tenant), Esc(r.tenant), Esc(r.environment), Esc(r.service), Money(r.direct_cents * kAmountPerCent),
        Money(r.shared_cents * kAmountPerCent), Money(r.total_cents * kAmountPerCent), Money(r.estimate_cents * kAmountPerCent));
  for (const auto& u : s.unallocated)
    out += fmt::format("<tr class=\"unallocated\"><td>unallocated</td><td></td><td>{}</td><td></td><td></td><td class=\"n\">{}</td><td></td></tr>\n",
                       Esc(u.reason), Money(u.cents * kAmountPerCent));
  out += fmt::format("</tbody><tfoot><tr><th colspan=\"5\">total</th><th class=\"n\" id=\"total\">{}</th><th></th></tr></tfoot></table>\n",
                     Money(s.total_cents * kAmountPerCent));
  return out;
}

}  // namespace

std::string RenderStatementHtml(const Statement& s, const std::string& org) {
  std::vector<std::string> services;
  std::vector<std::pair<std::string, std::map<std::string, Amount>>> tenants;
  for (const auto& r : s.rows) {
    if (std::find(services.begin(), services.end(), r.service) == services.end()) services.push_back(r.service);
    if (tenants.empty() || tenants.back().first != r.tenant) tenants.push_back({r.tenant, {}});
    tenants.back().second[r.service] += r.total();
  }
  std::sort(services.begin(), services.end());
  std::vector<std::pair<std::string, std::map<std::string, Amount>>> scopes;
  std::vector<std::string> receivers;
  for (const auto& sc : s.scopes) {
    scopes.push_back({sc.scope, {}});
    for (const auto& [who, v] : sc.to) {
      scopes.back().second[who] += v;
      if (std::find(receivers.begin(), receivers.end(), who) == receivers.end()) receivers.push_back(who);
    }
  }
  std::sort(receivers.begin(), receivers.end());
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{0}: the bill of {1}</title>\n"
      "<style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}"
      "td,th{{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}}.n{{text-align:right;font-variant-numeric:tabular-nums}}"
      "figure{{margin:1.5em 0}}figcaption{{font-weight:600;margin-bottom:.5em}}svg text{{font-size:12px}}"
      ".unallocated td{{color:#a33}}</style></head><body>\n"
      "<h1>{0}: the bill of {1}</h1>\n<p>Total <strong id=\"bill-total\">{2} {3}</strong> from {4} line items; "
      "unallocated {2} {5}. Estimates are <code>eurus cost</code>'s for a month.</p>\n",
      Esc(org), Esc(s.month), Esc(s.currency), Money(s.total_cents * kAmountPerCent), s.lines,
      Money(s.unallocated_cents * kAmountPerCent));
  html += Summary(s);
  html += StackedBars("by-tenant", "Each tenant's cost by service (direct and shared)", tenants, services);
  html += Trend(s);
  html += StackedBars("shared", "Where each scope's shared cost went", scopes, receivers);
  html += Tables(s);
  return html + "</body></html>\n";
}

}  // namespace eurus::cost
