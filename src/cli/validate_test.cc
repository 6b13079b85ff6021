#include "cli/validate.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace eurus::cli {
namespace {

constexpr char kSchema[] = R"({"format": 1, "package": "fixture@1", "provider_version": "6.25.0",
  "resources": {"aws_vpc": {"arguments": {"cidr_block": {"shape": "scalar"}}, "attributes": ["arn", "id"]}},
  "data_sources": {}})";

constexpr char kProviders[] = R"({
  "terraform": {
    "backend": {"s3": {"bucket": "b", "key": "network/terraform.tfstate", "region": "eu-west-1"}},
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 6.25"}}
  }
})";

struct ValidateCommandTest : ::testing::Test {
  MemoryFileSystem fs;
  CommonOptions opts;
  ValidateOptions v;
  std::string out, err;

  void SetUp() override {
    opts.dir = "repo";
    v.schema_path = "aws-schema.json";
    fs.files["aws-schema.json"] = kSchema;
    fs.files["repo/out/dev/network/providers.tf.json"] = kProviders;
    fs.files["repo/out/dev/network/terragrunt.hcl"] = "dependencies {\n  paths = []\n}\n";
  }

  int Run() {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int rc = RunValidate(fs, opts, v);
    out = ::testing::internal::GetCapturedStdout();
    err = ::testing::internal::GetCapturedStderr();
    return rc;
  }
};

// Given a clean tree under the repository, we should print one summary line and succeed.
TEST_F(ValidateCommandTest, CleanTreeSummary) {
  fs.files["repo/out/dev/network/main.tf.json"] =
      R"({"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}}, "output": {"arn": {"value": "${aws_vpc.main.arn}"}}})";
  EXPECT_EQ(Run(), kOk) << err;
  EXPECT_EQ(
      out, "eurus: validated 1 unit, 1 resource (1 type), 0 data sources, 1 reference: 0 errors\n");
  EXPECT_EQ(err, "");
}

// Given a mistake, we should print diagnostics with file:line:col and exit 1.
TEST_F(ValidateCommandTest, ErrorsExitOne) {
  fs.files["repo/out/dev/network/main.tf.json"] =
      "{\n  \"resource\": {\n    \"aws_vpc\": {\n      \"main\": {\n        \"cidr_blok\": "
      "\"10.0.0.0/16\"\n      }\n"
      "    }\n  }\n}\n";
  EXPECT_EQ(Run(), kInputError);
  EXPECT_EQ(out, "");
  EXPECT_EQ(
      err.rfind(
          "repo/out/dev/network/main.tf.json:5:9: error[E0706]: resource.aws_vpc.main.cidr_blok: "
          "aws_vpc has no argument `cidr_blok` (help: did you mean `cidr_block`?)\n",
          0),
      0u)
      << err;
}

// Given no schema file, we should say how to build one and exit 2.
TEST_F(ValidateCommandTest, MissingSchema) {
  v.schema_path = "nowhere/aws-schema.json";
  EXPECT_EQ(Run(), kUsage);
  EXPECT_NE(err.find("error[E0701]: cannot read the AWS provider schema `nowhere/aws-schema.json`"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("make schema"), std::string::npos) << err;
}

// Given $EURUS_AWS_SCHEMA, the default schema path should be it; otherwise beside the binary.
TEST(DefaultSchemaPathTest, EnvironmentThenBinaryDirectory) {
  const char* old = std::getenv("EURUS_AWS_SCHEMA");
  std::string saved = old ? old : "";
  ::setenv("EURUS_AWS_SCHEMA", "/tmp/x.json", 1);
  EXPECT_EQ(DefaultSchemaPath(), "/tmp/x.json");
  ::unsetenv("EURUS_AWS_SCHEMA");
  std::string p = DefaultSchemaPath();
  EXPECT_TRUE(p.ends_with("/aws-schema.json")) << p;
  if (old) ::setenv("EURUS_AWS_SCHEMA", saved.c_str(), 1);
}

}  // namespace
}  // namespace eurus::cli
