#include "cost/cur.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <unordered_map>

namespace eurus::cost {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Norm(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if ((c >= 'a' && c <= 'z') || IsDigit(c)) return c;
  return '_';
}

/// `key` (a raw JSON key) names `want` (already normalised, e.g. "eurus_tenant").
bool KeyMatches(std::string_view key, std::string_view want) {
  auto same = [&](std::string_view k) {
    if (k.size() != want.size()) return false;
    for (size_t i = 0; i < k.size(); ++i)
      if (Norm(k[i]) != want[i]) return false;
    return true;
  };
  if (key.size() > 5 && Norm(key[0]) == 'u' && Norm(key[1]) == 's' && Norm(key[2]) == 'e' &&
      Norm(key[3]) == 'r' && Norm(key[4]) == '_' && same(key.substr(5)))
    return true;
  return same(key);
}

/// A JSON string starting at `s[i]` == '"': its raw content; `i` moves past the closing quote.
std::string_view JsonString(std::string_view s, size_t& i) {
  size_t start = ++i;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  std::string_view out = s.substr(start, std::min(i, s.size()) - start);
  ++i;
  return out;
}

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

}  // namespace

std::string CurError::Text() const {
  return line > 0 ? fmt::format("{}:{}: {}", file, line, message) : fmt::format("{}: {}", file, message);
}

bool ParseAmount(std::string_view t, Amount* out) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  *out = 0;
  if (t.empty()) return true;
  size_t i = 0;
  bool neg = false;
  if (t[i] == '-' || t[i] == '+') neg = t[i++] == '-';
  uint64_t mant = 0;
  int exp10 = 0;  // value = mant × 10^exp10
  int digits = 0;
  bool any = false;
  for (; i < t.size() && IsDigit(t[i]); ++i, any = true) {
    if (digits < 18) mant = mant * 10 + static_cast<uint64_t>(t[i] - '0'), digits += mant > 0;
    else ++exp10;
  }
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && IsDigit(t[i]); ++i, any = true) {
      if (digits < 18) mant = mant * 10 + static_cast<uint64_t>(t[i] - '0'), digits += mant > 0, --exp10;
    }
  }
  if (!any) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) eneg = t[i++] == '-';
    int e = 0;
    bool edig = false;
    for (; i < t.size() && IsDigit(t[i]); ++i, edig = true) e = std::min(e * 10 + (t[i] - '0'), 1000);
    if (!edig) return false;
    exp10 += eneg ? -e : e;
  }
  if (i != t.size()) return false;
  int scale = exp10 + kAmountDecimals;  // amount = mant × 10^scale
  uint64_t v = mant;
  if (scale >= 0) {
    for (int k = 0; k < scale && v; ++k) {
      if (v > static_cast<uint64_t>(std::numeric_limits<Amount>::max()) / 10) return false;
      v *= 10;
    }
  } else if (scale < -19) {
    v = 0;
  } else {
    uint64_t p = 1;
    for (int k = 0; k < -scale; ++k) p *= 10;
    uint64_t q = v / p, r = v % p;
    v = q + (r * 2 >= p ? 1 : 0);  // half away from zero (the sign is applied after)
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<Amount>::max())) return false;
  *out = neg ? -static_cast<Amount>(v) : static_cast<Amount>(v);
  return true;
}

std::string_view TagValue(std::string_view s, std::string_view key) {
  std::string want;
  for (char c : key) want += Norm(c);
  size_t i = 0;
  SkipSpace(s, i);
  if (i >= s.size() || s[i] != '{') return {};
  ++i;
  while (i < s.size()) {
    SkipSpace(s, i);
    if (i >= s.size() || s[i] != '"') return {};
    std::string_view k = JsonString(s, i);
    SkipSpace(s, i);
    if (i >= s.size() || s[i] != ':') return {};
    ++i;
    SkipSpace(s, i);
    std::string_view v;
    if (i < s.size() && s[i] == '"') {
      v = JsonString(s, i);
    } else {
      size_t start = i;
      while (i < s.size() && s[i] != ',' && s[i] != '}') ++i;
      v = s.substr(start, i - start);
    }
    if (KeyMatches(k, want)) return v;
    SkipSpace(s, i);
    if (i >= s.size() || s[i] != ',') return {};
    ++i;
  }
  return {};
}

