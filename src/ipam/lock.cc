#include "ipam/lock.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace eurus {
namespace {

using Json = nlohmann::json;
using Path = std::vector<std::string>;

Json CidrMapToJson(const std::map<std::string, Cidr>& m) {
  Json j = Json::object();
  for (const auto& [az, cidr] : m) j[az] = cidr.ToString();
  return j;
}

/// One block of an environment, for the overlap check.
struct Block {
  Cidr cidr;
  std::string what;  ///< "platform eu-west-1a", "tenant shop data eu-west-1b", ...
  Path path;
  bool in_vpc = true;  ///< false for egress subnets, which live in the secondary cidr
};

/// Builds a Lock from parsed JSON; stops at the first error, which it records in `err`.
class Reader {
 public:
  Reader(std::string_view text, LockParseError* err) : text_(text), err_(err) {}

  std::optional<Lock> Read(const Json& root) {
    if (!root.is_object()) {
      Fail({}, "lock file must be a json object");
      return std::nullopt;
    }
    auto version = root.find("version");
    if (version == root.end()) {
      Fail({}, "missing \"version\"");
      return std::nullopt;
    }
    if (!version->is_number_integer()) {
      Fail({"version"}, "\"version\" must be an integer");
      return std::nullopt;
    }
    if (*version != Lock::kVersion) {
      Fail({"version"},
           fmt::format("unsupported lock file version {} (this eurus reads version {})",
                       version->dump(), Lock::kVersion));
      return std::nullopt;
    }
    if (!KnownKeys(root, {}, {"environments", "version"})) return std::nullopt;
    Lock lock;
    auto envs = root.find("environments");
    if (envs == root.end()) return lock;
    if (!IsObject(*envs, {"environments"})) return std::nullopt;
    for (const auto& [name, env] : envs->items()) {
      std::optional<EnvLock> e = ReadEnv(env, {"environments", name});
      if (!e) return std::nullopt;
      lock.environments.emplace(name, std::move(*e));
    }
    return lock;
  }

 private:
  std::optional<EnvLock> ReadEnv(const Json& j, const Path& path) {
    if (!IsObject(j, path) || !KnownKeys(j, path, {"egress", "nat", "platform", "tenants", "vpc"})) {
      return std::nullopt;
    }
    EnvLock env;
    auto vpc_it = j.find("vpc");
    if (vpc_it == j.end()) {
      Fail(path, "missing \"vpc\"");
      return std::nullopt;
    }
    std::optional<Cidr> vpc = ReadCidr(*vpc_it, Join(path, "vpc"));
    if (!vpc) return std::nullopt;
    env.vpc = vpc->ToString();

    std::vector<Block> blocks;
    if (!ReadCidrMap(j, path, "platform", "platform", &env.platform, &blocks)) return std::nullopt;
    if (!ReadCidrMap(j, path, "egress", "egress", &env.egress, &blocks)) return std::nullopt;
    if (!ReadCidrMap(j, path, "nat", "nat", &env.nat, &blocks)) return std::nullopt;
    auto tenants = j.find("tenants");
    if (tenants != j.end()) {
      Path tpath = Join(path, "tenants");
      if (!IsObject(*tenants, tpath)) return std::nullopt;
      for (const auto& [name, t] : tenants->items()) {
        Path p = Join(tpath, name);
        if (!IsObject(t, p) || !KnownKeys(t, p, {"data", "tenant"})) return std::nullopt;
        EnvLock::Tenant tenant;
        if (!ReadCidrMap(t, p, "tenant", "tenant " + name + " tenant", &tenant.tenant, &blocks) ||
            !ReadCidrMap(t, p, "data", "tenant " + name + " data", &tenant.data, &blocks)) {
          return std::nullopt;
        }
        env.tenants.emplace(name, std::move(tenant));
      }
    }

    for (const Block& b : blocks) {
      if (b.in_vpc && !vpc->Contains(b.cidr)) {
        Fail(b.path, fmt::format("{} subnet {} lies outside the vpc {}", b.what, b.cidr.ToString(),
                                 env.vpc));
        return std::nullopt;
      }
    }
    std::sort(blocks.begin(), blocks.end(),
              [](const Block& a, const Block& b) { return a.cidr < b.cidr; });
    for (size_t i = 1; i < blocks.size(); ++i) {
      const Block& a = blocks[i - 1];
      const Block& b = blocks[i];
      if (a.cidr.Overlaps(b.cidr)) {
        Fail(b.path, fmt::format("{} subnet {} overlaps {} subnet {}", b.what, b.cidr.ToString(),
                                 a.what, a.cidr.ToString()));
        return std::nullopt;
      }
    }
    return env;
  }

