#include "cli/vdp_command.h"

#include <filesystem>
#include <memory>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/disclosure/security_txt.h"
#include "provisio/disclosure/vdp.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;

Result<TimePoint> NowOr(const std::string& now, const Clock& clock) {
  if (now.empty()) {
    return clock.Now();
  }
  Result<TimePoint> parsed = ParseUtc(now);
  if (!parsed) {
    return Fail(ErrorCode::kInvalidArgument,
                "--now '" + now + "' is not a time such as 2026-11-28T12:00:00Z");
  }
  return parsed;
}

}  // namespace

int RunVdpInit(const VdpInitOptions& options, std::ostream& out, std::ostream& err) {
  const fs::path dir(options.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << "provisio vdp init: cannot create " << dir.string() << ": " << ec.message() << '\n';
    return kExitFailure;
  }
  const fs::path path = dir / "vdp.yaml";
  if (fs::exists(path) && !options.force) {
    err << "provisio vdp init: " << path.string()
        << " already exists; edit it, or pass --force to replace it\n";
    return kExitFailure;
  }
  Result<void> written = WriteFileAtomically(path, disclosure::VdpPolicyTemplate());
  if (!written) {
    err << "provisio vdp init: " << written.error().message() << '\n';
    return kExitFailure;
  }
  out << path.string() << '\n';
  return kExitOk;
}

int RunVdpRender(const VdpRenderOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err) {
  Result<TimePoint> now = NowOr(options.now, clock);
  if (!now) {
    err << "provisio vdp render: " << now.error().message() << '\n';
    return kExitUsage;
  }
  Result<disclosure::VdpPolicy> policy = disclosure::LoadVdpPolicy(options.policy_path);
  if (!policy) {
    err << "provisio vdp render: " << policy.error().message() << '\n';
    return kExitFailure;
  }
  Result<disclosure::RenderedPolicy> page = disclosure::RenderVdpPolicy(*policy, *now);
  if (!page) {
    err << "provisio vdp render: " << page.error().message() << '\n';
    return kExitFailure;
  }
  Result<std::string> security_txt = disclosure::RenderSecurityTxt(*policy, *now);
  if (!security_txt) {
    err << "provisio vdp render: " << security_txt.error().message() << '\n';
    return kExitFailure;
  }
  if (!options.sign_key.empty()) {
    disclosure::GpgSignOptions sign;
    sign.key_id = options.sign_key;
    Result<std::string> signed_text = disclosure::ClearsignWithGpg(*security_txt, sign);
    if (!signed_text) {
      err << "provisio vdp render: " << signed_text.error().message() << '\n';
      return kExitFailure;
    }
    security_txt = std::move(*signed_text);
  }
  const fs::path dir(options.out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << "provisio vdp render: cannot create " << dir.string() << ": " << ec.message() << '\n';
    return kExitFailure;
  }
  const std::pair<const char*, const std::string*> files[] = {
      {"policy.html", &page->html},
      {"policy.md", &page->markdown},
      {"security.txt", &*security_txt},
  };
  for (const auto& [name, contents] : files) {
    const fs::path path = dir / name;
    Result<void> written = WriteFileAtomically(path, *contents);
    if (!written) {
      err << "provisio vdp render: " << written.error().message() << '\n';
      return kExitFailure;
    }
    out << path.string() << '\n';
  }
  return kExitOk;
}

