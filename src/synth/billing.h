#pragma once
// management/billing (billing.cc): cost allocation in the payer account.

#include <string>
#include <vector>

#include "synth/synth.h"

namespace eurus::synth::billing {

inline constexpr char kUnitName[] = "billing";
/// The unit's provider alias for us-east-1, where the Data Exports API lives.
inline constexpr char kGlobalAlias[] = "us_east_1";

/// The tag keys the unit activates for cost allocation (tags in synth.h), sorted.
const std::vector<std::string>& AllocationTagKeys();
/// "<org>-tenants": the cost category that gives each line of the bill a tenant and
/// environment (model/billing.h).
std::string CategoryName(const model::Org& org);
/// "<org>-billing-<management account>": the bucket of the CUR 2.0 export.
std::string ExportBucket(const model::Org& org);
/// The CUR 2.0 columns the export writes, in order (`eurus cost report` reads them).
const std::vector<std::string>& ExportColumns();

}  // namespace eurus::synth::billing
