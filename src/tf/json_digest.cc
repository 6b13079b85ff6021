#include "tf/json_digest.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

namespace eurus::tf {

namespace {
constexpr size_t kFlushAt = 1 << 16;
}  // namespace

JsonDigest::JsonDigest() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  buf_.reserve(kFlushAt + 64);
}

JsonDigest::~JsonDigest() { EVP_MD_CTX_free(ctx_); }

void JsonDigest::Flush() {
  EVP_DigestUpdate(ctx_, buf_.data(), buf_.size());
  buf_.clear();
}

void JsonDigest::Size(size_t n) {
  char b[sizeof(uint64_t)];
  const auto v = static_cast<uint64_t>(n);
  std::memcpy(b, &v, sizeof v);
  buf_.append(b, sizeof b);
}

void JsonDigest::Add(std::string_view s) {
  Byte('S');
  Size(s.size());
  if (buf_.size() + s.size() > kFlushAt) {
    Flush();
    EVP_DigestUpdate(ctx_, s.data(), s.size());
  } else {
    buf_.append(s);
  }
}

void JsonDigest::Add(const Json& j) {
  Byte('D');
  Walk(j);
}

void JsonDigest::Walk(const Json& j) {
  if (buf_.size() > kFlushAt) Flush();
  switch (j.type()) {
    case Json::value_t::object: {
      const auto& o = j.get_ref<const Json::object_t&>();
      Byte('{');
      Size(o.size());
      for (const auto& [k, v] : o) {
        Add(std::string_view(k));
        Walk(v);
      }
      return;
    }
    case Json::value_t::array: {
      const auto& a = j.get_ref<const Json::array_t&>();
      Byte('[');
      Size(a.size());
      for (const auto& v : a) Walk(v);
      return;
    }
    case Json::value_t::string:
      Add(std::string_view(j.get_ref<const std::string&>()));
      return;
    case Json::value_t::boolean:
      Byte(j.get<bool>() ? 't' : 'f');
      return;
    case Json::value_t::number_integer: {
      const auto v = j.get<int64_t>();
      if (v >= 0) {
        Byte('u');
        Size(static_cast<uint64_t>(v));
      } else {
        Byte('i');
        Size(static_cast<uint64_t>(v));
      }
      return;
    }
    case Json::value_t::number_unsigned:
      Byte('u');
      Size(j.get<uint64_t>());
      return;
    case Json::value_t::number_float: {
      const double d = j.get<double>();
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      Byte('d');
      Size(bits);
      return;
    }
    case Json::value_t::binary: {
      // Never generated; its bytes and subtype, tagged apart from strings.
      const auto& b = j.get_binary();
      Byte('b');
      Size(b.has_subtype() ? b.subtype() + 1 : 0);
      Size(b.size());
      buf_.append(reinterpret_cast<const char*>(b.data()), b.size());
      return;
    }
    case Json::value_t::null:
      Byte('n');
      return;
    case Json::value_t::discarded:  // Dump renders it "<discarded>", not "null"
      Byte('x');
      return;
  }
}

std::string JsonDigest::Finish() {
  Flush();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_, md, &n);
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

}  // namespace eurus::tf
