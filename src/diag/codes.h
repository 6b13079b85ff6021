#pragma once
// Every diagnostic code eurus emits, in one place. Codes are stable: a code is never
// reused for a different mistake. docs/Diagnostics.md explains each one.

namespace eurus::codes {

// E0000: an internal error (Severity::kBug): a bug in eurus, never a mistake in the input
inline constexpr char kInternal[] = "E0000";

// E00xx: reading files and YAML structure
inline constexpr char kIo[] = "E0001";               // a file or directory cannot be read
inline constexpr char kYamlSyntax[] = "E0002";       // YAML syntax error
inline constexpr char kDuplicateKey[] = "E0003";     // a key appears twice in one mapping
inline constexpr char kUnknownKey[] = "E0004";       // a key the contract does not define
inline constexpr char kWrongType[] = "E0005";        // a value of the wrong shape or type
inline constexpr char kMissingField[] = "E0006";     // a required field is absent
inline constexpr char kBadValue[] = "E0007";         // a value outside its allowed set/range
inline constexpr char kFormatVersion[] = "E0008";    // `eurus:` format version unsupported
inline constexpr char kBadFileName[] = "E0009";      // environment/tenant file name invalid

// E01xx: organisation and accounts
inline constexpr char kBadName[] = "E0101";          // org/env/tenant/app/resource name pattern
inline constexpr char kBadAccountId[] = "E0102";     // not 12 digits
inline constexpr char kDuplicateAccount[] = "E0103"; // an account id used twice
inline constexpr char kRealms[] = "E0104";           // realms must be exactly nonprod and prod
inline constexpr char kBadEmail[] = "E0105";         // an alert/contact address is not an email
inline constexpr char kBadRepository[] = "E0106";   // ci.github_repository not owner/name
inline constexpr char kBadTag[] = "E0107";           // a tag key/value AWS would reject
inline constexpr char kBadDomain[] = "E0108";        // domain is not a valid DNS name
inline constexpr char kBadPrincipal[] = "E0109";     // an administrator is not an IAM role/user ARN
inline constexpr char kNoDeployer[] = "E0110";       // nobody could assume the deploy roles
inline constexpr char kBadBranch[] = "E0111";        // ci.default_branch is not a branch name
inline constexpr char kSharedCostMethod[] = "E0112"; // billing.shared_costs names no method
inline constexpr char kSharedCostTenant[] = "E0113"; // billing.shared_costs.fixed names no tenant
inline constexpr char kSharedCostPercent[] = "E0114"; // a fixed share is not a percent, or they exceed 100
inline constexpr char kCategoryRules[] = "E0115";    // the tenants' cost category needs more rules than AWS allows
inline constexpr char kSplitRules[] = "E0116";       // no longer reported (the compact form, W0024)
inline constexpr char kSplitTargets[] = "E0117";     // no longer reported (the compact form, W0024)
inline constexpr char kBudgetAmount[] = "E0118";     // a budget is not a positive amount of USD
inline constexpr char kBudgetEnvironment[] = "E0119"; // a budget for an environment the tenant is not onboarded in

// E02xx: network
inline constexpr char kBadCidr[] = "E0201";          // a CIDR that does not parse
inline constexpr char kCidrAlignment[] = "E0202";    // host bits set
inline constexpr char kCidrRange[] = "E0203";        // prefix outside what the field allows
inline constexpr char kCidrOverlap[] = "E0204";      // egress/destination overlaps the VPC
inline constexpr char kSubnetSize[] = "E0205";       // subnet size invalid for the VPC
inline constexpr char kAzRegion[] = "E0206";         // AZ not in the region
inline constexpr char kAzCount[] = "E0207";          // fewer than two AZs
inline constexpr char kAzDuplicate[] = "E0208";      // an AZ listed twice
inline constexpr char kVpcExhausted[] = "E0209";     // no room for the onboarded tenants
inline constexpr char kBadRegion[] = "E0210";        // region is not an AWS region name
inline constexpr char kBadTransitGateway[] = "E0211";  // tgw id malformed / without egress
inline constexpr char kBadEndpoint[] = "E0212";      // network.endpoints names an unknown service
inline constexpr char kHaOffInProd[] = "E0213";      // `ha: false` in the prod realm
inline constexpr char kEndpointZoneProd[] = "E0214";  // `endpoint_zones: one` in the prod realm

// E03xx: tenants, apps and resources
inline constexpr char kUnknownEnvironment[] = "E0301";  // tenant names an environment not defined
inline constexpr char kUnknownResource[] = "E0302";     // `uses` names no resource of the tenant
inline constexpr char kOverrideTarget[] = "E0303";      // override for an env/app/resource not there
inline constexpr char kFargateSize[] = "E0304";         // invalid cpu/memory pair
inline constexpr char kReplicas[] = "E0305";            // replica range inconsistent
inline constexpr char kProdReplicas[] = "E0306";        // prod app with fewer than 2 replicas
inline constexpr char kPortRequired[] = "E0307";        // route/health check/expose without a port
inline constexpr char kBadRoute[] = "E0308";            // route host or path invalid
inline constexpr char kBadImage[] = "E0309";            // image is not an ECR repository name
inline constexpr char kScaling[] = "E0310";             // scaling target invalid
inline constexpr char kAcu[] = "E0311";                 // Aurora ACU range invalid
inline constexpr char kEngineVersion[] = "E0312";       // engine version malformed
inline constexpr char kDocdbInstances[] = "E0313";      // DocumentDB instance count/class
inline constexpr char kBadSecret[] = "E0314";           // secret name invalid
inline constexpr char kDuplicateItem[] = "E0315";       // the same item twice in a list
inline constexpr char kResourceField[] = "E0316";       // a field that does not apply to this type
inline constexpr char kBadEnvVar[] = "E0317";           // environment variable name invalid
inline constexpr char kNoEnvironments[] = "E0318";      // tenant onboarded nowhere
inline constexpr char kReservedImage[] = "E0319";       // image under the platform's eurus/ prefix
inline constexpr char kRulePriority[] = "E0320";        // listener rule priorities cannot be assigned
inline constexpr char kEdgeExposure[] = "E0321";       // an exposure the edge cannot serve (host, route)
inline constexpr char kRestore[] = "E0322";             // `restore_from` malformed or not for this type
inline constexpr char kReservedPort[] = "E0323";        // app port taken by the collector sidecar
inline constexpr char kTenantAccess[] = "E0324";        // `access` names no IAM role/user, or too many to trust
inline constexpr char kSampling[] = "E0325";            // a tracing sampling rate or reservoir out of range
inline constexpr char kSamplingRules[] = "E0326";       // more X-Ray sampling rules than the account's quota
inline constexpr char kApexOwners[] = "E0327";          // two environments own the org's apex zone
inline constexpr char kApexShadowed[] = "E0328";        // an apex-zone host under another environment's delegated zone
inline constexpr char kApexZone[] = "E0329";            // `ingress.apex_zone` malformed or without a domain
inline constexpr char kEurusInstall[] = "E0332";        // ci.eurus incomplete or ambiguous, or absent for `eurus ci github`
inline constexpr char kPartition[] = "E0333";          // region outside the commercial partition (GovCloud, China, ISO)
inline constexpr char kReservedTenant[] = "E0334";     // a tenant name the platform's tags and cost category use

// E04xx: derived AWS names
inline constexpr char kNameTooLong[] = "E0401";      // a derived AWS name exceeds its limit
inline constexpr char kNameInvalid[] = "E0402";      // a derived AWS name breaks its char rules

// E05xx: environments
inline constexpr char kRetention[] = "E0501";        // not a CloudWatch Logs retention value
inline constexpr char kDr[] = "E0502";               // RPO/RTO cannot be met
inline constexpr char kIngress[] = "E0503";          // ingress needs something it lacks

// E06xx: lock file
inline constexpr char kLockCorrupt[] = "E0601";      // eurus.lock.json cannot be read
inline constexpr char kLockFrozen[] = "E0602";       // --frozen and the lock would change
inline constexpr char kLockConflict[] = "E0603";     // the lock's allocations no longer fit
inline constexpr char kReleaseUnknown[] = "E0604";   // nothing to release

// E09xx: cost estimates (eurus cost)
inline constexpr char kNoPrices[] = "E0901";         // the price file has no prices for the region
inline constexpr char kUsageName[] = "E0902";        // the usage file names no such environment/tenant/app/store
inline constexpr char kUsageValue[] = "E0903";       // a usage value that is not a number >= 0

// W0xxx: warnings (never fail a run)
inline constexpr char kWarnSingleNat[] = "W0001";     // single NAT gateway in the prod realm
inline constexpr char kWarnReserved[] = "W0002";      // removed tenant still holds subnets
inline constexpr char kWarnNoProtection[] = "W0003";  // prod environment without protection
inline constexpr char kWarnSpotProd[] = "W0004";      // prod app entirely on FARGATE_SPOT
inline constexpr char kWarnManualValidation[] = "W0005";  // a route host's certificate needs DNS records added by hand
inline constexpr char kWarnUnbackedBucket[] = "W0006";  // prod bucket without versioning: no backup
inline constexpr char kWarnNoFlowLogs[] = "W0007";  // VPC flow logs turned off
inline constexpr char kWarnNoRepository[] = "W0010";  // `eurus ci github` without ci.github_repository
inline constexpr char kWarnEndpointsMissing[] = "W0011";  // tasks need an AWS API the VPC cannot reach
inline constexpr char kWarnNoInsightsProd[] = "W0012";  // prod environment without Container Insights
inline constexpr char kWarnFixedSplit[] = "W0013";  // fixed shared costs: the cost categories split the rest evenly
inline constexpr char kWarnBudgetRecipients[] = "W0014";  // a budget notifies nobody, or more than AWS allows
inline constexpr char kWarnSharedImage[] = "W0015";  // an image two tenants run: their release roles cannot push it
inline constexpr char kWarnApexNonprod[] = "W0016";  // a nonprod environment owns the org's apex zone
inline constexpr char kWarnViewerNames[] = "W0017";  // a CloudFront certificate over ACM's default 10 names
// W0018-W0023: valid settings that do not do what they seem to (model/check_surprises.cc)
inline constexpr char kWarnInternalOnlyRoute[] = "W0018";  // a routed app the environment's edge does not expose
inline constexpr char kWarnNatWithoutEgress[] = "W0019";   // `nat_gateways` in an environment without NAT gateways
inline constexpr char kWarnOverlappingVpcs[] = "W0020";    // two environments' VPC ranges overlap
inline constexpr char kWarnIdleFlowLogRetention[] = "W0021";  // flow log retention with flow logs off
inline constexpr char kWarnIdleEndpointZones[] = "W0022";  // `endpoint_zones` without interface endpoints
inline constexpr char kWarnFixedScaling[] = "W0023";       // scaling targets with replicas.min == replicas.max
inline constexpr char kWarnCompactCategory[] = "W0024";    // the cost category is one value per tenant (compact form)

}  // namespace eurus::codes
