#include "ipam/cidr.h"

#include <gtest/gtest.h>

namespace eurus {
namespace {

Cidr C(std::string_view s) {
  std::optional<Cidr> c = Cidr::Parse(s);
  EXPECT_TRUE(c) << s;
  return c.value_or(Cidr{});
}

std::string Why(std::string_view s) {
  std::string why;
  EXPECT_FALSE(Cidr::Parse(s, &why)) << s;
  return why;
}

// Given well-formed cidrs at the edges of the ranges, we should read them exactly.
TEST(CidrTest, ParsesValid) {
  EXPECT_EQ(C("10.111.0.0/16"), (Cidr{0x0a6f0000, 16}));
  EXPECT_EQ(C("0.0.0.0/0"), (Cidr{0, 0}));
  EXPECT_EQ(C("255.255.255.255/32"), (Cidr{0xffffffff, 32}));
  EXPECT_EQ(C("192.168.1.0/24").ToString(), "192.168.1.0/24");
}

// Given malformed text, we should refuse it with a short lowercase reason.
TEST(CidrTest, RejectsMalformed) {
  EXPECT_EQ(Why(""), "empty cidr");
  EXPECT_EQ(Why("10.0.0.0"), "missing \"/prefix\"");
  EXPECT_EQ(Why("10.0.0.0/"), "missing prefix after \"/\"");
  EXPECT_EQ(Why("10.0.0.0/33"), "prefix must be 0 to 32");
  EXPECT_EQ(Why("10.0.0.0/-1"), "prefix must be 0 to 32");
  EXPECT_EQ(Why("10.0.0.0/08"), "prefix must be 0 to 32");
  EXPECT_EQ(Why("10.0.0.0/16 "), "prefix must be 0 to 32");
  EXPECT_EQ(Why("10.0.0.0/1000000000000"), "prefix must be 0 to 32");
  EXPECT_EQ(Why("10.0.0/16"), "address must be four numbers separated by dots");
  EXPECT_EQ(Why("10.0.0.0.0/16"), "address must be four numbers separated by dots");
  EXPECT_EQ(Why("10.0.256.0/16"), "octet must be 0 to 255");
  EXPECT_EQ(Why("10.0.01.0/24"), "octet \"01\" has a leading zero");
  EXPECT_EQ(Why("10.00.0.0/24"), "octet \"00\" has a leading zero");
  EXPECT_EQ(Why(" 10.0.0.0/24"), "expected a number for the octet");
  EXPECT_EQ(Why("10.0.0.a/24"), "expected a number for the octet");
  EXPECT_EQ(Why("10.0.0.0 /24"), "expected \"/\" after the address");
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/99999999999999999999"));  // no overflow
}

// Given host bits set, we should keep the address as written but report it misaligned.
TEST(CidrTest, Alignment) {
  Cidr c = C("10.0.0.1/24");
  EXPECT_FALSE(c.aligned());
  EXPECT_EQ(c.ToString(), "10.0.0.1/24");
  EXPECT_EQ(c.Network().ToString(), "10.0.0.0/24");
  EXPECT_TRUE(c.Network().aligned());
  EXPECT_TRUE(C("10.0.0.0/24").aligned());
  EXPECT_TRUE(C("10.0.0.1/32").aligned());
  EXPECT_TRUE(C("0.0.0.0/0").aligned());
  EXPECT_FALSE(C("1.0.0.0/0").aligned());
}

// Given blocks of various sizes, we should compute their bounds without overflow.
TEST(CidrTest, Bounds) {
  EXPECT_EQ(C("0.0.0.0/0").size(), uint64_t{1} << 32);
  EXPECT_EQ(C("0.0.0.0/0").last(), 0xffffffffu);
  EXPECT_EQ(C("10.1.2.3/32").size(), 1u);
  Cidr c = C("10.0.1.7/24");
  EXPECT_EQ(c.first(), 0x0a000100u);
  EXPECT_EQ(c.last(), 0x0a0001ffu);
  EXPECT_EQ(c.size(), 256u);
}

// Given nested, adjacent and disjoint blocks, we should tell containment from overlap.
TEST(CidrTest, ContainsAndOverlaps) {
  Cidr vpc = C("10.0.0.0/16");
  EXPECT_TRUE(vpc.Contains(C("10.0.3.0/24")));
  EXPECT_TRUE(vpc.Contains(vpc));
  EXPECT_FALSE(C("10.0.3.0/24").Contains(vpc));
  EXPECT_FALSE(vpc.Contains(C("10.1.0.0/24")));
  EXPECT_TRUE(vpc.Overlaps(C("10.0.3.0/24")));
  EXPECT_TRUE(C("10.0.3.0/24").Overlaps(vpc));
  EXPECT_FALSE(C("10.0.0.0/24").Overlaps(C("10.0.1.0/24")));
  EXPECT_TRUE(C("0.0.0.0/0").Overlaps(C("255.255.255.255/32")));
  EXPECT_TRUE(C("0.0.0.0/0").Contains(C("255.255.255.255/32")));
  // A misaligned block covers its network's range.
  EXPECT_TRUE(C("10.0.0.0/24").Contains(C("10.0.0.9/28")));
}

// Given a parent block, we should number its subnets in address order and refuse bad ones.
TEST(CidrTest, Subnet) {
  Cidr vpc = C("10.111.0.0/16");
  EXPECT_EQ(vpc.Subnet(24, 0)->ToString(), "10.111.0.0/24");
  EXPECT_EQ(vpc.Subnet(24, 255)->ToString(), "10.111.255.0/24");
  EXPECT_EQ(vpc.Subnet(27, 9)->ToString(), "10.111.1.32/27");
  EXPECT_EQ(vpc.Subnet(16, 0), vpc);
  EXPECT_FALSE(vpc.Subnet(24, 256));
  EXPECT_FALSE(vpc.Subnet(15, 0));
  EXPECT_FALSE(vpc.Subnet(33, 0));
  EXPECT_EQ(C("0.0.0.0/0").Subnet(32, 0xffffffff)->ToString(), "255.255.255.255/32");
  EXPECT_EQ(C("10.0.0.5/24").Subnet(26, 1)->ToString(), "10.0.0.64/26");
}

// Given cidrs, we should order them by address, then by prefix.
TEST(CidrTest, Ordering) {
  EXPECT_LT(C("10.0.0.0/16"), C("10.0.0.0/24"));
  EXPECT_LT(C("10.0.0.0/24"), C("10.0.1.0/24"));
  EXPECT_LT(C("9.255.0.0/24"), C("10.0.0.0/8"));
  EXPECT_NE(C("10.0.0.0/16"), C("10.0.0.0/17"));
}

}  // namespace
}  // namespace eurus
