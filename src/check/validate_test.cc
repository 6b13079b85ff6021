#include "check/validate.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check/codes.h"
#include "diag/render.h"
#include "tf/unit.h"

namespace eurus::check {
namespace {

using nlohmann::json;

/// A hand-written slice of the provider schema, in the extractor's format: enough types to
/// seed every kind of mistake without the 1,500-type file.
constexpr char kFixture[] = R"({
  "format": 1, "package": "fixture@1", "provider_source": "hashicorp/aws", "provider_version": "6.25.0",
  "provider": {"arguments": {
    "region": {"shape": "scalar"},
    "allowed_account_ids": {"shape": "list"},
    "assume_role": {"shape": "blocklist", "arguments": {"role_arn": {"shape": "scalar"}, "session_name": {"shape": "scalar"}}},
    "default_tags": {"shape": "blocklist", "arguments": {"tags": {"shape": "map"}}}}},
  "resources": {
    "aws_vpc": {"arguments": {"cidr_block": {"shape": "scalar"}, "enable_dns_support": {"shape": "scalar"},
                              "tags": {"shape": "map"}},
                "attributes": ["arn", "cidr_block", "default_route_table_id", "enable_dns_support", "id", "tags"]},
    "aws_subnet": {"arguments": {"vpc_id": {"shape": "scalar", "required": true}, "cidr_block": {"shape": "scalar"},
                                 "availability_zone": {"shape": "scalar"}},
                   "attributes": ["arn", "availability_zone", "cidr_block", "id", "vpc_id"]},
    "aws_s3_bucket_server_side_encryption_configuration": {
      "arguments": {"bucket": {"shape": "scalar", "required": true},
                    "rule": {"shape": "blocklist", "required": true, "arguments": {
                      "bucket_key_enabled": {"shape": "scalar"},
                      "apply_server_side_encryption_by_default": {"shape": "block", "max_one": true, "arguments": {
                        "sse_algorithm": {"shape": "scalar", "required": true},
                        "kms_master_key_id": {"shape": "scalar"}}}}}},
      "attributes": ["bucket", "id", "rule"]},
    "aws_security_group": {
      "arguments": {"name": {"shape": "scalar"}, "vpc_id": {"shape": "scalar"},
                    "ingress": {"shape": "blocklist", "attribute": true, "arguments": {
                      "from_port": {"shape": "scalar"}, "to_port": {"shape": "scalar"},
                      "protocol": {"shape": "scalar"}, "cidr_blocks": {"shape": "list"}}}},
      "attributes": ["arn", "id", "ingress", "name", "vpc_id"]}},
  "data_sources": {
    "aws_region": {"arguments": {"region": {"shape": "scalar"}}, "attributes": ["id", "name", "region"]}}
})";

class ValidateTest : public ::testing::Test {
 protected:
  Schema schema = *Schema::Parse(kFixture, nullptr);
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  ValidateStats stats;

  /// A providers.tf.json as tf::Unit writes it.
  static json Providers() {
    tf::Unit u("dev", "network");
    u.backend = {false, "acme-dev-state", "network/terraform.tfstate", "eu-west-1", "", ""};
    u.providers.push_back({"",
                           "eu-west-1",
                           "111111111111",
                           "arn:aws:iam::111111111111:role/acme-deployer",
                           {{"org", "acme"}}});
    return json::parse(u.ProvidersJson());
  }

  /// Writes a unit the way eurus does: pretty-printed, one key per line.
  void Write(const json& main, const json& providers = Providers(),
             const std::string& unit = "dev/network",
             const std::string& hcl = "dependencies {\n  paths = []\n}\n") {
    fs.files["out/" + unit + "/main.tf.json"] = main.dump(2) + "\n";
    fs.files["out/" + unit + "/providers.tf.json"] = providers.dump(2) + "\n";
    fs.files["out/" + unit + "/terragrunt.hcl"] = hcl;
  }

