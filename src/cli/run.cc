#include "cli/run.h"

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "provisio/core/version.h"

namespace provisio::cli {

int Run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "provisio: build, test and prove the security provisions of ETSI EN 303 645.\n"
      "Exit codes: 0 ok, 1 could not do it, 2 bad command line, 3 found non-conformities.");
  app.name("provisio");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(ToolVersion()));

  int status = kExitOk;
  CommandContext context{out, err, status};
  AddAllCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version land here too, with exit code 0.
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }
  return status;
}

}  // namespace provisio::cli
