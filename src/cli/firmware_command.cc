#include "cli/firmware_command.h"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "cli/exit_codes.h"
#include "provisio/core/clock.h"
#include "provisio/core/files.h"
#include "provisio/core/random.h"
#include "provisio/core/sha256.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/firmware/analyzer.h"
#include "provisio/firmware/report.h"

namespace provisio::cli {
namespace {

std::string Uuid4() {
  OsRandom random;
  std::array<std::uint8_t, 16> raw{};
  if (!random.Fill(raw))
    raw.fill(0);
  std::string bytes(raw.begin(), raw.end());
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0FU) | 0x40U);
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3FU) | 0x80U);
  const std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

void PrintSummary(const firmware::ScanReport& report, std::ostream& out) {
  out << "image: " << report.image_path << " ("
      << (report.image_sha256.empty() ? std::string() : "sha256 " + report.image_sha256 + ", ")
      << report.statistics.image_bytes << " bytes)\n";
  out << "unpacked: " << report.statistics.containers << " containers, " << report.statistics.files
      << " files, " << report.statistics.extracted_bytes << " bytes\n";
  if (report.findings.empty()) {
    out << "findings: none\n";
  } else {
    out << "findings: " << report.findings.size() << "\n";
    for (const firmware::Finding& f : report.findings) {
      std::string provisions;
      for (const std::string& p : f.provisions)
        provisions += (provisions.empty() ? "" : ",") + p;
      out << "  [" << firmware::ToString(f.severity) << "] " << f.rule_id << " (" << provisions
          << ") " << f.chain << " > " << f.path << " @" << firmware::FormatHex(f.offset) << "\n"
          << "      " << f.message << "\n"
          << "      evidence: " << f.evidence << "\n";
    }
  }
  if (!report.components.empty()) {
    out << "components:";
    for (const firmware::Component& c : report.components)
      out << " " << c.name << " " << c.version << ";";
    out << "\n";
  }
  if (report.statistics.regular_files == 0)
    out << "verdict: inconclusive (no file system or archive with files was found)\n";
  else if (!report.notes.empty())
    out << "verdict: inconclusive where nothing was found (parts not fully unpacked)\n";
  if (!report.notes.empty()) {
    out << "not fully unpacked: " << report.notes.size() << "\n";
    for (const firmware::UnpackNote& n : report.notes)
      out << "  " << n.chain << ": " << n.message << "\n";
  }
}

bool Write(const std::filesystem::path& path, std::string_view text, std::ostream& err) {
  auto written = WriteFileAtomically(path, text);
  if (!written) {
    err << "provisio firmware scan: " << written.error().message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int RunFirmwareScan(const FirmwareScanOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.evidence_path.empty() && options.product_version.empty()) {
    err << "provisio firmware scan: --evidence needs --product-version\n";
    return kExitUsage;
  }
  firmware::AnalyzerOptions analyzer;
  analyzer.threads = options.threads == 0 ? 1 : options.threads;
  analyzer.engine = options.engine == "portable" ? firmware::ScannerEngine::kPortable
                                                 : firmware::ScannerEngine::kBest;
  analyzer.password_lists = options.password_lists.empty()
                                ? firmware::DefaultPasswordListDir()
                                : std::filesystem::path(options.password_lists);
  // Only the written reports name the image by its digest; the summary
  // alone does not pay for hashing the whole image.
  analyzer.hash_image = options.json || !options.out_dir.empty() || !options.sarif_path.empty() ||
                        !options.sbom_path.empty() || !options.evidence_path.empty();
  if (!options.no_pattern_cache) {
    // Compiled pattern databases are kept in the user's cache folder.
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
      analyzer.pattern_cache_dir = std::filesystem::path(xdg) / "provisio";
    } else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
      analyzer.pattern_cache_dir = std::filesystem::path(home) / ".cache" / "provisio";
    }
  }
  // A pipe or character device (/dev/zero) has no end to scan; a block
  // device (a flash partition) and a regular file have a size.
  std::error_code status_error;
  const auto status = std::filesystem::status(options.image, status_error);
  if (!status_error && !std::filesystem::is_regular_file(status) &&
      !std::filesystem::is_block_file(status) && !std::filesystem::is_directory(status)) {
    err << "provisio firmware scan: " << options.image
        << " is not a regular file or block device (a pipe or character device has no size "
           "to scan); copy the image into a file first\n";
    return kExitFailure;
  }
  auto report = firmware::ScanImage(options.image, analyzer);
  if (!report) {
    err << "provisio firmware scan: " << report.error().message() << "\n";
    return kExitFailure;
  }
  SystemClock clock;
  const std::string json = firmware::ToJson(*report);
  const std::string sarif = firmware::ToSarif(*report);
  const std::string sbom = firmware::ToCycloneDx(*report, clock, Uuid4());
  if (!options.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    const std::filesystem::path dir(options.out_dir);
    if (!Write(dir / "findings.json", json, err) || !Write(dir / "findings.sarif", sarif, err) ||
        !Write(dir / "sbom.cdx.json", sbom, err)) {
      return kExitFailure;
    }
  }
  if (!options.sarif_path.empty() && !Write(options.sarif_path, sarif, err))
    return kExitFailure;
  if (!options.sbom_path.empty() && !Write(options.sbom_path, sbom, err))
    return kExitFailure;
  if (!options.evidence_path.empty()) {
    auto record = firmware::MakeEvidence(*report, options.product_version, clock);
    if (!record) {
      err << "provisio firmware scan: " << record.error().message() << "\n";
      return kExitFailure;
    }
    auto written = evidence::WriteEvidenceRecord(options.evidence_path, *record);
    if (!written) {
      err << "provisio firmware scan: " << written.error().message() << "\n";
      return kExitFailure;
    }
  }
  if (options.json) {
    out << json;
  } else {
    PrintSummary(*report, out);
  }
  if (!report->findings.empty())
    return kExitFindings;
  if (report->statistics.regular_files == 0) {
    // A clean result must not come from an image nothing could be read in.
    err << "provisio firmware scan: no file system or archive with files was found in "
        << options.image
        << "; only its raw bytes were scanned (keys, tokens, versions), the file checks "
           "(accounts, services, configuration) could not run "
        << (report->notes.empty()
                ? "(is it encrypted, or packed in a format not listed in `provisio firmware "
                  "scan --help`?)\n"
                : "(the notes in the report say which parts could not be unpacked, and why)\n");
    return kExitFailure;
  }
  return kExitOk;
}

