#pragma once
// The price list `eurus cost` multiplies by: data/prices.json (compiled in) or a file the user
// names (--prices). Data, not code: every price has its source and date; the file's format
// and how to regenerate it are in docs/Cost.md and tests/prices/README.md.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eurus::cost {

/// One price of one region: USD per the key's unit.
struct Price {
  double usd = 0;
  std::string source;
  std::string date;
  bool confirmed = false;
};

/// What a price key means (the same in every region).
struct PriceKey {
  std::string service;      ///< the CUR product code, e.g. AmazonEC2
  std::string unit;         ///< "hour", "GB", "1M requests", ...
  std::string description;
};

class PriceList {
 public:
  /// Parses a price file; nullopt with `*err` set when it is not one (not JSON, no regions,
  /// a region missing a key of "keys", a value that is not a number).
  static std::optional<PriceList> Parse(const std::string& text, std::string* err);
  /// The bundled data/prices.json.
  static const PriceList& Bundled();

  const std::string& currency() const { return currency_; }
  const std::string& date() const { return date_; }
  bool has_region(const std::string& region) const { return regions_.count(region) != 0; }
  std::vector<std::string> regions() const;
  /// The price of `key` in `region`. Throws std::logic_error for a key the file does not
  /// define (a bug: the rules and the file disagree; tests/prices and cost tests keep them in
  /// step) or a region it lacks (callers check has_region first).
  const Price& Get(const std::string& region, const std::string& key) const;
  const PriceKey* Key(const std::string& key) const;
  const std::map<std::string, PriceKey>& keys() const { return keys_; }
  /// assumptions.<name>.value (fargate_spot_discount, hours_per_month).
  double Assumption(const std::string& name) const;

 private:
  std::string currency_ = "USD";
  std::string date_;
  std::map<std::string, PriceKey> keys_;
  std::map<std::string, std::map<std::string, Price>> regions_;
  std::map<std::string, double> assumptions_;
};

}  // namespace eurus::cost