  /// Validates out/ and renders what it found, short form (one line per diagnostic).
  std::string Validate(DiagFormat format = DiagFormat::kShort) {
    stats = ValidateTree(fs, "out", schema, sources, diags);
    diags.Sort(sources);
    std::string out;
    for (const auto& d : diags.items()) out += Render(d, sources, format);
    return out;
  }

  /// The codes reported, in order.
  std::vector<std::string> Codes() const {
    std::vector<std::string> out;
    for (const auto& d : diags.items()) out.push_back(d.code);
    return out;
  }
};

json Body(const char* text) { return json::parse(text); }

// Given a unit built with tf::Unit (resources, a data source, a variable, a local, a remote
// state and outputs), we should find nothing wrong and count what we checked.
TEST_F(ValidateTest, CleanUnitPasses) {
  tf::Unit net("dev", "network");
  net.Output("vpc_id", "x", "the VPC");
  tf::Unit u("dev", "tenant-shop");
  tf::Ref region = u.Data("aws_region", "current", json::object(), "environments/dev.yaml:2");
  u.Variable("cidr", {{"type", "string"}});
  u.Local("zone", region["name"] + "a");
  tf::Ref rs =
      u.RemoteState(net, {false, "acme-dev-state", "network/terraform.tfstate", "eu-west-1", "", ""});
  tf::Ref vpc =
      u.Resource("aws_vpc", "main", {{"cidr_block", "${var.cidr}"}, {"tags", {{"Name", "shop"}}}},
                 "tenants/shop.yaml:3");
  u.Resource("aws_subnet", "a",
             {{"vpc_id", vpc["id"]},
              {"availability_zone", "${local.zone}"},
              {"depends_on", {"aws_vpc.main"}}},
             "tenants/shop.yaml:4");
  u.Resource("aws_subnet", "b", {{"vpc_id", rs.Output("vpc_id")}}, "tenants/shop.yaml:5");
  u.Resource("aws_s3_bucket_server_side_encryption_configuration", "data",
             {{"bucket", "acme-shop"},
              {"rule",
               {{{"apply_server_side_encryption_by_default", {{"sse_algorithm", "aws:kms"}}},
                 {"bucket_key_enabled", true}}}}},
             "tenants/shop.yaml:6");
  u.Output("subnet", "${aws_subnet.a.id}-${upper(aws_vpc.main.arn)}", "the subnet");
  u.backend = {false, "acme-dev-state", "tenant-shop/terraform.tfstate", "eu-west-1", "", ""};
  u.providers.push_back({"",
                         "eu-west-1",
                         "111111111111",
                         "arn:aws:iam::111111111111:role/acme-deployer",
                         {{"org", "acme"}}});
  fs.files["out/dev/tenant-shop/main.tf.json"] = u.MainJson();
  fs.files["out/dev/tenant-shop/providers.tf.json"] = u.ProvidersJson();
  fs.files["out/dev/tenant-shop/terragrunt.hcl"] = u.TerragruntHcl();
  Write(json::parse(net.MainJson()));

  EXPECT_EQ(Validate(), "");
  EXPECT_EQ(stats.units, 2u);
  EXPECT_EQ(stats.resources, 4u);
  EXPECT_EQ(stats.resource_types.size(), 3u);
  EXPECT_EQ(stats.data_sources, 2u);
  // region.name, var.cidr, local.zone, vpc.id, depends_on, remote output, subnet.id, vpc.arn
  EXPECT_EQ(stats.references, 8u);
}

// Given a misspelt resource type, we should report it at the type key with a suggestion.
TEST_F(ValidateTest, UnknownType) {
  Write(Body(R"({"resource": {"aws_vpcc": {"main": {"cidr_block": "10.0.0.0/16"}}}})"));
  EXPECT_EQ(Validate(),
            "out/dev/network/main.tf.json:3:5: error[E0705]: resource.aws_vpcc: unknown resource "
            "type `aws_vpcc` "
            "(help: did you mean `aws_vpc`?)\n");
}

