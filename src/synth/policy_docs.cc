#include "synth/policy_docs.h"

namespace eurus::synth {

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
