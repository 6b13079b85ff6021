#include "check/glob.h"

#include <gtest/gtest.h>

namespace eurus::check {
namespace {

// Given a pattern without wildcards, we should match only the same string.
TEST(GlobTest, NoWildcard) {
  EXPECT_TRUE(Glob("arn:aws:s3:::logs", "arn:aws:s3:::logs"));
  EXPECT_FALSE(Glob("arn:aws:s3:::logs", "arn:aws:s3:::logs2"));
  EXPECT_FALSE(Glob("arn:aws:s3:::logs", "arn:aws:s3:::log"));
  EXPECT_FALSE(Glob("abc", "abd"));
}

// Given a trailing `*`, we should match every string with that prefix, the prefix itself too.
TEST(GlobTest, TrailingStar) {
  EXPECT_TRUE(Glob("arn:aws:rds:*", "arn:aws:rds:eu-west-1:123:cluster:db"));
  EXPECT_TRUE(Glob("arn:aws:rds:*", "arn:aws:rds:"));
  EXPECT_FALSE(Glob("arn:aws:rds:*", "arn:aws:s3:::b"));
  EXPECT_TRUE(Glob("a**", "a"));
}

// Given stars inside the pattern, we should backtrack until a split fits.
TEST(GlobTest, InnerStars) {
  EXPECT_TRUE(Glob("*", "anything"));
  EXPECT_TRUE(Glob("arn:*:cluster:*", "arn:aws:rds:eu-west-1:1:cluster:shop"));
  EXPECT_TRUE(Glob("*ab", "aab"));
  EXPECT_TRUE(Glob("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(Glob("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(Glob("*x", "abc"));
}

// Given `?`, we should match exactly one byte.
TEST(GlobTest, QuestionMark) {
  EXPECT_TRUE(Glob("db-?", "db-1"));
  EXPECT_FALSE(Glob("db-?", "db-"));
  EXPECT_FALSE(Glob("db-?", "db-12"));
  EXPECT_TRUE(Glob("?*", "x"));
  EXPECT_FALSE(Glob("?*", ""));
}

// Given empty strings, we should match the empty string only with an empty or all-`*` pattern.
TEST(GlobTest, Empty) {
  EXPECT_TRUE(Glob("", ""));
  EXPECT_TRUE(Glob("*", ""));
  EXPECT_TRUE(Glob("**", ""));
  EXPECT_FALSE(Glob("", "a"));
  EXPECT_FALSE(Glob("?", ""));
  EXPECT_FALSE(Glob("a", ""));
}

// Given the byte policy ARNs use for unknown parts (\x01), we should match it only by a
// wildcard, never by a literal.
TEST(GlobTest, UnknownPart) {
  EXPECT_TRUE(Glob("arn:aws:rds:*:123:db:x", "arn:aws:rds:\x01:123:db:x"));
  EXPECT_TRUE(Glob("arn:aws:rds:?:123:db:x", "arn:aws:rds:\x01:123:db:x"));
  EXPECT_FALSE(Glob("arn:aws:rds:eu-west-1:123:db:x", "arn:aws:rds:\x01:123:db:x"));
}

}  // namespace
}  // namespace eurus::check
