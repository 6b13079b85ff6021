#include "ipam/lock.h"

#include <gtest/gtest.h>

namespace eurus {
namespace {

Cidr C(std::string_view s) { return Cidr::Parse(s).value(); }

Lock Sample() {
  Lock lock;
  EnvLock& dev = lock.environments["dev"];
  dev.vpc = "10.111.0.0/16";
  dev.platform = {{"eu-west-1a", C("10.111.0.0/24")}, {"eu-west-1b", C("10.111.1.0/24")}};
  dev.egress = {{"eu-west-1a", C("10.102.9.0/26")}, {"eu-west-1b", C("10.102.9.64/26")}};
  dev.tenants["shop"].tenant = {{"eu-west-1a", C("10.111.2.0/24")},
                                {"eu-west-1b", C("10.111.3.0/24")}};
  dev.tenants["shop"].data = {{"eu-west-1a", C("10.111.4.0/27")},
                              {"eu-west-1b", C("10.111.4.32/27")}};
  lock.environments["prod"].vpc = "10.112.0.0/20";
  lock.environments["prod"].platform = {{"eu-west-1a", C("10.112.0.0/24")}};
  return lock;
}

const char kSampleText[] = R"({
  "environments": {
    "dev": {
      "egress": {
        "eu-west-1a": "10.102.9.0/26",
        "eu-west-1b": "10.102.9.64/26"
      },
      "platform": {
        "eu-west-1a": "10.111.0.0/24",
        "eu-west-1b": "10.111.1.0/24"
      },
      "tenants": {
        "shop": {
          "data": {
            "eu-west-1a": "10.111.4.0/27",
            "eu-west-1b": "10.111.4.32/27"
          },
          "tenant": {
            "eu-west-1a": "10.111.2.0/24",
            "eu-west-1b": "10.111.3.0/24"
          }
        }
      },
      "vpc": "10.111.0.0/16"
    },
    "prod": {
      "egress": {},
      "platform": {
        "eu-west-1a": "10.112.0.0/24"
      },
      "tenants": {},
      "vpc": "10.112.0.0/20"
    }
  },
  "version": 1
}
)";

LockParseError Error(std::string_view text) {
  LockParseError err;
  EXPECT_FALSE(ParseLock(text, &err)) << text;
  return err;
}

// Given a lock, we should write exactly the documented text: sorted keys, 2 spaces, newline.
TEST(LockTest, SerializesByteForByte) {
  EXPECT_EQ(SerializeLock(Sample()), kSampleText);
  EXPECT_EQ(SerializeLock(Lock{}), "{\n  \"environments\": {},\n  \"version\": 1\n}\n");
}

// Given serialised text, we should read back an equal lock and write the same bytes again.
TEST(LockTest, RoundTrips) {
  LockParseError err;
  std::optional<Lock> lock = ParseLock(kSampleText, &err);
  ASSERT_TRUE(lock) << err.message;
  EXPECT_EQ(*lock, Sample());
  EXPECT_EQ(SerializeLock(*lock), kSampleText);
}

// Given a lock written by hand in another key order and without optional members, we
// should read it and normalise it on the next write.
TEST(LockTest, AcceptsOptionalMembersMissing) {
  std::optional<Lock> lock =
      ParseLock(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16"}}})", nullptr);
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->environments.at("dev").vpc, "10.0.0.0/16");
  EXPECT_TRUE(lock->environments.at("dev").platform.empty());
  EXPECT_TRUE(ParseLock(R"({"version":1})", nullptr));
}

// Given malformed json, we should say why and point at the byte where parsing stopped.
TEST(LockTest, RejectsMalformedJson) {
  LockParseError err = Error("{\"version\": 1,,}");
  EXPECT_EQ(err.offset, 14u);
  EXPECT_EQ(err.message.rfind("malformed json: syntax error", 0), 0u) << err.message;
  EXPECT_EQ(Error("").message.rfind("malformed json: ", 0), 0u);
  EXPECT_EQ(Error("{\"version\": 1").offset, 13u);
}

