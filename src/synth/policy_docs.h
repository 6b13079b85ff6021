#pragma once
// Pieces of IAM and resource policy documents that several units write the same way.

#include <string>

#include "tf/unit.h"

namespace eurus::synth {

/// The "Version" of every policy document.
inline constexpr char kPolicyVersion[] = "2012-10-17";

/// A policy document of `statements` as literal JSON (not jsonencode), so scanners and
/// E0807 can read it.
std::string Policy(tf::Json statements);

/// Two bucket-policy statements denying requests to bucket `arn` and its objects without
/// TLS, or with TLS older than 1.2.
tf::Json DenyInsecureTransport(const std::string& arn);

}  // namespace eurus::synth
