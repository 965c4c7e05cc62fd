// provisio-tuf-client: the device-side TUF client with the command-line
// protocol of the TUF project's conformance suite (tuf-conformance
// CLIENT-CLI.md). Exit status 0 on success, 1 on any failure (usage
// errors included).
//
//   provisio-tuf-client --metadata-dir DIR init TRUSTED_ROOT_FILE
//   provisio-tuf-client --metadata-url URL --metadata-dir DIR refresh
//   provisio-tuf-client --metadata-url URL --metadata-dir DIR --target-name PATH
//       [--target-name PATH ...] --target-dir TDIR --target-base-url URL download
//
// Time comes from time(2) (provisio::SystemClock), so libfaketime can move it.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "provisio/core/clock.h"
#include "provisio/core/files.h"
#include "provisio/update/client.h"
#include "provisio/update/transport.h"

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;

struct Arguments {
  std::string metadata_dir;
  std::string metadata_url;
  std::vector<std::string> target_names;
  std::string target_dir;
  std::string target_base_url;
  std::string trusted_root;
};

int Report(const provisio::Error& error) {
  std::cerr << "provisio-tuf-client: " << error.message() << "\n";
  return kFailure;
}

int RunInit(const Arguments& args) {
  provisio::Result<std::string> root = provisio::ReadFile(args.trusted_root);
  if (!root) {
    return Report(root.error());
  }
  provisio::Result<void> done =
      provisio::update::UpdateClient::Initialize(args.metadata_dir, *root);
  return done ? kOk : Report(done.error());
}

provisio::update::UpdateClientOptions Options(const Arguments& args) {
  provisio::update::UpdateClientOptions options;
  options.metadata_dir = args.metadata_dir;
  options.metadata_base_url = args.metadata_url;
  options.target_base_url = args.target_base_url;
  options.target_dir = args.target_dir;
  return options;
}

int RunRefreshOrDownload(const Arguments& args, bool download) {
  auto fetcher = provisio::update::CurlFetcher::Create();
  if (!fetcher) {
    return Report(fetcher.error());
  }
  provisio::SystemClock clock;
  provisio::update::UpdateClient client(Options(args), **fetcher, clock);
  if (!download) {
    provisio::Result<void> refreshed = client.Refresh();
    return refreshed ? kOk : Report(refreshed.error());
  }
  for (const std::string& name : args.target_names) {
    auto info = client.GetTargetInfo(name);
    if (!info) {
      return Report(info.error());
    }
    if (!*info) {
      return Report(provisio::Error(provisio::ErrorCode::kNotFound, name + ": no such target"));
    }
    auto file = client.DownloadTarget(**info);
    if (!file) {
      return Report(file.error());
    }
  }
  return kOk;
}

int Run(int argc, char** argv) {
  CLI::App app("provisio-tuf-client: TUF client (tuf-conformance CLI protocol)");
  app.name("provisio-tuf-client");
  Arguments args;
  app.add_option("--metadata-dir", args.metadata_dir, "Trusted metadata directory")->required();
  app.add_option("--metadata-url", args.metadata_url, "Base URL of the repository metadata");
  app.add_option("--target-name", args.target_names, "TUF target path to download (repeatable)");
  app.add_option("--target-dir", args.target_dir, "Where verified targets are stored");
  app.add_option("--target-base-url", args.target_base_url, "Base URL of the targets");
  app.require_subcommand(1);
  CLI::App* init = app.add_subcommand("init", "Trust TRUSTED_ROOT_FILE (no requests made)");
  init->add_option("trusted_root", args.trusted_root, "Initial root.json")->required();
  CLI::App* refresh = app.add_subcommand("refresh", "Update the top-level metadata");
  CLI::App* download = app.add_subcommand("download", "Refresh, then download targets");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kFailure;
  }
  if (init->parsed()) {
    return RunInit(args);
  }
  if (args.metadata_url.empty()) {
    std::cerr << "provisio-tuf-client: --metadata-url is required\n";
    return kFailure;
  }
  if (refresh->parsed()) {
    return RunRefreshOrDownload(args, false);
  }
  if (download->parsed()) {
    if (args.target_names.empty() || args.target_dir.empty() || args.target_base_url.empty()) {
      std::cerr << "provisio-tuf-client: download needs --target-name, --target-dir and "
                   "--target-base-url\n";
      return kFailure;
    }
    return RunRefreshOrDownload(args, true);
  }
  return kFailure;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "provisio-tuf-client: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "provisio-tuf-client: internal error\n";
  }
  return kFailure;
}