// Given another version, we should refuse it and say which version this eurus reads.
TEST(LockTest, RejectsOtherVersions) {
  LockParseError err = Error("{\"version\": 2, \"environments\": {}}");
  EXPECT_EQ(err.message, "version: unsupported lock file version 2 (this eurus reads version 1)");
  EXPECT_EQ(err.offset, 12u);
  EXPECT_EQ(Error("{\"environments\": {}}").message, "missing \"version\"");
  EXPECT_EQ(Error("{\"version\": \"1\"}").message, "version: \"version\" must be an integer");
  EXPECT_EQ(Error("[1]").message, "lock file must be a json object");
}

// Given wrong shapes and unknown keys, we should name the path and point at it.
TEST(LockTest, RejectsWrongShapes) {
  LockParseError err = Error(R"({"version": 1, "environments": {"dev": []}})");
  EXPECT_EQ(err.message, "environments.dev: expected an object, found array");
  EXPECT_EQ(err.offset, 39u);
  err = Error(R"({"version": 1, "environments": {"dev": {"vpc": "10.0.0.0/16", "natgw": {}}}})");
  EXPECT_EQ(err.message, "environments.dev.natgw: unknown key \"natgw\"");
  EXPECT_EQ(err.offset, 62u);
  EXPECT_EQ(Error(R"({"version": 1, "environments": {"dev": {}}})").message,
            "environments.dev: missing \"vpc\"");
  EXPECT_EQ(Error(R"({"version": 1, "extra": 0})").message, "extra: unknown key \"extra\"");
  EXPECT_EQ(Error(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16",)"
                  R"("tenants":{"shop":{"tenant":{"a":7}}}}}})")
                .message,
            "environments.dev.tenants.shop.tenant.a: expected a cidr string");
}

// Given bad, misaligned, stray or overlapping cidrs, we should refuse the lock.
TEST(LockTest, RejectsBadCidrs) {
  std::string text = kSampleText;
  text.replace(text.find("10.111.4.32/27"), 14, "10.111.4.32/33");
  LockParseError err = Error(text);
  EXPECT_EQ(err.message,
            "environments.dev.tenants.shop.data.eu-west-1b: invalid cidr \"10.111.4.32/33\": "
            "prefix must be 0 to 32");
  EXPECT_EQ(text.substr(err.offset, 16), "\"10.111.4.32/33\"");

  EXPECT_EQ(Error(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.1/16"}}})").message,
            "environments.dev.vpc: cidr 10.0.0.1/16 is not aligned (host bits set; did you "
            "mean 10.0.0.0/16?)");
  EXPECT_EQ(Error(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16",)"
                  R"("platform":{"a":"10.1.0.0/24"}}}})")
                .message,
            "environments.dev.platform.a: platform a subnet 10.1.0.0/24 lies outside the vpc "
            "10.0.0.0/16");
  err = Error(
      R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16",)"
      R"("platform":{"a":"10.0.0.0/24"},"tenants":{"shop":{"data":{"b":"10.0.0.32/27"}}}}}})");
  EXPECT_EQ(err.message,
            "environments.dev.tenants.shop.data.b: tenant shop data b subnet 10.0.0.32/27 "
            "overlaps platform a subnet 10.0.0.0/24");
  // Egress subnets live outside the vpc but may not overlap it.
  EXPECT_TRUE(ParseLock(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16",)"
                        R"("egress":{"a":"10.9.0.0/28"}}}})",
                        nullptr));
  EXPECT_FALSE(ParseLock(R"({"version":1,"environments":{"dev":{"vpc":"10.0.0.0/16",)"
                         R"("platform":{"a":"10.0.0.0/24"},"egress":{"a":"10.0.0.0/28"}}}})",
                         nullptr));
}

}  // namespace
}  // namespace eurus