// Given a misspelt argument, we should point at its key, name the file and the JSON path, and
// suggest the argument meant.
TEST_F(ValidateTest, UnknownArgumentWithDidYouMean) {
  Write(Body(
      R"({"resource": {"aws_vpc": {"main": {"cidr_blok": "10.0.0.0/16", "//": "environments/dev.yaml:3"}}}})"));
  EXPECT_EQ(Validate(DiagFormat::kRich),
            "error[E0706]: resource.aws_vpc.main.cidr_blok: aws_vpc has no argument `cidr_blok`\n"
            " --> out/dev/network/main.tf.json:6:9\n"
            "  |\n"
            "6 |         \"cidr_blok\": \"10.0.0.0/16\"\n"
            "  |         ^^^^^^^^^^^ did you mean `cidr_block`?\n");
}

// Given a subnet without its required vpc_id, we should report the missing argument at the
// block's name.
TEST_F(ValidateTest, MissingRequiredArgument) {
  Write(Body(R"({"resource": {"aws_subnet": {"a": {"cidr_block": "10.0.0.0/24"}}}})"));
  EXPECT_EQ(Validate(),
            "out/dev/network/main.tf.json:4:7: error[E0707]: resource.aws_subnet.a: missing "
            "required argument "
            "`vpc_id` of aws_subnet\n");
}

// Given a block written as a string, we should say a block is expected.
TEST_F(ValidateTest, BlockGivenAsScalar) {
  Write(Body(R"({"resource": {"aws_s3_bucket_server_side_encryption_configuration": {"data": {
                   "bucket": "b", "rule": "AES256"}}}})"));
  EXPECT_EQ(Validate(),
            "out/dev/network/main.tf.json:6:9: error[E0708]: "
            "resource.aws_s3_bucket_server_side_encryption_configuration.data.rule: `rule` takes "
            "blocks (an object "
            "or a list of objects), found a string\n");
}

// Given a scalar argument written as an object, we should say a single value is expected.
TEST_F(ValidateTest, ScalarGivenAsObject) {
  Write(Body(R"({"resource": {"aws_vpc": {"main": {"cidr_block": {"ipv4": "10.0.0.0/16"}}}}})"));
  EXPECT_EQ(Validate(),
            "out/dev/network/main.tf.json:5:9: error[E0708]: resource.aws_vpc.main.cidr_block: "
            "`cidr_block` takes "
            "a single value, found an object\n");
}

// Given a list argument written as a plain string, we should say a list is expected; an
// expression in its place is fine.
TEST_F(ValidateTest, ListExpected) {
  Write(Body(R"j({"resource": {"aws_security_group": {
                   "a": {"ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": "10.0.0.0/8"}]},
                   "b": {"ingress": [{"cidr_blocks": "${var.cidrs}"}]}}},
                 "variable": {"cidrs": {"type": "list(string)"}}})j"));
  EXPECT_EQ(Validate(),
            "out/dev/network/main.tf.json:7:13: error[E0708]: "
            "resource.aws_security_group.a.ingress[0].cidr_blocks: "
            "`cidr_blocks` takes a list, found a string\n");
}

