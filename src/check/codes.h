#pragma once
// Diagnostic codes of `eurus validate` (E07xx): the generated OpenTofu tree checked offline
// against the hashicorp/aws provider schema. Same rules as diag/codes.h: a code is stable and
// never reused for a different mistake.

namespace eurus::codes {

// E07xx: generated OpenTofu (out/) against the provider schema
inline constexpr char kSchemaMissing[] = "E0701";  // the provider schema file cannot be read
inline constexpr char kSchemaInvalid[] = "E0702";  // the schema file is not an extracted schema
inline constexpr char kNoUnits[] = "E0703";        // out/ missing, empty, or a unit lacks a file
inline constexpr char kTfJson[] =
    "E0704";  // a .tf.json file that does not parse or has a bad shape
inline constexpr char kUnknownType[] =
    "E0705";  // resource/data source type unknown to the provider
inline constexpr char kUnknownArgument[] = "E0706";  // an argument or block the type does not have
inline constexpr char kMissingArgument[] = "E0707";  // a required argument or block is absent
inline constexpr char kArgumentShape[] =
    "E0708";  // block given as a value, value as an object, ...
inline constexpr char kTooManyBlocks[] = "E0709";  // more than one of a block allowed once
inline constexpr char kUndeclared[] = "E0710";  // reference to something the unit does not declare
inline constexpr char kUnknownAttribute[] =
    "E0711";  // reference to an attribute the type does not have
inline constexpr char kBadInterpolation[] =
    "E0712";                                    // an unterminated `${` or a malformed traversal
inline constexpr char kProviders[] = "E0713";   // required_providers.aws or backend missing
inline constexpr char kDependency[] = "E0714";  // terragrunt.hcl names a unit that does not exist
inline constexpr char kUnknownFunction[] = "E0715";  // a call of a function OpenTofu does not have
inline constexpr char kCountAndForEach[] = "E0716";  // a block with both count and for_each
inline constexpr char kCycle[] = "E0717";  // blocks of a unit that depend on each other

// E08xx: platform policy on the generated units (check/policy.h, docs/Security.md)
inline constexpr char kPolicyAzSpread[] = "E0801";    // a workload or data store in too few AZs
inline constexpr char kPolicyPublic[] = "E0802";      // a public IP or an internet-facing resource
inline constexpr char kPolicyInternetRoute[] =
    "E0803";  // a route to an internet gateway from outside the public NAT subnets
inline constexpr char kPolicyEncryption[] =
    "E0804";  // a data store not encrypted with a customer-managed KMS key
inline constexpr char kPolicyBackup[] = "E0805";      // a data store without a backup meeting the RPO
inline constexpr char kPolicyTags[] = "E0806";        // a taggable resource without the eurus tags
inline constexpr char kPolicyIamWildcard[] = "E0807"; // an IAM policy allowing `*` on `*`
inline constexpr char kPolicyTenantIsolation[] =
    "E0808";  // a security group admitting another tenant's traffic
inline constexpr char kPolicyDeletionProtection[] =
    "E0809";  // a data store without deletion protection where it is required
inline constexpr char kPolicyBoundary[] = "E0810";    // an IAM role without the account's boundary
inline constexpr char kPolicyTenantRole[] =
    "E0811";  // a tenant's role reaching beyond the tenant's own resources

}  // namespace eurus::codes
