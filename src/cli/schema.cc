#include "cli/commands.h"

namespace eurus::cli {

int RunSchema(FileSystem&, const SchemaOptions&) { return kUsage; }

}  // namespace eurus::cli