namespace {

/// The columns the report reads; product code falls back to product_servicecode.
enum Col { kAccount, kType, kCost, kCurrency, kPeriod, kTags, kProduct, kServiceCode, kCols };
constexpr std::array<const char*, kCols> kColNames = {
    "line_item_usage_account_id", "line_item_line_item_type", "line_item_unblended_cost",
    "line_item_currency_code",    "bill_billing_period_start_date", "resource_tags",
    "line_item_product_code",     "product_servicecode"};

/// The number of '"' in [p, end), eight bytes at a time: a byte of w ^ 0x22… is zero exactly
/// where w has a quote, and the mask below has its high bit for each zero byte (exact, no
/// carries between bytes).
size_t CountQuotes(const char* p, const char* end) {
  constexpr uint64_t kQuotes = 0x2222222222222222ULL, kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  size_t n = 0;
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t x = w ^ kQuotes;
    uint64_t nonzero = ((x & kLow7) + kLow7) | x;
    // One bit per quote at bit 7 of its byte; the multiply sums the bytes into the top one.
    n += static_cast<size_t>((((~nonzero & ~kLow7) >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (; p < end; ++p) n += *p == '"';
  return n;
}

/// A field as Split left it, with doubled quotes made single (in place: the field's bytes
/// are the buffer's, and the result is never longer).
std::string_view Unquote(std::string_view f) {
  const char* q = static_cast<const char*>(std::memchr(f.data(), '"', f.size()));
  if (!q) return f;
  char* b = const_cast<char*>(f.data());  // NOLINT: the stream's own mutable buffer
  size_t out = static_cast<size_t>(q - f.data());
  for (size_t i = out; i < f.size(); ++i) {
    b[out++] = f[i];
    if (f[i] == '"' && i + 1 < f.size() && f[i + 1] == '"') ++i;
  }
  return {b, out};
}

/// resource_tags text → (tenant, environment): the same few tag sets repeat on every line of
/// a resource, so each is parsed once. Bounded: cleared when it holds too many.
class TagCache {
 public:
  const std::pair<std::string, std::string>& Get(std::string_view tags) {
    key_.assign(tags.data(), tags.size());
    auto it = map_.find(key_);
    if (it != map_.end()) return it->second;
    if (map_.size() >= 8192) map_.clear();
    return map_.emplace(key_, std::pair<std::string, std::string>(TagValue(tags, "eurus:tenant"),
                                                                  TagValue(tags, "eurus:environment")))
        .first->second;
  }

 private:
  std::unordered_map<std::string, std::pair<std::string, std::string>> map_;
  std::string key_;
};

/// Streams CSV records out of a (possibly gzip) file in a bounded buffer.
class CsvStream {
 public:
  explicit CsvStream(gzFile f) : f_(f), buf_(1 << 20, '\0') {}

  /// The next record's fields (views into the buffer, unquoted), false at the end of input.
  /// `line` is the physical line the record starts on; `error` is set for a malformed record.
  bool Next(std::vector<std::string_view>& fields, int64_t& line, std::string& error) {
    error.clear();
    size_t end;
    for (;;) {
      if (FindEnd(end)) break;
      if (!Fill()) {
        if (begin_ == fill_) return false;
        if (quoted_) {
          error = "a quoted field is not closed before the end of the file";
          line = line_;
          begin_ = fill_;
          return true;
        }
        end = fill_;  // the last record has no newline
        break;
      }
    }
    line = line_;
    line_ += 1 + inner_lines_;
    size_t rb = begin_, re = end;
    begin_ = scan_ = std::min(end + 1, fill_);
    inner_lines_ = 0;
    quoted_ = false;
    if (re > rb && buf_[re - 1] == '\r') --re;
    Split(rb, re, fields, error);
    return true;
  }

  /// Set after the input ends: the gzip stream was cut short or could not be read.
  std::string read_error;

 private:
  /// The end of the record at begin_ (the newline outside quotes), scanning from scan_.
  bool FindEnd(size_t& end) {
    while (scan_ < fill_) {
      const char* base = buf_.data();
      const void* nl = std::memchr(base + scan_, '\n', fill_ - scan_);
      size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) : fill_;
      size_t quotes = CountQuotes(base + scan_, base + stop);
      if (quotes & 1) quoted_ = !quoted_;
      if (!nl) {
        scan_ = fill_;
        return false;
      }
      scan_ = stop + 1;
      if (!quoted_) {
        end = stop;
        return true;
      }
      ++inner_lines_;
    }
    return false;
  }

  /// Moves the partial record to the front and reads more; false at the end of input.
  bool Fill() {
    if (eof_) return false;
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, fill_ - begin_);
      fill_ -= begin_;
      scan_ -= begin_;
      begin_ = 0;
    }
    if (fill_ == buf_.size()) buf_.resize(buf_.size() * 2, '\0');  // a record longer than the buffer
    int n = gzread(f_, buf_.data() + fill_, static_cast<unsigned>(buf_.size() - fill_));
    if (n <= 0) {
      eof_ = true;
      int code = Z_OK;
      const char* msg = gzerror(f_, &code);
      if (n < 0 || code == Z_BUF_ERROR)
        read_error = code == Z_BUF_ERROR ? "the gzip stream is truncated (unexpected end of file)"
                                         : fmt::format("cannot read: {}", msg ? msg : "unknown error");
      return false;
    }
    fill_ += static_cast<size_t>(n);
    return true;
  }

  /// Cuts the record into fields. A quoted field is the text between its quotes with its
  /// doubled quotes still doubled (Unquote undoes them, for the fields that are used).
  void Split(size_t rb, size_t re, std::vector<std::string_view>& fields, std::string& error) {
    fields.clear();
    const char* b = buf_.data();
    size_t i = rb;
    for (;;) {
      if (i < re && b[i] == '"') {
        size_t j = i + 1;
        for (;;) {
          const void* q = std::memchr(b + j, '"', re - j);
          if (!q) {
            error = "a quoted field is not closed";
            return;
          }
          j = static_cast<size_t>(static_cast<const char*>(q) - b);
          if (j + 1 < re && b[j + 1] == '"') {
            j += 2;
            continue;
          }
          break;
        }
        fields.emplace_back(b + i + 1, j - i - 1);
        ++j;
        if (j < re && b[j] != ',') {
          error = fmt::format("unexpected text after the closing quote of field {}", fields.size());
          return;
        }
        if (j >= re) return;
        i = j + 1;
      } else {
        const void* c = std::memchr(b + i, ',', re - i);
        size_t stop = c ? static_cast<size_t>(static_cast<const char*>(c) - b) : re;
        fields.emplace_back(b + i, stop - i);
        if (!c) return;
        i = stop + 1;
      }
    }
  }

  gzFile f_;
  std::string buf_;
  size_t begin_ = 0, scan_ = 0, fill_ = 0;
  bool quoted_ = false, eof_ = false;
  int64_t line_ = 1, inner_lines_ = 0;
};

struct GzCloser {
  gzFile f;
  ~GzCloser() {
    if (f) gzclose(f);
  }
};

}  // namespace

