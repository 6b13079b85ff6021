#include "util/parallel.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace eurus {
namespace {

// Given many items, we should call fn exactly once per index.
TEST(ParallelForTest, EveryIndexOnce) {
  std::vector<int> hits(1000, 0);
  ParallelFor(hits.size(), [&](size_t i) { hits[i]++; });
  for (int h : hits) EXPECT_EQ(h, 1);
}

// Given a call that throws, we should rethrow it on the caller after joining.
TEST(ParallelForTest, RethrowsFirstError) {
  EXPECT_THROW(ParallelFor(500, [](size_t i) { if (i == 123) throw std::logic_error("x"); }), std::logic_error);
}

}  // namespace
}  // namespace eurus
