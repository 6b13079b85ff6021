#include "cost/prices.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace eurus {
extern const unsigned char kBundledPrices[];
extern const size_t kBundledPrices_size;
}  // namespace eurus

namespace eurus::cost {

std::optional<PriceList> PriceList::Parse(const std::string& text, std::string* err) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, false);
  auto fail = [&](const std::string& why) -> std::optional<PriceList> {
    if (err) *err = why;
    return std::nullopt;
  };
  if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
  if (j.value("format", 0) != 1) return fail("`format` is not 1");
  PriceList p;
  p.currency_ = j.value("currency", "USD");
  p.date_ = j.value("prices_date", "");
  if (!j.contains("keys") || !j["keys"].is_object() || !j.contains("regions") || !j["regions"].is_object())
    return fail("`keys` and `regions` must be objects");
  for (const auto& [k, v] : j["keys"].items())
    p.keys_[k] = {v.value("service", ""), v.value("unit", ""), v.value("description", "")};
  if (j.contains("assumptions") && j["assumptions"].is_object())
    for (const auto& [k, v] : j["assumptions"].items())
      if (v.is_object() && v.contains("value") && v["value"].is_number()) p.assumptions_[k] = v["value"].get<double>();
  for (const auto& [region, prices] : j["regions"].items()) {
    if (!prices.is_object()) return fail("region `" + region + "` is not an object");
    auto& out = p.regions_[region];
    for (const auto& [k, v] : prices.items()) {
      if (!v.is_object() || !v.contains("usd") || !v["usd"].is_number() || v["usd"].get<double>() < 0)
        return fail(fmt::format("`{}` in `{}` has no price (usd)", k, region));
      out[k] = {v["usd"].get<double>(), v.value("source", ""), v.value("date", ""), v.value("confirmed", false)};
    }
    for (const auto& [k, meta] : p.keys_)
      if (!out.count(k)) return fail(fmt::format("region `{}` has no price for `{}`", region, k));
  }
  if (p.regions_.empty()) return fail("no regions");
  for (const char* a : {"hours_per_month", "fargate_spot_discount"})
    if (!p.assumptions_.count(a)) return fail(fmt::format("no assumption `{}`", a));
  return p;
}

const PriceList& PriceList::Bundled() {
  static const PriceList bundled = [] {
    std::string err;
    auto p = Parse(std::string(reinterpret_cast<const char*>(kBundledPrices), kBundledPrices_size), &err);
    if (!p) throw std::logic_error("the bundled data/prices.json does not parse: " + err);
    return *p;
  }();
  return bundled;
}

std::vector<std::string> PriceList::regions() const {
  std::vector<std::string> out;
  for (const auto& [r, _] : regions_) out.push_back(r);
  return out;
}

const Price& PriceList::Get(const std::string& region, const std::string& key) const {
  auto r = regions_.find(region);
  if (r == regions_.end()) throw std::logic_error("no prices for region " + region);
  auto k = r->second.find(key);
  if (k == r->second.end()) throw std::logic_error("the price file has no key " + key);
  return k->second;
}

const PriceKey* PriceList::Key(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second;
}

double PriceList::Assumption(const std::string& name) const {
  auto it = assumptions_.find(name);
  if (it == assumptions_.end()) throw std::logic_error("the price file has no assumption " + name);
  return it->second;
}

}  // namespace eurus::cost