int RunVdpCheck(const VdpCheckOptions& options,
                const Clock& clock,
                std::ostream& out,
                std::ostream& err) {
  Result<TimePoint> now = NowOr(options.now, clock);
  if (!now) {
    err << "provisio vdp check: " << now.error().message() << '\n';
    return kExitUsage;
  }
  Result<std::string> text = ReadFile(options.file);
  if (!text) {
    err << "provisio vdp check: cannot read " << options.file << ": " << text.error().message()
        << '\n';
    return kExitFailure;
  }
  disclosure::SecurityTxtCheckOptions check;
  check.now = *now;
  check.file_url = options.url;
  const disclosure::SecurityTxtReport report = disclosure::CheckSecurityTxt(*text, check);
  using disclosure::FindingLevel;
  if (options.json) {
    formats::Json doc = formats::Json::object();
    doc["file"] = options.file;
    doc["checkedAt"] = FormatUtc(*now);
    doc["clean"] = report.Clean();
    doc["signed"] = report.is_signed;
    doc["lineEndings"] = report.line_endings;
    doc["errors"] = report.Count(FindingLevel::kError);
    doc["warnings"] = report.Count(FindingLevel::kWarning);
    formats::Json findings = formats::Json::array();
    for (const disclosure::SecurityTxtFinding& f : report.findings) {
      findings.push_back({{"line", f.line},
                          {"level", std::string(disclosure::ToString(f.level))},
                          {"code", f.code},
                          {"message", f.message}});
    }
    doc["findings"] = findings;
    formats::Json fields = formats::Json::array();
    for (const disclosure::SecurityTxtField& f : report.fields) {
      fields.push_back({{"line", f.line}, {"name", f.name}, {"value", f.value}});
    }
    doc["fields"] = fields;
    out << formats::DumpJson(doc) << '\n';
  } else {
    for (const disclosure::SecurityTxtFinding& f : report.findings) {
      out << options.file;
      if (f.line > 0) {
        out << ':' << f.line;
      }
      out << ": " << disclosure::ToString(f.level) << ": " << f.message << " [" << f.code << "]\n";
    }
    const int errors = report.Count(FindingLevel::kError);
    const int warnings = report.Count(FindingLevel::kWarning);
    out << options.file << ": " << (report.Clean() ? "valid" : "not valid") << " (" << errors
        << (errors == 1 ? " error, " : " errors, ") << warnings
        << (warnings == 1 ? " warning; " : " warnings; ")
        << (report.is_signed ? "signed" : "unsigned") << ", " << report.line_endings
        << " line endings)\n";
  }
  return report.Clean() ? kExitOk : kExitFindings;
}

void AddVdpCommands(CLI::App& app, CommandContext& context) {
  CLI::App* vdp = app.add_subcommand(
      "vdp", "Vulnerability disclosure policy and RFC 9116 security.txt (EN 303 645 5.2-1)");
  vdp->require_subcommand(1);

  auto init_options = std::make_shared<VdpInitOptions>();
  CLI::App* init = vdp->add_subcommand(
      "init",
      "Write a commented vdp.yaml to edit: contacts, scope, timelines (acknowledge,\n"
      "  triage, status updates, fix per severity, disclosure), safe harbour, languages,\n"
      "  encryption key, support period and the URLs it is published under.");
  init->add_option("--dir", init_options->dir, "Directory for vdp.yaml")->capture_default_str();
  init->add_flag("--force", init_options->force, "Replace an existing vdp.yaml");
  init->callback([init_options, &context] {
    context.status = RunVdpInit(*init_options, context.out, context.err);
  });

  auto render_options = std::make_shared<VdpRenderOptions>();
  CLI::App* render = vdp->add_subcommand(
      "render",
      "Write policy.html, policy.md and security.txt from a vdp.yaml. security.txt\n"
      "  gets Contact, Expires (now + security_txt.expires_days, at most 365),\n"
      "  Encryption, Acknowledgments, Preferred-Languages, Canonical, Policy and CSAF.\n"
      "  Example: provisio vdp render vdp.yaml --out public/ --sign-key security@example.com");
  render->add_option("policy", render_options->policy_path, "The vdp.yaml")
      ->required()
      ->check(CLI::ExistingFile);
  render->add_option("--out", render_options->out_dir, "Output directory")->required();
  render->add_option("--sign-key", render_options->sign_key,
                     "OpenPGP-cleartext-sign security.txt with this gpg key (gpg --clearsign)");
  render->add_option("--now", render_options->now,
                     "Render as of this UTC time (e.g. 2026-11-28T00:00:00Z) instead of now");
  render->callback([render_options, &context] {
    SystemClock clock;
    context.status = RunVdpRender(*render_options, clock, context.out, context.err);
  });

  auto check_options = std::make_shared<VdpCheckOptions>();
  CLI::App* check = vdp->add_subcommand(
      "check",
      "Check any security.txt against RFC 9116, with line numbers: Contact and Expires\n"
      "  present, Expires once, not expired, not more than a year ahead (warning), URIs\n"
      "  well-formed and https://, Preferred-Languages at most once, Canonical, unknown\n"
      "  fields (info), CRLF/LF, and the OpenPGP cleartext-signature frame.\n"
      "  Exit 0 valid, 3 errors or warnings found, 1 cannot read the file.");
  check->add_option("file", check_options->file, "The security.txt to check")->required();
  check->add_option("--url", check_options->url,
                    "URL the file was fetched from; must be listed by Canonical");
  check->add_option("--now", check_options->now,
                    "Check Expires against this UTC time instead of now");
  check->add_flag("--json", check_options->json, "Print one JSON object instead of text");
  check->callback([check_options, &context] {
    SystemClock clock;
    context.status = RunVdpCheck(*check_options, clock, context.out, context.err);
  });
}

}  // namespace provisio::cli
