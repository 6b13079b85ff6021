#pragma once
// Which eurus binary is running, for caches that must not outlive it (incremental synth:
// output another build wrote may differ from what this one writes for the same input).

#include <string>

namespace eurus {

/// The hex GNU build id of the running executable (the linker's hash of its contents, in
/// the NT_GNU_BUILD_ID note); empty when it has none, and callers then cache nothing.
const std::string& BuildId();

}  // namespace eurus