  /// Reads the optional member `key` of `parent`: an object of az -> cidr string.
  bool ReadCidrMap(const Json& parent, const Path& parent_path, const std::string& key,
                   const std::string& what, std::map<std::string, Cidr>* out,
                   std::vector<Block>* blocks) {
    auto it = parent.find(key);
    if (it == parent.end()) return true;
    Path path = Join(parent_path, key);
    if (!IsObject(*it, path)) return false;
    for (const auto& [az, value] : it->items()) {
      Path p = Join(path, az);
      std::optional<Cidr> c = ReadCidr(value, p);
      if (!c) return false;
      out->emplace(az, *c);
      blocks->push_back({*c, what + " " + az, std::move(p), key != "egress"});
    }
    return true;
  }

  std::optional<Cidr> ReadCidr(const Json& j, const Path& path) {
    if (!j.is_string()) {
      Fail(path, "expected a cidr string");
      return std::nullopt;
    }
    std::string why;
    const std::string& s = j.get_ref<const std::string&>();
    std::optional<Cidr> c = Cidr::Parse(s, &why);
    if (!c) {
      Fail(path, fmt::format("invalid cidr \"{}\": {}", s, why));
      return std::nullopt;
    }
    if (!c->aligned()) {
      Fail(path, fmt::format("cidr {} is not aligned (host bits set; did you mean {}?)", s,
                             c->Network().ToString()));
      return std::nullopt;
    }
    return c;
  }

  bool IsObject(const Json& j, const Path& path) {
    if (j.is_object()) return true;
    return Fail(path, fmt::format("expected an object, found {}", j.type_name()));
  }

  bool KnownKeys(const Json& j, const Path& path, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : j.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Fail(Join(path, key), fmt::format("unknown key \"{}\"", key), /*at_value=*/false);
      }
    }
    return true;
  }

  static Path Join(const Path& path, std::string key) {
    Path p = path;
    p.push_back(std::move(key));
    return p;
  }

  /// Records the first error only. Always returns false.
  bool Fail(const Path& path, std::string message, bool at_value = true) {
    if (!err_) return false;
    std::string where;
    for (const std::string& key : path) where += (where.empty() ? "" : ".") + key;
    err_->message = where.empty() ? std::move(message) : where + ": " + message;
    err_->offset = Locate(path, at_value);
    return false;
  }

  /// Best-effort byte offset of the member at `path`: each key is searched for after the
  /// previous one. Points at the value (or at the key when !at_value); 0 if a key is absent.
  uint32_t Locate(const Path& path, bool at_value) const {
    size_t pos = 0;
    size_t key_at = 0;
    for (const std::string& key : path) {
      std::string needle = Json(key).dump();
      key_at = text_.find(needle, pos);
      if (key_at == std::string_view::npos) return 0;
      pos = key_at + needle.size();
    }
    if (path.empty()) return 0;
    if (!at_value) return static_cast<uint32_t>(key_at);
    while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t' || text_[pos] == '\n' ||
                                  text_[pos] == '\r' || text_[pos] == ':')) {
      ++pos;
    }
    return static_cast<uint32_t>(pos);
  }

  std::string_view text_;
  LockParseError* err_;
};

}  // namespace

std::string SerializeLock(const Lock& lock) {
  Json envs = Json::object();
  for (const auto& [name, env] : lock.environments) {
    Json tenants = Json::object();
    for (const auto& [tenant, blocks] : env.tenants) {
      tenants[tenant] = {{"data", CidrMapToJson(blocks.data)},
                         {"tenant", CidrMapToJson(blocks.tenant)}};
    }
    envs[name] = {{"egress", CidrMapToJson(env.egress)},
                  {"platform", CidrMapToJson(env.platform)},
                  {"tenants", std::move(tenants)},
                  {"vpc", env.vpc}};
    if (!env.nat.empty()) envs[name]["nat"] = CidrMapToJson(env.nat);
  }
  Json root = {{"environments", std::move(envs)}, {"version", Lock::kVersion}};
  return root.dump(2) + "\n";
}

std::optional<Lock> ParseLock(std::string_view text, LockParseError* err) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    if (err) {
      // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: <why>".
      std::string_view what = e.what();
      size_t colon = what.find(": ");
      err->message = fmt::format("malformed json: {}",
                                 colon == std::string_view::npos ? what : what.substr(colon + 2));
      // e.byte counts characters read, 1-based: the offending one is at byte - 1.
      err->offset =
          static_cast<uint32_t>(std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size()));
    }
    return std::nullopt;
  }
  return Reader(text, err).Read(root);
}

}  // namespace eurus