void AddFirmwareCommands(CLI::App& app, CommandContext& context) {
  CLI::App* firmware =
      app.add_subcommand("firmware", "Analyze firmware images (EN 303 645 5.1, 5.4, 5.5, 5.6)");
  firmware->require_subcommand(1);
  auto options = std::make_shared<FirmwareScanOptions>();
  CLI::App* scan = firmware->add_subcommand(
      "scan",
      "Unpack IMAGE recursively (uImage, TRX, squashfs, ext2/3/4, JFFS2, UBI/UBIFS, CramFS,\n"
      "cpio, tar, zip, gzip/xz/bzip2/zstd/lzma/lz4)\n"
      "in memory and report default passwords (5.1-1), embedded private keys and tokens (5.4-3),\n"
      "weak TLS settings (5.5-1) and debug/plaintext services (5.6). Exit codes: 0 no findings,\n"
      "3 findings, 1 the image cannot be read or holds no file system to check, 2 bad command\n"
      "line. Parts that could not be unpacked are listed as notes; with notes, a clean scan's\n"
      "evidence is 'inconclusive', not 'pass'.\n"
      "Example: provisio firmware scan fw.bin --sarif fw.sarif --evidence ev.json "
      "--product-version 1.2.0");
  // Not CLI::ExistingFile: a missing image is exit 1 with our own message.
  scan->add_option("IMAGE", options->image, "Firmware image file")->required();
  scan->add_option("--out", options->out_dir,
                   "Also write findings.json, findings.sarif, sbom.cdx.json into DIR");
  scan->add_flag("--json", options->json, "Print the JSON report on stdout instead of the summary");
  scan->add_option("--sarif", options->sarif_path, "Write a SARIF 2.1.0 log to FILE");
  scan->add_option("--sbom", options->sbom_path,
                   "Write a CycloneDX 1.6 SBOM of recognised components to FILE");
  scan->add_option("--evidence", options->evidence_path,
                   "Write an evidence record (provisio.evidence/v1) to FILE");
  scan->add_option("--product-version", options->product_version,
                   "Software version the evidence speaks for");
  scan->add_option(
      "--password-lists", options->password_lists,
      "Folder with default-passwords.txt and common-passwords.txt (default: the shipped lists)");
  scan->add_option("--engine", options->engine,
                   "Pattern engine: best (Hyperscan when built in) or portable")
      ->check(CLI::IsMember({"best", "portable"}));
  scan->add_option("--threads", options->threads, "Files scanned in parallel (default 2, 1 to 64)")
      ->check(CLI::Range(1U, 64U));
  scan->add_flag("--no-pattern-cache", options->no_pattern_cache,
                 "Compile the pattern databases instead of loading them from\n"
                 "$XDG_CACHE_HOME/provisio (or ~/.cache/provisio), where they are kept otherwise");
  scan->callback([options, &context] {
    context.status = RunFirmwareScan(*options, context.out, context.err);
  });
}

}  // namespace provisio::cli
