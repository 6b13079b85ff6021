// `eurus schema`: JSON Schema (draft 2020-12) for the three file kinds, for editors' YAML
// language servers. The property lists mirror config::keys (schema_test.cc asserts they are
// equal), and the limits mirror the checks in model/build.cc (a resource's fields, ranges and
// defaults are read from catalog/store_kinds.h, as the model's are), so an editor flags what
// `eurus check` would reject. Checks that need more than one file (references, overlaps,
// derived name lengths) stay with `eurus check`.

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "catalog/store_kinds.h"
#include "cli/commands.h"
#include "diag/codes.h"
#include "model/build.h"

namespace eurus::cli {

namespace {

using nlohmann::json;

constexpr char kDraft[] = "https://json-schema.org/draft/2020-12/schema";

// ---- patterns (ECMA-262), each the regular-expression form of a check in model/ ----

/// A regular expression and what to tell the user when a value does not match it
/// (`patternErrorMessage`, which yaml-language-server shows instead of the expression).
struct Pattern {
  const char* re;
  const char* message;
};

#define EURUS_OCTET "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
#define EURUS_IPV4 EURUS_OCTET "\\." EURUS_OCTET "\\." EURUS_OCTET "\\." EURUS_OCTET
#define EURUS_DNS_LABEL "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
#define EURUS_ANY_LABEL "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  // emails lowercase it
constexpr Pattern kVpcCidr = {"^" EURUS_IPV4 "/(1[6-9]|2[0-4])$",
                              "expected an IPv4 CIDR from /16 to /24, such as 10.0.0.0/16"};
constexpr Pattern kEgressCidr = {"^" EURUS_IPV4 "/(1[6-9]|2[0-8])$",
                                 "expected an IPv4 CIDR from /16 to /28, such as 10.102.9.0/24"};
constexpr Pattern kDestinationCidr = {
    "^" EURUS_IPV4 "/([1-9]|[12][0-9]|3[0-2])$",
    "expected an IPv4 CIDR such as 192.168.0.0/16 (not 0.0.0.0/0)"};
constexpr Pattern kDomain = {
    "^" EURUS_DNS_LABEL "(\\." EURUS_DNS_LABEL ")+$",
    "expected lowercase DNS labels joined by dots, such as acme.example.com"};
constexpr Pattern kHost = {
    "^" EURUS_DNS_LABEL "(\\." EURUS_DNS_LABEL ")*$",
    "expected a DNS label such as shop, or a host name such as shop.example.com"};
constexpr Pattern kEmail = {"^[^@\\s]+@" EURUS_ANY_LABEL "(\\." EURUS_ANY_LABEL ")+$",
                            "expected an email address such as ops@acme.example.com"};
#undef EURUS_ANY_LABEL
#undef EURUS_DNS_LABEL
#undef EURUS_IPV4
#undef EURUS_OCTET
constexpr Pattern kOrgName = {
    "^[a-z][a-z0-9]{1,11}$",
    "expected 2 to 12 lowercase letters and digits, starting with a letter"};
constexpr Pattern kEnvName = {
    "^[a-z][a-z0-9]{0,15}$",
    "expected an environment name: up to 16 lowercase letters and digits, "
    "starting with a letter"};
constexpr Pattern kItemName = {"^[a-z][a-z0-9-]{0,19}$",  // apps and resources
                               "expected up to 20 lowercase letters, digits and hyphens, starting "
                               "with a letter"};
constexpr Pattern kRegion = {"^[a-z]{2}(-[a-z]+){1,2}-[0-9]{1,2}$",
                             "expected an AWS region code such as eu-west-1"};
constexpr Pattern kAz = {"^[a-z]{2}(-[a-z]+){1,2}-[0-9]{1,2}[a-z]$",
                         "expected an availability zone such as eu-west-1a"};
constexpr Pattern kAccount = {"^[0-9]{12}$", "expected an AWS account id: 12 digits"};
constexpr Pattern kGithubRepository = {"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
                                       "expected owner/name, such as acme/platform"};
constexpr Pattern kBranch = {"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$",
                             "expected a branch name such as main"};
constexpr Pattern kHttpsUrl = {"^https://[A-Za-z0-9._~:/?#@!&()*+,;=%\\[\\]-]+$", "expected an https URL"};
constexpr Pattern kSha256 = {"^[0-9A-Fa-f]{64}$", "expected 64 hexadecimal digits"};
constexpr Pattern kGitUrl = {"^(https://|ssh://|git@)[A-Za-z0-9._~:/?#@!&()*+,;=%\\[\\]-]+$",
                             "expected a git URL: https://, ssh:// or git@host:path"};
constexpr Pattern kPrincipal = {
    "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/([A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]{1,64}$",
    "expected an IAM role or user ARN such as arn:aws:iam::111111111111:role/platform-admin"};
constexpr Pattern kTagText = {"^([A-Za-z0-9 _.:/=+@-]|[^\\x00-\\x7f])*$",
                              "expected letters, digits, spaces and _.:/=+-@"};
constexpr Pattern kTagKey = {"^(?!aws:|eurus:)([A-Za-z0-9 _.:/=+@-]|[^\\x00-\\x7f])+$",
                             "expected letters, digits, spaces and _.:/=+-@, not starting with "
                             "aws: or eurus:"};
/// A Route 53 hosted zone id (the API's `Id` without `/hostedzone/`), as model/build_environment.cc checks it.
constexpr Pattern kHostedZoneId = {"^Z[A-Z0-9]{1,31}$", "expected a hosted zone id such as Z0123456789ABCDEFGHIJ"};
constexpr Pattern kTransitGateway = {"^tgw-[0-9a-f]{8,17}$",
                                     "expected tgw- and 8 to 17 hexadecimal digits"};
// eurus/ holds the platform's own images (E0319).
constexpr Pattern kEcrRepository = {
    "^(?!eurus/)[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$",
    "expected an ECR repository such as shop/web (lowercase, without tag or digest, not under "
    "eurus/)"};
constexpr Pattern kUrlPath = {"^/", "expected a path starting with /"};
constexpr Pattern kEnvVar = {"^[A-Za-z_][A-Za-z0-9_]*$",
                             "expected letters, digits and _, not starting with a digit"};
// Secrets Manager appends "-" and six characters to secret ARNs and rejects names that
// already end that way.
constexpr Pattern kSecretName = {"^(?!.*-[a-z0-9_]{6}$)[a-z][a-z0-9_-]{0,63}$",
                                 "expected up to 64 lowercase letters, digits, - and _, starting "
                                 "with a letter, not ending in a hyphen and six characters"};
constexpr Pattern kRestoreTime = {
    "^(latest|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)$",
    "expected YYYY-MM-DDTHH:MM:SSZ (UTC) or latest"};
constexpr Pattern kClusterId = {
    "^[a-z](-?[a-z0-9])*$",
    "expected a cluster identifier: lowercase letters, digits, single hyphens"};

// ---- small builders ----

/// `j` with the entries of `extra` added (json::update returns nothing).
json With(json j, const json& extra) {
  j.update(extra);
  return j;
}

json Matching(const Pattern& p) { return {{"pattern", p.re}, {"patternErrorMessage", p.message}}; }

json String(const std::string& description) {
  return {{"type", "string"}, {"description", description}};
}

json String(const std::string& description, const Pattern& p) {
  return With(String(description), Matching(p));
}

json Integer(const std::string& description, int64_t min, int64_t max) {
  return {{"type", "integer"}, {"description", description}, {"minimum", min}, {"maximum", max}};
}

json Boolean(const std::string& description, std::optional<bool> def = std::nullopt) {
  json j = {{"type", "boolean"}, {"description", description}};
  if (def) j["default"] = *def;
  return j;
}

json Enum(const std::string& description, const std::vector<std::string>& values) {
  return {{"type", "string"}, {"description", description}, {"enum", values}};
}

json StringList(const std::string& description, json item) {
  return {{"type", "array"}, {"description", description}, {"items", std::move(item)}};
}

/// A mapping with exactly `properties` (the decoder reports any other key).
json Mapping(const std::string& description, json properties,
             std::vector<std::string> required = {}) {
  json j = {{"type", "object"},
            {"description", description},
            {"additionalProperties", false},
            {"properties", std::move(properties)}};
  if (!required.empty()) j["required"] = required;
  return j;
}

/// A mapping of names to plain values. YAML scalars of any kind are read as their text.
json ScalarMap(const std::string& description, json key, json value) {
  return {{"type", "object"},
          {"description", description},
          {"propertyNames", std::move(key)},
          {"additionalProperties", std::move(value)}};
}

json Scalar(const std::string& description) {
  return {{"type", json::array({"string", "number", "boolean"})}, {"description", description}};
}

/// Account ids: 12 digits, quoted (keeps leading zeros) or not.
json AccountId(const std::string& description) {
  return {
      {"description", description + "; 12 digits, quoted or not (quote it to keep leading zeros)"},
      {"anyOf",
       json::array({With({{"type", "string"}}, Matching(kAccount)),
                    {{"type", "integer"}, {"minimum", 100000000000}, {"maximum", 999999999999}}})}};
}

json Email(const std::string& description) { return String(description, kEmail); }

/// An X-Ray sampling rule's FixedRate: a share from 0 to 1.
json SamplingRate(const std::string& description) {
  return {{"type", "number"}, {"description", description}, {"minimum", 0}, {"maximum", 1}};
}

json LogRetention(const std::string& description) {
  return {{"type", "integer"},
          {"description", description + "; a period CloudWatch Logs accepts"},
          {"enum", model::LogRetentionDays()},
          {"default", 30}};
}

json Document(const std::string& title, const std::string& description, json body) {
  body["$schema"] = kDraft;
  body["title"] = title;
  body["description"] = description;
  return body;
}

// ---- eurus.yaml ----

json OrgSchema() {
  json realm = Mapping("a realm: its common-services account (ECR, observability, backup)",
                       {{"common_account", AccountId("the realm's common-services account")}},
                       {"common_account"});
  json props = {
      {"eurus",
       {{"type", "integer"},
        {"const", 1},
        {"description", "format version of this repository; must be 1"}}},
      {"org",
       String("organisation name: 2-12 lowercase letters and digits, starting with a letter; the "
              "prefix of every AWS name eurus derives",
              kOrgName)},
      {"region", String("the single AWS region of the platform, for example eu-west-1", kRegion)},
      {"domain", With(String("optional DNS domain; environments get <env>.<domain> zones", kDomain),
                      {{"maxLength", 200}})},
      {"management_account",
       AccountId("the Organizations management account (state buckets, deployer roles, billing)")},
      {"realms",
       Mapping("exactly the realms nonprod and prod, each with its common-services account",
               {{"nonprod", realm}, {"prod", realm}}, {"nonprod", "prod"})},
      {"tags",
       {{"type", "object"},
        {"description",
         "extra tags on every resource (at most 40; eurus adds its own eurus:* tags)"},
        {"maxProperties", 40},
        {"propertyNames", With(Matching(kTagKey), {{"minLength", 1}, {"maxLength", 128}})},
        {"additionalProperties",
         With({{"type", json::array({"string", "number", "boolean"})},
               {"description",
                "tag value: at most 256 characters of letters, digits, spaces and _.:/=+-@"},
               {"maxLength", 256}},
              Matching(kTagText))}}},
      {"alerts",
       Mapping("platform alarm recipients",
               {{"emails", StringList("email addresses subscribed to the platform alarm topics",
                                      Email("an email address"))}})},
      {"ci",
       Mapping(
           "continuous integration",
           {{"github_repository",
             String("owner/name of the GitHub repository whose Actions runs (OIDC) may assume the "
                    "planner roles (pull requests, the default branch) and the deployer roles (the "
                    "default branch; the GitHub environment prod for prod accounts)",
                    kGithubRepository)},
            {"default_branch",
             String("the branch merges land on (default main): applies run from it",
                    kBranch)},
            {"eurus",
             With(Mapping("how the workflows of `eurus ci github` install eurus: a `make package` "
                          "release (url, sha256) or sources built at a tag (source, ref)",
                          {{"url", String("https URL of the release archive eurus-<version>-linux-x86_64.tar.gz",
                                          kHttpsUrl)},
                           {"sha256", String("the archive's SHA-256 (first word of its .sha256 file): the "
                                             "workflow installs nothing else",
                                             kSha256)},
                           {"source", String("git URL of eurus's sources, built on the runner", kGitUrl)},
                           {"ref", String("the tag, branch or full commit of `source` to build", kBranch)}}),
                  {{"oneOf", json::array({{{"required", {"url", "sha256"}}},
                                          {{"required", {"source", "ref"}}}})}})}})},
      {"administrators",
       StringList("IAM role or user ARNs that may assume the deployer and planner roles from a "
                  "terminal (no account roots)",
                  String("an IAM role or user ARN", kPrincipal))},
      {"billing",
       Mapping("cost allocation (docs/Cost.md)",
               {{"activate_tags",
                 Boolean("activate eurus's tag keys for cost allocation (default false): turn on once AWS "
                         "has seen them, up to 24 hours after the first apply",
                         false)},
                {"shared_costs",
                 {{"description",
                   "how each scope's shared costs (an environment's network and platform, a realm's "
                   "common accounts, the management account) are divided among its tenants"},
                  {"anyOf",
                   json::array(
                       {Enum("proportional: by each tenant's own cost in the scope (default); even: "
                             "the same share each",
                             {"proportional", "even"}),
                        Mapping("fixed percents for some tenants, the rest proportional",
                                {{"fixed", ScalarMap("tenant → percent of every scope it is in",
                                                     String("a tenant name"),
                                                     {{"type", "number"},
                                                      {"exclusiveMinimum", 0},
                                                      {"maximum", 100}})}},
                                {"fixed"})})}}}})},
  };
  return Document("eurus.yaml",
                  "The organisation: name, region, accounts and realms (eurus format version 1).",
                  Mapping("eurus.yaml", std::move(props),
                          {"eurus", "org", "region", "management_account", "realms"}));
}

// ---- environments/<env>.yaml ----

json EnvSchema() {
  json egress = Mapping(
      "a private NAT gateway in a routable secondary CIDR, for traffic to networks outside the VPC",
      {{"cidr", String("secondary CIDR (\"allowed range\") of the VPC holding the private NAT "
                       "gateway, /16 to /28; must not overlap the VPC",
                       kEgressCidr)},
       {"destinations",
        {{"type", "array"},
         {"description", "networks reached through the private NAT gateway (not 0.0.0.0/0)"},
         {"minItems", 1},
         {"items", String("a destination CIDR outside the VPC", kDestinationCidr)}}},
       {"transit_gateway_id", String("optional next hop for the destinations", kTransitGateway)}},
      {"cidr", "destinations"});
  json flow_logs = Mapping("VPC flow logs to CloudWatch Logs",
                           {{"enabled", Boolean("record VPC flow logs", true)},
                            {"retention_days", LogRetention("days to keep flow logs")}});
  json network = Mapping(
      "the environment's VPC",
      {{"cidr", String("VPC primary CIDR, /16 to /24", kVpcCidr)},
       {"availability_zones",
        {{"type", "array"},
         {"description", "availability zones of the region, 2 to 6, each once"},
         {"minItems", 2},
         {"maxItems", 6},
         {"uniqueItems", true},
         {"items", String("an availability zone of the org's region, such as eu-west-1a", kAz)}}},
       {"platform_subnet_size",
        With(Integer("prefix length of the shared platform subnets, one per AZ (ALB, "
                     "endpoints); the ALB needs /27 or larger",
                     16, 27),
             {{"default", 24}})},
       {"tenant_subnet_size",
        With(Integer("prefix length of each tenant's subnet in each AZ", 16, 28),
             {{"default", 24}})},
       {"data_subnet_size",
        With(Integer("prefix length of each tenant's data subnet in each AZ", 16, 28),
             {{"default", 27}})},
       {"nat_gateways", Enum("per_az: one NAT gateway per AZ (highly available); single: one "
                             "for all (cheaper, not HA); default per_az where `ha` is on (prod), "
                             "single where it is off",
                             {"per_az", "single"})},
       {"internet_egress", Boolean("shared public NAT for internet egress", false)},
       {"egress", egress},
       {"flow_logs", flow_logs},
       {"endpoints",
        {{"description",
          "interface VPC endpoints: auto (what the tenants' tasks use; none with internet_egress), "
          "none, or a list of services"},
         {"default", "auto"},
         {"anyOf", json::array({Enum("auto or none", {"auto", "none"}),
                                {{"type", "array"},
                                 {"uniqueItems", true},
                                 {"items", Enum("a service of com.amazonaws.<region>.<service>",
                                                model::KnownEndpointServices())}}})}}},
       {"endpoint_zones",
        Enum("interface endpoints in every AZ (all; the prod default and the only prod value) or "
             "in the first AZ (one; the nonprod default)",
             {"all", "one"})}},
      {"cidr", "availability_zones"});
  json ingress = Mapping(
      "edge entry points in front of the shared ALB; need `domain` in eurus.yaml",
      {{"cloudfront", Boolean("CloudFront in front of the shared ALB (VPC origin)", false)},
       {"api_gateway", Boolean("HTTP API with a VPC link to the shared ALB", false)},
       {"waf", Boolean("a WAF web ACL on the CloudFront distribution; needs cloudfront", false)},
       {"waf_body_limit",
        Boolean("block request bodies over 8 KB (the common rule set's SizeRestrictions_BODY); "
                "off, that rule only counts; needs waf",
                false)},
       {"apex_zone",
        {{"description",
          "own the org's apex zone <domain> (one environment, normally prod): true creates it, a "
          "hosted zone id uses that existing zone of this account; its hosts (<domain>, "
          "www.<domain>, ...) can then be routed and exposed here"},
         {"default", false},
         {"anyOf", json::array({{{"type", "boolean"}}, String("an existing public hosted zone of <domain>", kHostedZoneId)})}}}});
  json props = {
      {"account", AccountId("the environment's own AWS account, used by nothing else in the org")},
      {"realm",
       Enum("the realm: prod turns on production rules (>= 2 replicas, deletion protection)",
            {"nonprod", "prod"})},
      {"network", network},
      {"ingress", ingress},
      {"protection", Boolean("deletion protection of data stores (default: true in the prod realm, "
                             "false in nonprod)")},
      {"ha", Boolean("highly available layout: Aurora readers, a NAT gateway per AZ (default: "
                     "true in the prod realm, where false is an error; false in nonprod)")},
      {"container_insights",
       Boolean("Container Insights on the tenants' ECS clusters (default: true in the prod realm, "
               "false in nonprod)")},
      {"logs", Mapping("application logs",
                       {{"retention_days", LogRetention("days to keep application logs")}})},
      {"tracing",
       Mapping("the environment's default X-Ray sampling rule (docs/Observability.md)",
               {{"sampling_rate", SamplingRate("share of requests traced beyond the reservoir (default "
                                               "0.05 in the prod realm, 0.01 in nonprod)")},
                // build_observability.cc's kMaxReservoir: X-Ray documents no maximum.
                {"reservoir", With(Integer("requests a second traced first, whatever the rate, by all "
                                           "the environment's tasks together",
                                           0, 1000),
                                   {{"default", 1}})}})},
      {"dr", Mapping("disaster recovery targets; backup schedules meet the RPO",
                     {{"rpo_hours",
                       With(Integer("recovery point objective in hours", 1, 24), {{"default", 4}})},
                      {"rto_hours", With(Integer("recovery time objective in hours", 1, 168),
                                         {{"default", 4}})}})},
  };
  return Document(
      "environments/<env>.yaml",
      "An environment: its account, realm, network and ingress. The file name is the environment "
      "name (^[a-z][a-z0-9]{0,15}$).",
      Mapping("an environment", std::move(props), {"account", "realm", "network"}));
}

// ---- tenants/<tenant>.yaml ----

const std::vector<int> kFargateCpu = {256, 512, 1024, 2048, 4096, 8192, 16384};

/// An app; `partial` (an override) requires nothing, the merged result is checked.
json AppSchema(bool partial) {
  json route = Mapping(
      "a rule on the environment's shared ALB; needs a port",
      {{"host",
        With(String("a DNS label (becomes <host>.<env>.<domain>) or a full host name with dots",
                    kHost),
             {{"maxLength", 253}})},
       {"paths",
        {{"type", "array"},
         {"description", "path patterns routed to the app"},
         {"minItems", 1},
         {"uniqueItems", true},
         {"default", json::array({"/*"})},
         {"items", With(String("a path pattern starting with /, at most 128 characters", kUrlPath),
                        {{"maxLength", 128}})}}}},
      partial ? std::vector<std::string>{} : std::vector<std::string>{"host"});
  json props = {
      {"image", With(String("ECR repository in the realm's common account, without tag or digest",
                            kEcrRepository),
                     {{"minLength", 2}, {"maxLength", 256}})},
      {"port", Integer("container port; omit for a worker with no inbound traffic", 1, 65535)},
      {"cpu",
       {{"type", "integer"},
        {"description", "Fargate cpu units (1024 = 1 vCPU)"},
        {"enum", kFargateCpu}}},
      {"memory",
       {{"type", "integer"},
        {"description", "Fargate memory in MiB; must pair with cpu"},
        {"minimum", 512},
        {"maximum", 122880}}},
      {"command", StringList("overrides the image's command", {{"type", "string"}})},
      {"health_check", Mapping("the ALB health check; needs a port",
                               {{"path", With(String("URL path probed on the app's port", kUrlPath),
                                              {{"maxLength", 1024}, {"default", "/"}})}})},
      {"route", route},
      {"expose",
       StringList(
           "edge entry points publishing the app's route (the environment must turn them on)",
           Enum("cloudfront or api", {"cloudfront", "api"}))},
      {"replicas",
       Mapping("number of running tasks (default min 1, max = min; min 2 in the prod realm)",
               {{"min", Integer("fewest tasks; at least 2 in the prod realm", 0, 1000)},
                {"max", Integer("most tasks; at least min", 1, 1000)}})},
      {"scaling",
       Mapping("target-tracking autoscaling between replicas.min and replicas.max",
               {{"cpu", Integer("target average CPU utilisation, percent", 1, 100)},
                {"memory", Integer("target average memory utilisation, percent", 1, 100)},
                {"requests_per_target",
                 Integer("target ALB requests per task; needs a route", 1, 1000000)}})},
      {"spot", Boolean("run on FARGATE_SPOT (tasks can be stopped at two minutes' notice)", false)},
      {"environment", ScalarMap("plain environment variables", String("a variable name", kEnvVar),
                                Scalar("the variable's value"))},
      {"secrets",
       {{"type", "array"},
        {"description", "Secrets Manager secrets owned by the tenant, injected into the task"},
        {"uniqueItems", true},
        {"items",
         String("a secret name: lowercase letters, digits, - and _, at most 64, not ending in a "
                "hyphen and six characters",
                kSecretName)}}},
      {"uses",
       {{"type", "array"},
        {"description", "resources of this tenant the app may reach"},
        {"uniqueItems", true},
        {"items", String("a resource name of this tenant", kItemName)}}},
  };
  // Fargate's cpu/memory pairs: for each cpu, the memory sizes it takes.
  json pairs = json::array();
  for (int cpu : kFargateCpu)
    pairs.push_back(
        {{"if", {{"properties", {{"cpu", {{"const", cpu}}}}}, {"required", json::array({"cpu"})}}},
         {"then", {{"properties", {{"memory", {{"enum", model::FargateMemoryFor(cpu)}}}}}}}});
  json j = Mapping(
      partial ? "changes to an app of the tenant"
              : "a stateless container service (ECS on Fargate)",
      std::move(props),
      partial ? std::vector<std::string>{} : std::vector<std::string>{"image", "cpu", "memory"});
  j["allOf"] = std::move(pairs);
  return j;
}

// ---- resources: read from catalog/store_kinds.h ----

/// A table number as JSON: whole numbers as integers (2, not 2.0).
json TableNumber(double x) {
  return std::floor(x) == x ? json(static_cast<int64_t>(x)) : json(x);
}

json Matching(const catalog::Pattern& p) {
  return {{"pattern", p.re}, {"patternErrorMessage", p.message}};
}

json RestoreSchema(const std::string& description) {
  std::string in_time;  // the kinds that restore to a point in time
  for (const catalog::StoreKindRow& row : catalog::kStoreKinds)
    if (row.restore == catalog::Restore::kSnapshotOrPointInTime)
      in_time += fmt::format("{}{}", in_time.empty() ? "" : ", ", row.name);
  return Mapping(
      description,
      {{"snapshot", String("cluster snapshot identifier or ARN; for a cache, its snapshot ARN")},
       {"point_in_time",
        String(fmt::format("restore time in UTC, or latest ({})", in_time), kRestoreTime)},
       {"source", With(String("the cluster the point in time is taken from", kClusterId),
                       {{"maxLength", 63}})}});
}

/// A store field as a property: its type, help, range, pattern and default. A default that
/// depends on the realm is stated in the help only.
json FieldSchema(const catalog::StoreField& f) {
  const std::string help(f.help);
  json j;
  switch (f.type) {
    case catalog::FieldType::kString: j = String(help); break;
    case catalog::FieldType::kInteger: j = {{"type", "integer"}, {"description", help}}; break;
    case catalog::FieldType::kNumber: j = {{"type", "number"}, {"description", help}}; break;
    case catalog::FieldType::kBoolean: j = Boolean(help); break;
    case catalog::FieldType::kRestore: return RestoreSchema(help);
  }
  if (!f.pattern.re.empty()) j.update(Matching(f.pattern));
  if (f.range.set) {
    j["minimum"] = TableNumber(f.range.min);
    j["maximum"] = TableNumber(f.range.max);
    if (f.range.step > 0) j["multipleOf"] = TableNumber(f.range.step);
  }
  switch (f.def.kind) {
    case catalog::Default::kNumber: j["default"] = TableNumber(f.def.number); break;
    case catalog::Default::kFlag: j["default"] = f.def.flag; break;
    case catalog::Default::kText: j["default"] = f.def.text; break;
    case catalog::Default::kNone:
    case catalog::Default::kByRealm: break;
  }
  return j;
}

/// `version` where the kind is not known: the help lists each kind's default.
json AnyVersionSchema() {
  std::string defaults;
  for (const catalog::StoreKindRow& row : catalog::kStoreKinds) {
    if (row.version.default_version.empty()) continue;
    defaults += fmt::format("{}{}{} {}", defaults.empty() ? "" : ", ", row.name,
                            defaults.empty() ? " default" : "", row.version.default_version);
  }
  return String(fmt::format("{} ({})", catalog::kVersion.help, defaults));
}

/// A resource: `type` selects which fields apply. `partial` (an override) may omit `type`.
json ResourceSchema(bool partial) {
  json props = {{"type", Enum("the kind of data store", config::keys::kResourceTypes)}};
  for (const catalog::StoreField* f : catalog::kStoreFields)
    props[std::string(f->name)] = f == &catalog::kVersion ? AnyVersionSchema() : FieldSchema(*f);
  json branches = json::array();
  for (const catalog::StoreKindRow& row : catalog::kStoreKinds) {
    json allowed = {{"type", true}};
    for (const catalog::StoreField* f : row.fields) {
      json p = FieldSchema(*f);
      if (f == &catalog::kVersion) {
        p.update(Matching(row.version.pattern));
        p["default"] = row.version.default_version;
        p["description"] = fmt::format("{} {}", row.name, f->help);
      }
      allowed[std::string(f->name)] = std::move(p);
    }
    branches.push_back(
        {{"if",
          {{"properties", {{"type", {{"const", row.name}}}}},
           {"required", json::array({"type"})}}},
         {"then", {{"properties", std::move(allowed)}, {"additionalProperties", false}}}});
  }
  json j = Mapping(
      partial ? "changes to a resource of the tenant (its type comes from the tenant)"
              : "a dedicated data store: postgres/mysql (Aurora Serverless v2), redis (ElastiCache "
                "Serverless, Valkey), documentdb, s3",
      std::move(props), partial ? std::vector<std::string>{} : std::vector<std::string>{"type"});
  j["allOf"] = std::move(branches);
  return j;
}

json Named(const std::string& description, const Pattern& names, const std::string& ref) {
  return {{"type", "object"},
          {"description", description},
          {"propertyNames", Matching(names)},
          {"additionalProperties", {{"$ref", ref}}}};
}

json TenantProperties(bool partial) {
  const char* sfx = partial ? "_override" : "";
  json props = {
      {"cost_center", With(String("cost allocation tag value (default: the tenant name)", kTagText),
                           {{"minLength", 1}, {"maxLength", 256}})},
      {"contacts", StringList("tenant alarm recipients", Email("an email address"))},
      {"tracing",
       Mapping("the tenant's own X-Ray sampling rule (docs/Observability.md); one rule per tenant "
               "and environment counts against the account's 25",
               {{"sampling_rate",
                 SamplingRate("share of the tenant's requests traced (default: the environment's rate)")}})},
      {"apps", Named("stateless container services, by name (^[a-z][a-z0-9-]{0,19}$)", kItemName,
                     fmt::format("#/$defs/app{}", sfx))},
      {"resources", Named("dedicated data stores, by name (^[a-z][a-z0-9-]{0,19}$)", kItemName,
                          fmt::format("#/$defs/resource{}", sfx))},
  };
  if (!partial) {
    props["environments"] = {
        {"type", "array"},
        {"description", "environments the tenant is onboarded in"},
        {"minItems", 1},
        {"uniqueItems", true},
        {"items", String("an environment name (a file in environments/)", kEnvName)}};
    json amount = {{"type", "number"}, {"exclusiveMinimum", 0}, {"description", "USD a month"}};
    props["budget"] = {
        {"description",
         "monthly AWS Budgets in USD: the tenant's total, or `{ total, environments: { <env>: USD } }`"},
        {"oneOf",
         {amount,
          Mapping("the tenant's budgets",
                  {{"total", amount},
                   {"environments", {{"type", "object"},
                                     {"description", "per environment the tenant is onboarded in"},
                                     {"propertyNames", Matching(kEnvName)},
                                     {"additionalProperties", amount}}}})}}};
    json principals = With(StringList("IAM role or user ARNs (no account roots), e.g. an IAM Identity "
                                      "Center permission set's role; at most about 2,048 characters of "
                                      "trust policy in all",
                                      String("an IAM role or user ARN", kPrincipal)),
                           {{"uniqueItems", true}});
    props["access"] = Mapping(
        "principals the tenant team already has that may assume its roles (docs/Observability.md); "
        "the same in every environment",
        {{"read", With(principals, {{"description",
                                     "may assume the read role in each environment account: the tenant's "
                                     "logs, dashboards, alarms and ECS service"}})},
         {"release", With(principals, {{"description",
                                        "may assume the release role: push the tenant's images in the realm's "
                                        "registry and set its image parameters"}})}});
    props["overrides"] = Named(
        "per environment, deep-merged over the tenant: mappings merge key by key, lists "
        "and scalars replace",
        kEnvName, "#/$defs/override");
  }
  return props;
}

json TenantSchema() {
  json override =
      Mapping("changes for one environment; may only change apps and resources the tenant defines",
              TenantProperties(true));
  json doc = Mapping("a tenant", TenantProperties(false), {"environments"});
  doc["$defs"] = {{"app", AppSchema(false)},
                  {"app_override", AppSchema(true)},
                  {"resource", ResourceSchema(false)},
                  {"resource_override", ResourceSchema(true)},
                  {"override", std::move(override)}};
  return Document("tenants/<tenant>.yaml",
                  "A tenant: its apps and data stores and the environments it is onboarded in. "
                  "The file name is the tenant name (^[a-z][a-z0-9]{1,15}$).",
                  std::move(doc));
}

std::optional<json> SchemaFor(const std::string& kind) {
  if (kind == "eurus") return OrgSchema();
  if (kind == "environment") return EnvSchema();
  if (kind == "tenant") return TenantSchema();
  return std::nullopt;
}

std::string Text(const json& j) { return j.dump(2) + "\n"; }

constexpr char kUsageHint[] =
    "usage: eurus schema eurus|environment|tenant, or eurus schema -o DIR\n";

}  // namespace

int RunSchema(FileSystem& fs, const SchemaOptions& s) {
  if (s.out_dir.empty()) {
    auto schema = SchemaFor(s.kind);
    if (!schema) {
      std::fputs(kUsageHint, stderr);
      return kUsage;
    }
    std::string out = Text(*schema);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return kOk;
  }
  // -o: every kind, or only the one named.
  std::vector<std::string> kinds = {"eurus", "environment", "tenant"};
  if (!s.kind.empty()) {
    if (!SchemaFor(s.kind)) {
      std::fputs(kUsageHint, stderr);
      return kUsage;
    }
    kinds = {s.kind};
  }
  for (const auto& kind : kinds) {
    std::string path = JoinPath(s.out_dir, kind + ".schema.json");
    std::string err;
    if (!fs.WriteAtomic(path, Text(*SchemaFor(kind)), &err)) {
      std::fputs(fmt::format(
                     "eurus: error[{}]: cannot write `{}`: {} (help: create the directory first)\n",
                     codes::kIo, path, err)
                     .c_str(),
                 stderr);
      return kInputError;
    }
    fmt::print("eurus: wrote {}\n", path);
  }
  std::fflush(stdout);
  return kOk;
}

}  // namespace eurus::cli
