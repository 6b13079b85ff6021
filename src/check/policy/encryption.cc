// E0804: every data store is encrypted with a customer-managed KMS key (S3: by a server-side
// encryption configuration naming one, but for load balancer log buckets, which may use
// SSE-S3).

#include <fmt/format.h>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

/// True when `v` names a customer-managed KMS key (or cannot be followed: benefit of the
/// doubt); false when absent or an AWS-managed key (alias/aws/...).
bool CustomerKey(const Index& ix, size_t u, const json* v) {
  if (!v) return false;
  std::vector<Target> ts = Resolve(ix, u, v);
  if (ts.empty()) return false;
  for (const Target& t : ts) {
    switch (t.kind) {
      case Target::kUnknown:
        continue;
      case Target::kLiteral:
        if (t.literal.empty() || t.literal.find("alias/aws/") != std::string::npos) return false;
        continue;
      case Target::kRef: {
        if (t.type == "aws_kms_key" || t.type == "aws_kms_replica_key" ||
            t.type == "aws_kms_external_key" || t.type == "aws_kms_replica_external_key")
          continue;
        if (t.type == "aws_kms_alias" || t.type == "data.aws_kms_alias" ||
            t.type == "data.aws_kms_key") {
          const json* body = BodyOf(ix, t);
          const std::string* n =
              body ? Str(At(*body, t.type == "data.aws_kms_key" ? "key_id" : "name")) : nullptr;
          if (n && n->find("alias/aws/") != std::string::npos) return false;
          continue;
        }
        return false;
      }
    }
  }
  return true;
}

/// True when an aws_lb/aws_alb of unit `u` writes its access, connection or health check
/// logs to bucket `b` (named `bucket`).
bool LoadBalancerLogBucket(const Index& ix, size_t u, const Block& b,
                           const std::string* bucket) {
  for (const char* type : {"aws_lb", "aws_alb"})
    for (const char* arg :
         {"access_logs.bucket", "connection_logs.bucket", "health_check_logs.bucket"})
      if (!Companions(ix, u, b.type, b.name, type, arg, bucket).empty()) return true;
  return false;
}

}  // namespace

void Encryption(Context& ctx, size_t u, const Block& b, const DataStoreKind& k) {
  const char* help = "encrypt it with the environment's customer-managed KMS key";
  if (b.type == "aws_s3_bucket") {
    const std::string* bucket = Str(At(b.body, "bucket"));
    std::vector<const json*> rules;
    for (const json* conf :
         Companions(ctx.ix, u, b.type, b.name,
                    "aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket))
      Collect(*conf, "rule.apply_server_side_encryption_by_default", rules);
    Collect(b.body,
            "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default",
            rules);
    bool sse_s3 = false;
    for (const json* r : rules) {
      const std::string* alg = Str(At(*r, "sse_algorithm"));
      if (alg && (*alg == "aws:kms" || *alg == "aws:kms:dsse") &&
          CustomerKey(ctx.ix, u, At(*r, "kms_master_key_id")))
        return;
      sse_s3 = sse_s3 || (alg && *alg == "AES256");
    }
    // Elastic Load Balancing writes its logs only to SSE-S3 buckets: a bucket a load balancer
    // of the unit logs to may use SSE-S3, when its configuration says so.
    if (sse_s3 && LoadBalancerLogBucket(ctx.ix, u, b, bucket)) return;
    ctx.findings.Report(
        codes::kPolicyEncryption, u, b,
        "is not encrypted with a customer-managed KMS key (no server-side encryption "
        "configuration names one; S3 falls back to SSE-S3)",
        "no customer-managed key",
        "add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "
        "aws:kms and the environment's key");
    return;
  }
  if (k.encrypted && !IsTrue(At(b.body, k.encrypted))) {
    ctx.findings.Report(codes::kPolicyEncryption, u, b, "is not encrypted at rest",
                        fmt::format("{} is not true", k.encrypted), help);
    return;
  }
  if (k.kms_key && !CustomerKey(ctx.ix, u, At(b.body, k.kms_key))) {
    ctx.findings.Report(
        codes::kPolicyEncryption, u, b,
        fmt::format("is not encrypted with a customer-managed KMS key ({} {})", k.kms_key,
                    At(b.body, k.kms_key) ? "names an AWS-managed key" : "is not set"),
        "no customer-managed key", help);
  }
}

}  // namespace eurus::check::policy