int64_t ReadCurFile(const std::string& path, const std::function<void(const CurRow&)>& row,
                    std::vector<CurError>& errors, int max_errors) {
  size_t first = errors.size();
  int64_t dropped = 0;
  auto add = [&](int64_t line, std::string msg) {
    if (static_cast<int>(errors.size() - first) < max_errors) errors.push_back({path, line, std::move(msg)});
    else ++dropped;
  };
  struct Dropped {  // one last error saying how many were left out
    std::vector<CurError>& errors;
    const std::string& path;
    int64_t& n;
    ~Dropped() {
      if (n) errors.push_back({path, 0, fmt::format("{} more error{} not shown", n, n == 1 ? "" : "s")});
    }
  } note{errors, path, dropped};
  gzFile f = gzopen(path.c_str(), "rb");  // plain files are read as they are (zlib's transparent mode)
  if (!f) {
    add(0, fmt::format("cannot open: {}", std::strerror(errno)));
    return 0;
  }
  GzCloser closer{f};
  gzbuffer(f, 1 << 18);
  CsvStream csv(f);
  std::vector<std::string_view> fields;
  int64_t line = 0, rows = 0;
  std::string err;
  if (!csv.Next(fields, line, err)) {
    add(0, csv.read_error.empty() ? "the file is empty (no header row)" : csv.read_error);
    return 0;
  }
  if (!fields.empty() && fields[0].substr(0, 3) == "\xEF\xBB\xBF") fields[0].remove_prefix(3);
  std::array<int, kCols> at;
  at.fill(-1);
  for (size_t i = 0; i < fields.size(); ++i)
    for (int c = 0; c < kCols; ++c)
      if (fields[i] == kColNames[c]) at[c] = static_cast<int>(i);
  std::vector<std::string> missing;
  for (int c = 0; c < kProduct; ++c)
    if (at[c] < 0) missing.push_back(kColNames[c]);
  if (at[kProduct] < 0 && at[kServiceCode] < 0) missing.push_back("line_item_product_code");
  if (!missing.empty()) {
    add(1, fmt::format("missing required column{} {} (a CUR 2.0 export has them; docs/CostAllocation.md)",
                       missing.size() > 1 ? "s" : "", fmt::join(missing, ", ")));
    return 0;
  }
  const size_t width = fields.size();
  TagCache tag_cache;
  auto field = [&](int c) { return Unquote(fields[static_cast<size_t>(at[c])]); };
  while (csv.Next(fields, line, err)) {
    if (!err.empty()) {
      add(line, "malformed CSV row: " + err);
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (fields.size() != width) {
      add(line, fmt::format("malformed CSV row: {} fields, the header has {}", fields.size(), width));
      continue;
    }
    CurRow r;
    std::string_view cost = field(kCost);  // each field is unquoted once (in place)
    if (!ParseAmount(cost, &r.cost)) {
      add(line, fmt::format("line_item_unblended_cost `{}` is not a number", cost));
      continue;
    }
    std::string_view period = field(kPeriod);
    if (period.size() < 7 || !IsDigit(period[0]) || period[4] != '-' || !IsDigit(period[5])) {
      add(line, fmt::format("bill_billing_period_start_date `{}` is not a date", period));
      continue;
    }
    r.month = period.substr(0, 7);
    r.account = field(kAccount);
    r.line_type = field(kType);
    r.currency = field(kCurrency);
    if (at[kProduct] >= 0) r.service = field(kProduct);
    if (r.service.empty() && at[kServiceCode] >= 0) r.service = field(kServiceCode);
    std::string_view tags = field(kTags);
    if (tags.size() > 2) {
      const auto& te = tag_cache.Get(tags);
      r.tenant = te.first;
      r.environment = te.second;
    }
    row(r);
    ++rows;
  }
  if (!csv.read_error.empty()) add(line + 1, csv.read_error);
  return rows;
}

std::vector<std::string> FindCurFiles(const std::vector<std::string>& paths, const std::string& month,
                                      std::vector<CurError>& errors) {
  namespace fs = std::filesystem;
  auto is_data = [](const std::string& name) {
    auto ends = [&](const char* suf) {
      size_t n = std::strlen(suf);
      return name.size() >= n && name.compare(name.size() - n, n, suf) == 0;
    };
    return ends(".csv") || ends(".csv.gz");
  };
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      out.push_back(p);
      continue;
    }
    if (!fs::is_directory(p, ec)) {
      errors.push_back({p, 0, "no such file or directory"});
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (it->is_directory(ec)) {
        const std::string kPeriod = "BILLING_PERIOD=";
        if (!month.empty() && name.rfind(kPeriod, 0) == 0 && name.substr(kPeriod.size(), 7) != month)
          it.disable_recursion_pending();
        continue;
      }
      if (is_data(name)) found.push_back(it->path().string());
    }
    if (ec) errors.push_back({p, 0, fmt::format("cannot list: {}", ec.message())});
    std::sort(found.begin(), found.end());
    if (found.empty() && !ec) errors.push_back({p, 0, "no CUR data files (*.csv, *.csv.gz) in this directory"});
    out.insert(out.end(), found.begin(), found.end());
  }
  // A file named twice (a folder and a file in it) is read once.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : out) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(f, ec);
    if (seen.insert(ec ? f : canonical.string()).second) unique.push_back(f);
  }
  return unique;
}

}  // namespace eurus::cost
