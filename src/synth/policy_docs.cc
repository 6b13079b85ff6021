#include "synth/policy_docs.h"

#include <fmt/format.h>

#include <utility>

namespace eurus::synth {

std::string Policy(tf::Json statements) {
  return tf::Json{{"Version", kPolicyVersion}, {"Statement", std::move(statements)}}.dump();
}

std::string Root(const std::string& account) { return fmt::format("arn:aws:iam::{}:root", account); }

tf::Json KeyAccountStatements(const std::string& account, const std::string& region,
                              const std::vector<std::string>& services, const std::string& use_sid) {
  tf::Json via = tf::Json::array();
  for (const auto& s : services) via.push_back(fmt::format("{}.{}.amazonaws.com", s, region));
  return tf::Json::array({
      {{"Sid", "AccountAdministers"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(account)}}},
       {"Action", "kms:*"},
       {"Resource", "*"}},
      {{"Sid", use_sid},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(account)}}},
       {"Action",
        {"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
         "kms:ReEncrypt*"}},
       {"Resource", "*"},
       {"Condition",
        {{"StringEquals", {{"kms:CallerAccount", account}, {"kms:ViaService", via.size() == 1 ? via[0] : via}}}}}},
  });
}

std::string AlarmTopicPolicy(const std::string& region, const std::string& account, const std::string& topic_arn) {
  return Policy(tf::Json::array({
      {{"Sid", "AccountManagesTopic"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(account)}}},
       {"Action",
        {"SNS:AddPermission", "SNS:DeleteTopic", "SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic",
         "SNS:Publish", "SNS:RemovePermission", "SNS:SetTopicAttributes", "SNS:Subscribe"}},
       {"Resource", topic_arn}},
      {{"Sid", "CloudWatchAlarmsPublish"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "cloudwatch.amazonaws.com"}}},
       {"Action", "SNS:Publish"},
       {"Resource", topic_arn},
       {"Condition",
        {{"StringEquals", {{"aws:SourceAccount", account}}},
         {"ArnLike", {{"aws:SourceArn", fmt::format("arn:aws:cloudwatch:{}:{}:alarm:*", region, account)}}}}}},
  }));
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
