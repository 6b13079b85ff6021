#pragma once
// A SHA-256 digest of JSON documents as trees, without rendering them: what the incremental
// synth and `eurus changes --base` compare to learn that a unit's files are the same as
// before without writing them out (docs/Pipelines.md, "Incremental synth").
//
// The encoding fed to the hash is injective on what Dump() renders differently: every value
// is tagged with its type, strings and containers carry their length, object keys come in
// their (sorted) order. Integers are fed by value whatever their signedness (Dump prints
// 5 and 5u alike); a double is fed by its bits, tagged apart from integers (Dump prints 1.0
// and 1 differently). So equal digests mean equal rendered bytes.

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "tf/unit.h"

namespace eurus::tf {

class JsonDigest {
 public:
  JsonDigest();
  ~JsonDigest();
  JsonDigest(const JsonDigest&) = delete;
  JsonDigest& operator=(const JsonDigest&) = delete;

  /// Feeds a document (tagged, so Add(a); Add(b) differs from any single document).
  void Add(const Json& j);
  /// Feeds a string, length-prefixed.
  void Add(std::string_view s);
  /// "sha256:<hex>" of what was fed; the digest cannot be fed afterwards.
  std::string Finish();

 private:
  void Walk(const Json& j);
  void Byte(char c) {
    buf_ += c;
  }
  void Size(size_t n);
  void Flush();

  EVP_MD_CTX* ctx_;
  std::string buf_;
};

}  // namespace eurus::tf
