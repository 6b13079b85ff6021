#include "synth/policy_docs.h"

#include <utility>

namespace eurus::synth {

std::string Policy(tf::Json statements) {
  return tf::Json{{"Version", kPolicyVersion}, {"Statement", std::move(statements)}}.dump();
}

tf::Json DenyInsecureTransport(const std::string& arn) {
  const tf::Json resources = {arn, arn + "/*"};
  return tf::Json::array({
      {{"Sid", "DenyInsecureTransport"},
       {"Effect", "Deny"},
       {"Principal", "*"},
       {"Action", "s3:*"},
       {"Resource", resources},
       {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}},
      {{"Sid", "DenyOutdatedTls"},
       {"Effect", "Deny"},
       {"Principal", "*"},
       {"Action", "s3:*"},
       {"Resource", resources},
       {"Condition", {{"NumericLessThan", {{"s3:TlsVersion", "1.2"}}}}}},
  });
}

}  // namespace eurus::synth