// Given a block allowed once written twice, we should report it; nested blocks are checked
// for unknown and missing arguments too.
TEST_F(ValidateTest, NestedBlocks) {
  Write(Body(R"({"resource": {"aws_s3_bucket_server_side_encryption_configuration": {"data": {
                   "bucket": "b",
                   "rule": [{"//": "tenants/shop.yaml:9",
                             "apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"},
                                                                         {"kms_master_key_idd": "k"}]}]}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0709", "E0707", "E0706"})) << out;
  EXPECT_NE(out.find("main.tf.json:9:13: error[E0709]: "
                     "resource.aws_s3_bucket_server_side_encryption_configuration"
                     ".data.rule[0].apply_server_side_encryption_by_default: "
                     "aws_s3_bucket_server_side_encryption_configuration.rule allows at most one "
                     "`apply_server_side_encryption_by_default` block, found 2"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find(".rule[0].apply_server_side_encryption_by_default[1].kms_master_key_idd: "
               "aws_s3_bucket_server_side_encryption_configuration.rule.apply_server_side_"
               "encryption_by_default "
               "has no argument `kms_master_key_idd` (help: did you mean `kms_master_key_id`?)"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find(
          "apply_server_side_encryption_by_default[1]: missing required argument `sse_algorithm`"),
      std::string::npos)
      << out;
}

// Given a reference to a resource the unit does not declare, we should point at the
// reference inside the string and suggest the declared one.
TEST_F(ValidateTest, UndeclaredResourceReference) {
  Write(Body(R"({"resource": {"aws_vpc": {"main": {}},
                               "aws_subnet": {"a": {"vpc_id": "x-${aws_vpc.mian.id}"}}}})"));
  EXPECT_EQ(
      Validate(DiagFormat::kRich),
      "error[E0710]: resource.aws_subnet.a.vpc_id: reference to undeclared resource "
      "`aws_vpc.mian`\n"
      " --> out/dev/network/main.tf.json:5:24\n"
      "  |\n"
      "5 |         \"vpc_id\": \"x-${aws_vpc.mian.id}\"\n"
      "  |                        ^^^^^^^^^^^^^^^ the unit declares no resource `aws_vpc.mian`\n"
      "  |\n"
      "  = help: did you mean `aws_vpc.main`?\n");
}

