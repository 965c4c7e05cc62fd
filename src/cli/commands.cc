#include "cli/commands.h"

#include "cli/assess_command.h"
#include "cli/catalog_command.h"
#include "cli/cvd_command.h"
#include "cli/cvss_command.h"
#include "cli/firmware_command.h"
#include "cli/history_command.h"
#include "cli/init_command.h"
#include "cli/passwords_command.h"
#include "cli/update_command.h"
#include "cli/vdp_command.h"

// Each area adds its header and one call below, in dependency order.

namespace provisio::cli {

void AddAllCommands(CLI::App& app, CommandContext& context) {
  AddCatalogCommands(app, context);
  AddInitCommands(app, context);
  AddAssessCommands(app, context);
  AddHistoryCommands(app, context);
  AddCvssCommands(app, context);
  AddVdpCommands(app, context);
  AddCvdCommands(app, context);
  AddFirmwareCommands(app, context);
  AddPasswordsCommands(app, context);
  AddUpdateCommands(app, context);
}

}  // namespace provisio::cli
