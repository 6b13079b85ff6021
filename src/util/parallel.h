#pragma once
// The one worker pool of eurus's in-process passes: parse files, build tenant units, render
// and hash units, run policy rules. Items are independent; results go into slots indexed by
// item, so output never depends on timing.

#include <cstddef>
#include <functional>

namespace eurus {

/// Calls fn(i) for every i in [0, n) on up to 4 threads (the calling thread included); below
/// `min_parallel` items everything runs on the calling thread. The first exception thrown by
/// any call is rethrown here after all threads have stopped.
void ParallelFor(size_t n, const std::function<void(size_t)>& fn, size_t min_parallel = 64);

}  // namespace eurus