// Given a reference to an attribute the type does not have, we should report it with the
// attribute meant.
TEST_F(ValidateTest, NonexistentAttribute) {
  Write(Body(
      R"({"resource": {"aws_vpc": {"main": {}}, "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.idd}"}}},
                 "output": {"region": {"value": "${data.aws_region.current.nmae}"}},
                 "data": {"aws_region": {"current": {}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0711", "E0711"})) << out;
  EXPECT_NE(
      out.find(
          "resource.aws_subnet.a.vpc_id: aws_vpc has no attribute `idd` (in `aws_vpc.main.idd`) "
          "(help: did you mean `id`?)"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("output.region.value: data source aws_region has no attribute `nmae` "
                     "(in `data.aws_region.current.nmae`) (help: did you mean `name`?)"),
            std::string::npos)
      << out;
}

// Given references to an undeclared variable and local, we should report both.
TEST_F(ValidateTest, UndeclaredVariableAndLocal) {
  Write(Body(R"({"variable": {"region": {}}, "locals": {"name": "x"},
                 "resource": {"aws_vpc": {"main": {"tags": {"Name": "${local.nmae}", "Region": "${var.regoin}"}}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0710", "E0710"})) << out;
  EXPECT_NE(
      out.find("resource.aws_vpc.main.tags.Name: reference to undeclared local value `local.nmae` "
               "(help: did you mean `local.name`?)"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find("resource.aws_vpc.main.tags.Region: reference to undeclared variable `var.regoin` "
               "(help: did you mean `var.region`?)"),
      std::string::npos)
      << out;
}

// Given a remote state, we should accept any of its outputs, but not an undeclared remote
// state nor an attribute remote states do not have.
TEST_F(ValidateTest, RemoteStateOutputs) {
  Write(Body(
      R"({"data": {"terraform_remote_state": {"network": {"backend": "s3", "config": {"key": "k"}}}},
                 "resource": {"aws_subnet": {
                   "a": {"vpc_id": "${data.terraform_remote_state.network.outputs.vpc_id}"},
                   "b": {"vpc_id": "${data.terraform_remote_state.network.outputs.anything[\"x\"]}"},
                   "c": {"vpc_id": "${data.terraform_remote_state.netwrk.outputs.vpc_id}"},
                   "d": {"vpc_id": "${data.terraform_remote_state.network.output.vpc_id}"}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0710", "E0711"})) << out;
  EXPECT_NE(out.find("resource.aws_subnet.c.vpc_id: reference to undeclared remote state "
                     "`data.terraform_remote_state.netwrk`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("terraform_remote_state has no attribute `output`"), std::string::npos) << out;
}

// Given calls of built-in functions (plain, `core::`, inside a for expression, a provider
// function of aws) and of functions OpenTofu does not have, we should report only the latter,
// at the name, with the closest built-in.
TEST_F(ValidateTest, UnknownFunction) {
  Write(Body(R"({"locals": {"ok": "${[for s in tolist([\"a\"]) : core::upper(s)]}",
                            "arn": "${provider::aws::arn_parse(\"arn:aws:s3:::b\").service}"},
                 "resource": {"aws_vpc": {"main": {
                   "cidr_block": "${cidrsubnett(\"10.0.0.0/8\", 8, 1)}",
                   "tags": {"a": "${lower(no_such_function(1))}", "b": "${core::nope(1)}"}}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0715", "E0715", "E0715"})) << out;
  EXPECT_NE(out.find("main.tf.json:9:26: error[E0715]: resource.aws_vpc.main.cidr_block: call of unknown "
                     "function `cidrsubnett`"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("did you mean `cidrsubnet`?"), std::string::npos) << out;
  EXPECT_NE(out.find("`no_such_function`"), std::string::npos) << out;
  EXPECT_NE(out.find("`core::nope`"), std::string::npos) << out;
}

// Given a resource with both count and for_each, we should refuse it (OpenTofu does).
TEST_F(ValidateTest, CountAndForEach) {
  Write(Body(R"({"resource": {"aws_vpc": {"main": {"count": 1, "for_each": {"a": "b"}},
                                          "ok": {"count": 2}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0716"})) << out;
  EXPECT_NE(out.find("resource.aws_vpc.main: a resource block takes `count` or `for_each`, not "
                     "both"),
            std::string::npos)
      << out;
}

// Given blocks that depend on each other (through an expression, depends_on or a local) or on
// themselves, we should report each cycle once; a chain that is not a cycle, a reference in
// replace_triggered_by and one to an undeclared block are no cycle.
TEST_F(ValidateTest, DependencyCycles) {
  Write(Body(R"({"locals": {"id": "${aws_vpc.a.id}"},
                 "resource": {"aws_vpc": {
                   "a": {"depends_on": ["aws_vpc.b"]},
                   "b": {"tags": {"x": "${local.id}"}},
                   "self": {"tags": {"x": "${aws_vpc.self.id}"}},
                   "c": {"tags": {"x": "${aws_vpc.b.id}"}, "lifecycle": {"replace_triggered_by": ["aws_vpc.d"]}},
                   "d": {"tags": {"x": "${aws_vpc.c.id}"}}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0717", "E0717"})) << out;
  EXPECT_NE(out.find("dependency cycle: `aws_vpc.a`, `aws_vpc.b`, `local.id` depend on each "
                     "other"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("dependency cycle: `aws_vpc.self` refers to itself"), std::string::npos)
      << out;
}

// Given "//" comments at every level and meta-arguments, we should not mistake them for
// arguments, but still check what depends_on and provider name.
TEST_F(ValidateTest, CommentsAndMetaArguments) {
  Write(Body(R"({"//": "generated", "resource": {"aws_vpc": {"main": {
                   "//": "environments/dev.yaml:3", "count": 1, "lifecycle": {"prevent_destroy": true,
                   "ignore_changes": ["tags", "tagz"]}, "provider": "aws.west", "depends_on": ["aws_vpc.nope"]}},
                   "aws_s3_bucket_server_side_encryption_configuration": {"data": {"bucket": "b",
                     "rule": {"//": "nested comment", "apply_server_side_encryption_by_default": {
                       "//": "deeper", "sse_algorithm": "AES256"}}}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0710", "E0711", "E0710"})) << out;
  EXPECT_NE(
      out.find(
          "ignore_changes names `tagz`, which aws_vpc does not have (help: did you mean `tags`?)"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("resource.aws_vpc.main.provider: reference to undeclared provider "
                     "configuration `aws.west`"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find(
          "resource.aws_vpc.main.depends_on[0]: reference to undeclared resource `aws_vpc.nope`"),
      std::string::npos)
      << out;
}

// Given a nested attribute (not a block), we should accept an expression for it; given a
// block, we should refuse an expression and point to `dynamic`, whose content is checked and
// whose iterator is not a reference.
TEST_F(ValidateTest, ExpressionsForAttributesAndDynamicBlocks) {
  Write(Body(R"({"locals": {"rules": []}, "resource": {
                   "aws_security_group": {"web": {"ingress": "${local.rules}"}},
                   "aws_s3_bucket_server_side_encryption_configuration": {
                     "a": {"bucket": "b", "rule": "${local.rules}"},
                     "b": {"bucket": "b", "dynamic": {"rule": {"for_each": "${local.rules}", "content": {
                            "bucket_key_enabled": "${rule.value.key}", "bucket_key": true}}}}}}})"));
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0708", "E0706"})) << out;
  EXPECT_NE(
      out.find(
          "help: a block cannot be an expression; generate it with a `dynamic \"rule\"` block"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find(".b.dynamic.rule.content.bucket_key: "), std::string::npos) << out;
}

// Given a providers.tf.json without the aws requirement nor a backend, we should report
// both; provider "aws" arguments are checked against the provider schema.
TEST_F(ValidateTest, ProvidersFile) {
  json p = Body(R"({"terraform": {"required_version": ">= 1.10.0"},
                    "provider": {"aws": [{"region": "eu-west-1", "allowed_account_ids": "111111111111"}]}})");
  Write(Body(R"({"resource": {"aws_vpc": {"main": {}}}})"), p);
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0708", "E0713", "E0713"})) << out;
  EXPECT_NE(
      out.find(
          "providers.tf.json:10:3: error[E0713]: terraform.required_providers: the unit does not "
          "require the `aws` provider"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("terraform.backend: the unit declares no backend"), std::string::npos) << out;
  EXPECT_NE(out.find("provider.aws[0].allowed_account_ids: `allowed_account_ids` takes a list"),
            std::string::npos)
      << out;
}

// Given a file that is not JSON, we should report where parsing stopped.
TEST_F(ValidateTest, InvalidJson) {
  Write(json::object());
  fs.files["out/dev/network/main.tf.json"] = "{\n  \"resource\": {\n    \"aws_vpc\": \n}\n";
  std::string out = Validate();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"E0704"})) << out;
  EXPECT_EQ(out.rfind("out/dev/network/main.tf.json:4:1: error[E0704]: "
                      "out/dev/network/main.tf.json is not valid "
                      "JSON: syntax error",
                      0),
            0u)
      << out;
}

// Given a terragrunt dependency on a unit that does not exist, we should point at it.
TEST_F(ValidateTest, TerragruntDependency) {
  Write(Body(R"({"resource": {"aws_vpc": {"main": {}}}})"));
  Write(Body(R"({"resource": {"aws_vpc": {"main": {}}}})"), Providers(), "dev/tenant-shop",
        "dependencies {\n  paths = [\"../../dev/network\", \"../../dev/netwrok\"]\n}\n");
  EXPECT_EQ(Validate(),
            "out/dev/tenant-shop/terragrunt.hcl:2:33: error[E0714]: "
            "out/dev/tenant-shop/terragrunt.hcl: dependency "
            "`../../dev/netwrok` is not a unit of the tree\n");
}

// Given no out directory, we should say to synthesize first.
TEST_F(ValidateTest, NoTree) {
  EXPECT_EQ(
      Validate(),
      "eurus: error[E0703]: no directory `out` to validate (help: run `eurus synth` first)\n");
}

// Given documents without source text, ValidateUnit should still report, naming the file in a
// note.
TEST_F(ValidateTest, ValidateUnitWithoutSources) {
  UnitSources where;
  where.main_path = "out/dev/network/main.tf.json";
  ValidateUnit(Body(R"({"resource": {"aws_vpc": {"main": {"cidr_blok": "10.0.0.0/16"}}}})"),
               Providers(), schema, where, diags, &stats);
  ASSERT_EQ(Codes(), (std::vector<std::string>{"E0706"}));
  EXPECT_EQ(diags.items()[0].notes, (std::vector<std::string>{"in out/dev/network/main.tf.json"}));
  EXPECT_EQ(stats.units, 1u);
  EXPECT_EQ(stats.resources, 1u);
}

// ---- the real schema -------------------------------------------------------------------------

std::string RealSchemaPath() {
  if (const char* env = std::getenv("EURUS_AWS_SCHEMA"); env && *env) return env;
#ifdef EURUS_BINARY
  return (std::filesystem::path(EURUS_BINARY).parent_path() / "aws-schema.json").string();
#else
  return "aws-schema.json";
#endif
}

// Given the schema extracted from @cdktf/provider-aws, we should find a few known facts of
// hashicorp/aws 6.25 (skipped when `make schema` has not run).
TEST(RealSchemaTest, KnownFacts) {
  std::string path = RealSchemaPath();
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "no schema at " << path << " (run `make schema`)";
  std::stringstream text;
  text << in.rdbuf();
  std::string err;
  auto schema = Schema::Parse(text.str(), &err);
  ASSERT_TRUE(schema) << err;
  EXPECT_EQ(schema->package(), "@cdktf/provider-aws@21.22.1");
  EXPECT_EQ(schema->provider_version(), "6.25.0");
  EXPECT_GT(schema->resource_count(), 1400u);
  EXPECT_GT(schema->data_source_count(), 500u);

  const TypeSchema* vpc = schema->Resource("aws_vpc");
  ASSERT_TRUE(vpc);
  ASSERT_TRUE(vpc->block.Find("cidr_block"));
  EXPECT_FALSE(vpc->block.Find("cidr_block")->required);
  EXPECT_EQ(vpc->block.Find("cidr_block")->shape, Shape::kScalar);
  EXPECT_TRUE(vpc->HasAttribute("arn"));
  EXPECT_FALSE(vpc->block.Find("arn"));  // computed only

  const TypeSchema* subnet = schema->Resource("aws_subnet");
  ASSERT_TRUE(subnet);
  ASSERT_TRUE(subnet->block.Find("vpc_id"));
  EXPECT_TRUE(subnet->block.Find("vpc_id")->required);

  const TypeSchema* sse = schema->Resource("aws_s3_bucket_server_side_encryption_configuration");
  ASSERT_TRUE(sse);
  const ArgumentSchema* rule = sse->block.Find("rule");
  ASSERT_TRUE(rule && rule->block);
  EXPECT_EQ(rule->shape, Shape::kBlockList);
  EXPECT_TRUE(rule->required);
  const ArgumentSchema* by_default = rule->block->Find("apply_server_side_encryption_by_default");
  ASSERT_TRUE(by_default && by_default->block);
  EXPECT_EQ(by_default->shape, Shape::kBlock);
  EXPECT_TRUE(by_default->max_one);
  ASSERT_TRUE(by_default->block->Find("sse_algorithm"));
  EXPECT_TRUE(by_default->block->Find("sse_algorithm")->required);

  const TypeSchema* listener = schema->Resource("aws_lb_listener");
  ASSERT_TRUE(listener);
  const ArgumentSchema* action = listener->block.Find("default_action");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->shape, Shape::kBlockList);
  EXPECT_TRUE(action->required);
  ASSERT_TRUE(action->block);
  EXPECT_TRUE(action->block->Find("type") && action->block->Find("type")->required);

  // cdktf renames some arguments (self → selfAttribute); the schema keeps Terraform's names.
  const TypeSchema* rule_sg = schema->Resource("aws_security_group_rule");
  ASSERT_TRUE(rule_sg);
  EXPECT_TRUE(rule_sg->block.Find("self"));

  ASSERT_TRUE(schema->DataSource("aws_region"));
  EXPECT_TRUE(schema->DataSource("aws_region")->HasAttribute("name"));
  EXPECT_TRUE(schema->Provider().Find("assume_role"));
  EXPECT_TRUE(schema->Provider().Find("default_tags"));
}

}  // namespace
}  // namespace eurus::check
