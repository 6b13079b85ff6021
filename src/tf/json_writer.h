#pragma once
// The writer of every generated JSON file: the same bytes as nlohmann::json::dump(2) (two-
// space indent, keys in the object's order, UTF-8 kept as it is), written straight into one
// string instead of through nlohmann's output adapter — rendering is most of a large synth.

#include <string>

#include "tf/unit.h"

namespace eurus::tf {

/// `j.dump(2)`, byte for byte (json_writer_test.cc checks it on every generated unit).
std::string Dump(const Json& j);

}  // namespace eurus::tf
