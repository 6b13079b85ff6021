#include "config/decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "diag/codes.h"

namespace eurus::config {
namespace {

/// Decodes one YAML text as eurus.yaml, an environment file or a tenant file, and keeps
/// what was reported.
struct DecodeTest : ::testing::Test {
  SourceMap sources;
  Diagnostics diags;
  FileId file = kNoFile;

  Node Parse(const std::string& path, const std::string& text) {
    file = sources.Add(path, text);
    Node n = ParseYaml(sources, file, diags);
    EXPECT_TRUE(diags.items().empty()) << "not valid YAML: " << text;
    return n;
  }
  OrgDoc Org(const std::string& text) { return DecodeOrg(Parse("eurus.yaml", text), diags); }
  EnvDoc Env(const std::string& text) {
    Str name;
    name.value = "dev";
    name.set = true;
    Node root = Parse("environments/dev.yaml", text);
    name.span = name.key_span = {file, 0, 0};
    return DecodeEnv(root, name, diags);
  }
  TenantDoc Tenant(const std::string& text) {
    return DecodeTenant(Parse("tenants/shop.yaml", text), diags);
  }

  /// "2:5": where a span starts.
  std::string At(Span s) const {
    LineCol lc = sources.Locate(s.file, s.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
  /// "E0004 unknown key `x` in eurus.yaml @1:1" for each diagnostic, in order.
  std::vector<std::string> Reported() const {
    std::vector<std::string> out;
    for (const auto& d : diags.items())
      out.push_back(d.code + " " + d.message + " @" + (d.primary().valid() ? At(d.primary()) : "-"));
    return out;
  }
};

using Lines = std::vector<std::string>;

constexpr char kOrg[] =
    "eurus: 1\n"
    "org: acme\n"
    "region: eu-west-1\n"
    "management_account: \"111111111111\"\n"
    "realms:\n"
    "  nonprod: { common_account: \"222222222222\" }\n"
    "  prod: { common_account: \"333333333333\" }\n";

// Given a complete eurus.yaml, we should read every field with the span it was written at.
TEST_F(DecodeTest, OrgFieldsAndSpans) {
  OrgDoc o = Org(std::string(kOrg) +
                 "domain: acme.example.com\n"
                 "tags: { team: platform, cost: \"42\" }\n"
                 "alerts: { emails: [ops@acme.example.com] }\n"
                 "ci: { github_repository: acme/platform }\n");
  EXPECT_EQ(Reported(), Lines{});
  ASSERT_TRUE(o.eurus);
  EXPECT_EQ(*o.eurus, 1);
  EXPECT_EQ(*o.org, "acme");
  EXPECT_EQ(At(o.org.span), "2:6");
  EXPECT_EQ(At(o.org.key_span), "2:1");
  EXPECT_EQ(*o.management_account, "111111111111");
  EXPECT_EQ(*o.domain, "acme.example.com");
  ASSERT_EQ(o.realms->size(), 2u);
  EXPECT_EQ(*o.realms.value[0].name, "nonprod");
  EXPECT_EQ(*o.realms.value[1].common_account, "333333333333");
  EXPECT_EQ(At(o.realms.value[1].common_account.span), "7:27");
  ASSERT_EQ(o.tags->size(), 2u);
  EXPECT_EQ(*o.tags.value[1].first, "cost");
  EXPECT_EQ(*o.tags.value[1].second, "42");
  ASSERT_EQ(o.alert_emails->size(), 1u);
  EXPECT_EQ(*o.alert_emails.value[0], "ops@acme.example.com");
  EXPECT_EQ(*o.github_repository, "acme/platform");
}

// Given optional fields left out, we should leave them unset, located at the file start.
TEST_F(DecodeTest, AbsentFieldsAreUnset) {
  OrgDoc o = Org(kOrg);
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_FALSE(o.domain);
  EXPECT_FALSE(o.domain.given);
  EXPECT_EQ(o.domain.span, (Span{file, 0, 0}));
  EXPECT_FALSE(o.tags);
  EXPECT_FALSE(o.github_repository);
}

// Given a misspelt key, we should report it as unknown with "did you mean", and not also
// report the key it was meant to be as missing.
TEST_F(DecodeTest, UnknownKeyDidYouMean) {
  std::string text = kOrg;
  text.replace(text.find("region"), 6, "regoin");
  Org(text);
  EXPECT_EQ(Reported(), Lines{"E0004 unknown key `regoin` in eurus.yaml @3:1"});
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.labels[0].text, "did you mean `region`?");
  EXPECT_EQ(d.help, "did you mean `region`?");
}

// Given a key nothing resembles, we should list the keys allowed there.
TEST_F(DecodeTest, UnknownKeyListsTheAllowedKeys) {
  Org(std::string(kOrg) + "colour: blue\n");
  EXPECT_EQ(Reported(), Lines{"E0004 unknown key `colour` in eurus.yaml @8:1"});
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.labels[0].text, "not a field of eurus.yaml");
  EXPECT_EQ(d.help,
            "the keys allowed here are: eurus, org, region, domain, management_account, realms, "
            "tags, alerts, ci, administrators, billing");
}

// Given an unknown key in a nested mapping, we should name the mapping.
TEST_F(DecodeTest, UnknownKeyInNestedMapping) {
  Org(std::string(kOrg) + "alerts: { email: [a@b.c] }\n");
  EXPECT_EQ(Reported(), Lines{"E0004 unknown key `email` in `alerts` @8:11"});
  EXPECT_EQ(diags.items()[0].help, "did you mean `emails`?");
}

// Given required fields left out, we should report each at the file start.
TEST_F(DecodeTest, MissingRequiredFields) {
  Org("eurus: 1\nregion: eu-west-1\n");
  EXPECT_EQ(Reported(), (Lines{"E0006 missing required field `org` in eurus.yaml @1:1",
                               "E0006 missing required field `management_account` in eurus.yaml @1:1",
                               "E0006 missing required field `realms` in eurus.yaml @1:1"}));
  EXPECT_EQ(diags.items()[1].labels[0].text, "`management_account` is required here");
  EXPECT_EQ(diags.items()[2].help,
            "add `realms: { nonprod: { common_account: ... }, prod: { common_account: ... } }`");
}

// Given a realm without a value, we should ask for its common account at the realm's key.
TEST_F(DecodeTest, RealmWithoutCommonAccount) {
  OrgDoc o = Org(
      "eurus: 1\norg: acme\nregion: eu-west-1\nmanagement_account: \"1\"\nrealms:\n  prod:\n");
  EXPECT_EQ(Reported(), Lines{"E0006 missing required field `common_account` in realm `prod` @6:3"});
  EXPECT_EQ(diags.items()[0].help, "write `prod: { common_account: \"123456789012\" }`");
  ASSERT_EQ(o.realms->size(), 1u);
  EXPECT_FALSE(o.realms.value[0].common_account);
}

// Given values of the wrong type, we should say what was expected and what was found, at
// the value, and leave the field unset but given.
TEST_F(DecodeTest, WrongTypes) {
  OrgDoc o = Org(
      "eurus: \"1\"\norg: [acme]\nregion: eu-west-1\nmanagement_account: \"1\"\n"
      "realms: [nonprod, prod]\ntags: { team: [a] }\nalerts: { emails: ops }\n");
  EXPECT_EQ(Reported(), (Lines{"E0005 `eurus` must be a whole number, found a quoted string @1:8",
                               "E0005 `org` must be a string, found a list @2:6",
                               "E0005 `realms` must be a mapping of realm names, found a list @5:9",
                               "E0005 `tags.team` must be a string, found a list @6:15",
                               "E0005 `emails` must be a list of strings, found \"ops\" @7:19"}));
  EXPECT_FALSE(o.eurus);
  EXPECT_TRUE(o.eurus.given);
  EXPECT_FALSE(o.org);
  EXPECT_FALSE(o.realms);
  EXPECT_EQ(diags.items()[0].labels[0].text, "expected a whole number");
}

// Given a file that is not a mapping, we should say so once and decode nothing.
TEST_F(DecodeTest, TopLevelNotAMapping) {
  OrgDoc o = Org("- eurus: 1\n");
  EXPECT_EQ(Reported(), Lines{"E0005 eurus.yaml must be a mapping, found a list @1:1"});
  EXPECT_FALSE(o.eurus);
}

// Given an empty eurus.yaml, we should report one error saying what to start with.
TEST_F(DecodeTest, EmptyOrg) {
  Org("");
  EXPECT_EQ(Reported(), Lines{"E0006 eurus.yaml is empty @1:1"});
  EXPECT_EQ(diags.items()[0].help,
            "start with `eurus: 1`, `org`, `region`, `management_account` and `realms`");
}

// Given an environment file, we should read its network, ingress, logs and DR fields.
TEST_F(DecodeTest, EnvironmentFields) {
  EnvDoc e = Env(
      "account: \"444444444444\"\n"
      "realm: nonprod\n"
      "network:\n"
      "  cidr: 10.1.0.0/16\n"
      "  availability_zones: [eu-west-1a, eu-west-1b]\n"
      "  tenant_subnet_size: 24\n"
      "  nat_gateways: single\n"
      "  internet_egress: true\n"
      "  egress: { cidr: 10.101.0.0/24, destinations: [192.168.0.0/16] }\n"
      "  flow_logs: { enabled: False, retention_days: 30 }\n"
      "ingress: { cloudfront: true }\n"
      "protection: TRUE\n"
      "logs: { retention_days: 14 }\n"
      "dr: { rpo_hours: 6, rto_hours: 4 }\n");
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_EQ(*e.name, "dev");
  EXPECT_EQ(*e.account, "444444444444");
  EXPECT_EQ(*e.realm, "nonprod");
  EXPECT_EQ(*e.network.cidr, "10.1.0.0/16");
  ASSERT_EQ(e.network.availability_zones->size(), 2u);
  EXPECT_EQ(At(e.network.availability_zones.value[1].span), "5:36");
  EXPECT_EQ(At(e.network.span), "3:1");
  EXPECT_EQ(*e.network.tenant_subnet_size, 24);
  EXPECT_FALSE(e.network.platform_subnet_size);
  EXPECT_EQ(*e.network.nat_gateways, "single");
  EXPECT_TRUE(*e.network.internet_egress);
  EXPECT_TRUE(e.network.egress.set);
  EXPECT_EQ(At(e.network.egress.span), "9:3");
  EXPECT_EQ(*e.network.egress.cidr, "10.101.0.0/24");
  ASSERT_EQ(e.network.egress.destinations->size(), 1u);
  EXPECT_FALSE(e.network.egress.transit_gateway_id);
  ASSERT_TRUE(e.network.flow_logs.enabled);
  EXPECT_FALSE(*e.network.flow_logs.enabled);
  EXPECT_EQ(*e.network.flow_logs.retention_days, 30);
  EXPECT_TRUE(*e.ingress.cloudfront);
  EXPECT_FALSE(e.ingress.waf);
  EXPECT_TRUE(*e.protection);
  EXPECT_EQ(*e.log_retention_days, 14);
  EXPECT_EQ(*e.rpo_hours, 6);
  EXPECT_EQ(*e.rto_hours, 4);
}

// Given an environment without a network, we should ask for it once (not for its fields).
TEST_F(DecodeTest, EnvironmentWithoutNetwork) {
  EnvDoc e = Env("account: \"444444444444\"\nrealm: nonprod\n");
  EXPECT_EQ(Reported(),
            Lines{"E0006 missing required field `network` in environments/dev.yaml @1:1"});
  EXPECT_EQ(diags.items()[0].help,
            "add `network: { cidr: 10.0.0.0/16, availability_zones: [...] }`");
  EXPECT_FALSE(e.network.cidr);
}

// Given a network without its required fields, we should report them at the `network` key.
TEST_F(DecodeTest, NetworkRequiredFields) {
  Env("account: \"4\"\nrealm: prod\nnetwork:\n  nat_gateways: single\n");
  EXPECT_EQ(Reported(), (Lines{"E0006 missing required field `cidr` in `network` @3:1",
                               "E0006 missing required field `availability_zones` in `network` @3:1"}));
}

// Given egress without its required fields, we should report them at the `egress` key.
TEST_F(DecodeTest, EgressRequiredFields) {
  Env("account: \"4\"\nrealm: prod\nnetwork:\n  cidr: 10.0.0.0/16\n  availability_zones: [a]\n"
      "  egress: { transit_gateway_id: tgw-1 }\n");
  EXPECT_EQ(Reported(), (Lines{"E0006 missing required field `cidr` in `network.egress` @6:3",
                               "E0006 missing required field `destinations` in `network.egress` @6:3"}));
}

// Given booleans and numbers written the wrong way, we should reject them: quoted, `yes`,
// a fraction where a whole number is wanted, trailing text.
TEST_F(DecodeTest, StrictScalars) {
  EnvDoc e = Env(
      "account: \"4\"\nrealm: prod\nnetwork:\n  cidr: 10.0.0.0/16\n  availability_zones: [a]\n"
      "  internet_egress: \"true\"\n  tenant_subnet_size: 24.5\n  data_subnet_size: 26abc\n"
      "protection: yes\n");
  // In the decoder's order (the driver sorts diagnostics by position before printing).
  EXPECT_EQ(Reported(),
            (Lines{"E0005 `tenant_subnet_size` must be a whole number, found \"24.5\" @7:23",
                   "E0005 `data_subnet_size` must be a whole number, found \"26abc\" @8:21",
                   "E0005 `internet_egress` must be true or false, found a quoted string @6:20",
                   "E0005 `protection` must be true or false, found \"yes\" @9:13"}));
  EXPECT_FALSE(e.protection);
  EXPECT_TRUE(e.protection.given);
}

// Given an empty environment file, we should name the file and what it needs.
TEST_F(DecodeTest, EmptyEnvironment) {
  Env("");
  EXPECT_EQ(Reported(), Lines{"E0006 environments/dev.yaml is empty @1:1"});
}

constexpr char kTenant[] =
    "cost_center: cc-1\n"
    "contacts: [shop@acme.example.com]\n"
    "environments: [dev, prod]\n"
    "apps:\n"
    "  web:\n"
    "    image: shop/web\n"
    "    port: 8080\n"
    "    cpu: 256\n"
    "    memory: 512\n"
    "    command: [./server]\n"
    "    health_check: { path: /healthz }\n"
    "    route: { host: shop, paths: [\"/*\"] }\n"
    "    expose: [api]\n"
    "    replicas: { min: 2, max: 4 }\n"
    "    scaling: { cpu: 60, requests_per_target: 100 }\n"
    "    spot: true\n"
    "    environment: { LOG_LEVEL: info, N: 1 }\n"
    "    secrets: [stripe-key]\n"
    "    uses: [orders]\n"
    "  worker: { image: shop/worker, cpu: 512, memory: 1024 }\n"
    "resources:\n"
    "  orders: { type: postgres, version: \"16.6\", min_acu: 0.5, max_acu: 4 }\n"
    "  uploads: { type: s3, versioning: true, expire_days: 30 }\n";

// Given a tenant file, we should read its apps and resources in file order with every field.
TEST_F(DecodeTest, TenantAppsAndResources) {
  TenantDoc t = Tenant(kTenant);
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_EQ(*t.cost_center, "cc-1");
  ASSERT_EQ(t.environments->size(), 2u);
  EXPECT_EQ(*t.environments.value[1], "prod");
  ASSERT_EQ(t.apps.size(), 2u);
  const AppDoc& web = t.apps[0];
  EXPECT_EQ(*web.name, "web");
  EXPECT_EQ(At(web.name.span), "5:3");
  EXPECT_EQ(*web.image, "shop/web");
  EXPECT_EQ(*web.port, 8080);
  EXPECT_EQ(*web.memory, 512);
  EXPECT_EQ(*web.health_check_path, "/healthz");
  EXPECT_TRUE(web.route.set);
  EXPECT_EQ(*web.route.host, "shop");
  EXPECT_EQ(*web.route.paths.value[0], "/*");
  EXPECT_EQ(*web.replicas_min, 2);
  EXPECT_EQ(*web.replicas_max, 4);
  EXPECT_EQ(At(web.replicas_span), "14:15");
  EXPECT_EQ(*web.scaling_cpu, 60);
  EXPECT_FALSE(web.scaling_memory);
  EXPECT_EQ(*web.scaling_requests, 100);
  EXPECT_TRUE(*web.spot);
  ASSERT_EQ(web.environment->size(), 2u);
  EXPECT_EQ(*web.environment.value[1].first, "N");
  EXPECT_EQ(*web.environment.value[1].second, "1");
  EXPECT_EQ(*web.uses.value[0], "orders");
  const AppDoc& worker = t.apps[1];
  EXPECT_EQ(*worker.name, "worker");
  EXPECT_FALSE(worker.port);
  EXPECT_FALSE(worker.route.set);
  EXPECT_EQ(worker.replicas_span, worker.name.span);  // no replicas: the app's key
  ASSERT_EQ(t.resources.size(), 2u);
  EXPECT_EQ(*t.resources[0].type, "postgres");
  EXPECT_EQ(*t.resources[0].version, "16.6");
  EXPECT_DOUBLE_EQ(*t.resources[0].min_acu, 0.5);
  EXPECT_DOUBLE_EQ(*t.resources[0].max_acu, 4.0);
  EXPECT_EQ(*t.resources[1].name, "uploads");
  EXPECT_TRUE(*t.resources[1].versioning);
  EXPECT_EQ(*t.resources[1].expire_days, 30);
}

// Given an app or a resource with no fields, we should say what it needs at its key.
TEST_F(DecodeTest, AppAndResourceWithoutFields) {
  TenantDoc t = Tenant("environments: [dev]\napps:\n  web:\nresources:\n  db:\n");
  EXPECT_EQ(Reported(), (Lines{"E0006 app `web` has no fields @3:3",
                               "E0006 resource `db` has no fields @5:3"}));
  EXPECT_EQ(diags.items()[1].help,
            "give the resource a type: postgres, mysql, redis, documentdb, s3");
  ASSERT_EQ(t.apps.size(), 1u);
  EXPECT_EQ(*t.apps[0].name, "web");
}

// Given an app missing its required fields, we should report each at the app's key.
TEST_F(DecodeTest, AppRequiredFields) {
  Tenant("environments: [dev]\napps:\n  web: { port: 80 }\n");
  EXPECT_EQ(Reported(), (Lines{"E0006 missing required field `image` in app `web` @3:3",
                               "E0006 missing required field `cpu` in app `web` @3:3",
                               "E0006 missing required field `memory` in app `web` @3:3"}));
  EXPECT_EQ(diags.items()[0].help, "name the ECR repository, for example `image: shop/web`");
}

// Given a route without a host, we should ask for it at the `route` key.
TEST_F(DecodeTest, RouteNeedsAHost) {
  Tenant("environments: [dev]\napps:\n  web:\n    image: a/b\n    cpu: 256\n    memory: 512\n"
         "    route: { paths: [\"/*\"] }\n");
  EXPECT_EQ(Reported(), Lines{"E0006 missing required field `host` in `route` @7:5"});
}

// Given a field of another resource type, we should say it does not apply to this one,
// with the fields that do (and "an" before s3).
TEST_F(DecodeTest, FieldOfAnotherResourceType) {
  Tenant("environments: [dev]\nresources:\n"
         "  db: { type: postgres, versioning: true }\n"
         "  files: { type: s3, min_acu: 1 }\n"
         "  cache: { type: redis, max_storage_gb: 10 }\n");
  EXPECT_EQ(Reported(), (Lines{"E0316 `versioning` does not apply to a postgres resource @3:25",
                               "E0316 `min_acu` does not apply to an s3 resource @4:22"}));
  EXPECT_EQ(diags.items()[0].help,
            "a postgres resource takes: version, min_acu, max_acu, restore_from");
  EXPECT_EQ(diags.items()[0].labels[0].text, "not a postgres field");
  EXPECT_EQ(diags.items()[1].help, "a s3 resource takes: versioning, expire_days");
}

// Given an unknown resource type, the decoder should leave it to model/ (no field check).
TEST_F(DecodeTest, UnknownResourceTypeIsNotFieldChecked) {
  TenantDoc t = Tenant("environments: [dev]\nresources:\n  q: { type: sqs, versioning: true }\n");
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_EQ(*t.resources[0].type, "sqs");
}

// Given restore_from, we should read it and locate it at its key.
TEST_F(DecodeTest, RestoreFrom) {
  TenantDoc t = Tenant("environments: [dev]\nresources:\n  db:\n    type: postgres\n"
                       "    restore_from: { snapshot: snap-1, source: old }\n");
  EXPECT_EQ(Reported(), Lines{});
  const ResourceDoc& r = t.resources[0];
  EXPECT_TRUE(r.restore_from.set);
  EXPECT_EQ(At(r.restore_from.span), "5:5");
  EXPECT_EQ(*r.restore_from.snapshot, "snap-1");
  EXPECT_EQ(*r.restore_from.source, "old");
  EXPECT_FALSE(r.restore_from.point_in_time);
}

// Given lists and sections of the wrong shape, we should report each item or section.
TEST_F(DecodeTest, TenantShapes) {
  TenantDoc t = Tenant("environments: [dev, { prod: 1 }]\napps: [web]\nresources: db\n");
  EXPECT_EQ(Reported(),
            (Lines{"E0005 items of `environments` must be strings, found a mapping @1:21",
                   "E0005 `apps` must be a mapping of app names, found a list @2:7",
                   "E0005 `resources` must be a mapping of resource names, found \"db\" @3:12"}));
  ASSERT_EQ(t.environments->size(), 1u);
  EXPECT_EQ(*t.environments.value[0], "dev");
  EXPECT_TRUE(t.apps.empty());
}

// Given a tenant without environments, we should report the missing list.
TEST_F(DecodeTest, TenantNeedsEnvironments) {
  Tenant("cost_center: cc-1\n");
  EXPECT_EQ(Reported(), Lines{"E0006 missing required field `environments` in the tenant file @1:1"});
}

// Given an empty tenant file, we should say what a tenant needs.
TEST_F(DecodeTest, EmptyTenant) {
  Tenant("");
  EXPECT_EQ(Reported(), Lines{"E0006 tenant file is empty @1:1"});
  EXPECT_EQ(diags.items()[0].help, "a tenant needs at least `environments: [...]`");
}

// Given the resource types, ResourceFields should list exactly the fields of each.
TEST(DecodeKeysTest, ResourceFieldsPerType) {
  EXPECT_EQ(keys::ResourceFields("mysql"),
            (std::vector<std::string>{"version", "min_acu", "max_acu", "restore_from"}));
  EXPECT_EQ(keys::ResourceFields("redis"),
            (std::vector<std::string>{"max_storage_gb", "max_ecpu_per_second", "restore_from"}));
  EXPECT_EQ(keys::ResourceFields("documentdb"),
            (std::vector<std::string>{"instances", "instance_class", "version", "restore_from"}));
  EXPECT_EQ(keys::ResourceFields("s3"), (std::vector<std::string>{"versioning", "expire_days"}));
  EXPECT_TRUE(keys::ResourceFields("sqs").empty());
  // Every type-specific field is a resource key the decoder accepts.
  for (const auto& type : keys::kResourceTypes)
    for (const auto& f : keys::ResourceFields(type))
      EXPECT_NE(std::find(keys::kResource.begin(), keys::kResource.end(), f), keys::kResource.end())
          << type << "." << f;
}

}  // namespace
}  // namespace eurus::config
