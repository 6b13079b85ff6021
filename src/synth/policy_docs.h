#pragma once
// Pieces of IAM and resource policy documents that several units write the same way.

#include <string>
#include <vector>

#include "tf/unit.h"

namespace eurus::synth {

/// The "Version" of every policy document.
inline constexpr char kPolicyVersion[] = "2012-10-17";

/// A policy document of `statements` as literal JSON (not jsonencode), so scanners and
/// E0807 can read it.
std::string Policy(tf::Json statements);

/// arn:aws:iam::<account>:root: the account as a principal (its IAM policies decide who).
std::string Root(const std::string& account);

/// The two statements every customer-managed key of eurus starts with: the account
/// administers the key (the default key policy: without it nobody could change the key
/// again), and the account's principals use it only through `services` (kms:ViaService
/// `<service>.<region>.amazonaws.com`, one string for one service), as statement `use_sid`.
tf::Json KeyAccountStatements(const std::string& account, const std::string& region,
                              const std::vector<std::string>& services, const std::string& use_sid);

/// The policy of an alarm topic `topic_arn` in `account`: the account manages the topic, and
/// CloudWatch alarms of this account (and no other) publish to it.
std::string AlarmTopicPolicy(const std::string& region, const std::string& account, const std::string& topic_arn);

/// Two bucket-policy statements denying requests to bucket `arn` and its objects without
/// TLS, or with TLS older than 1.2.
tf::Json DenyInsecureTransport(const std::string& arn);

}  // namespace eurus::synth
