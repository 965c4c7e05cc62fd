#include "cli/assess_command.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "cli/exit_codes.h"
#include "provisio/assess/engine.h"
#include "provisio/core/sha256.h"
#include "provisio/evidence/history_store.h"
#include "provisio/report/report.h"

namespace provisio::cli {
namespace {

constexpr const char* kCommand = "provisio assess";

std::string Pad(std::string text, std::size_t width) {
  if (text.size() < width) {
    text.resize(width, ' ');
  }
  return text;
}

void PrintProvision(const assess::ProvisionVerdict& p, bool blocks, std::ostream& out) {
  out << "  " << Pad(std::string(assess::ToString(p.verdict)), 15) << Pad(p.id, 8) << ' '
      << Pad(p.status_text, 11) << ' ' << p.clause_title;
  if (blocks) {
    out << "  [blocks release]";
  } else if (p.waived) {
    out << "  [waived]";
  }
  out << '\n';
  for (const std::string& reason : p.reasons) {
    out << "      - " << reason << '\n';
  }
}

void PrintSummary(const assess::Assessment& assessment,
                  const AssessCommandOptions& options,
                  std::ostream& out) {
  const assess::DeviceUnderTest& dut = assessment.dut;
  out << "Product:  " << dut.manufacturer << ' ' << dut.model << " (hardware "
      << dut.hardware_version << ", software " << dut.software_version << ")\n";
  out << "Standard: " << assessment.standard << " V" << assessment.standard_version << '\n';
  const std::map<assess::Verdict, int> counts = assessment.Counts();
  out << "Verdicts: " << counts.at(assess::Verdict::kPass) << " PASS, "
      << counts.at(assess::Verdict::kFail) << " FAIL, " << counts.at(assess::Verdict::kInconclusive)
      << " INCONCLUSIVE, " << counts.at(assess::Verdict::kNotApplicable) << " NOT_APPLICABLE ("
      << assessment.provisions.size() << " provisions)\n";

  std::vector<const assess::ProvisionVerdict*> listed;
  for (const assess::ProvisionVerdict& p : assessment.provisions) {
    const bool open =
        p.verdict == assess::Verdict::kFail || p.verdict == assess::Verdict::kInconclusive;
    if (options.all || open) {
      listed.push_back(&p);
    }
  }
  if (!listed.empty()) {
    out << '\n' << (options.all ? "Provisions:\n" : "Open provisions:\n");
    for (const assess::ProvisionVerdict* p : listed) {
      const bool blocks =
          std::find(assessment.gate.blocking_ids.begin(), assessment.gate.blocking_ids.end(),
                    p->id) != assessment.gate.blocking_ids.end();
      PrintProvision(*p, blocks, out);
    }
  }
  out << '\n';
  const std::string scope = assessment.policy.recommendations_required
                                ? "applicable provision (recommendations required)"
                                : "applicable mandatory provision";
  if (assessment.gate.passed) {
    out << "Release gate: PASSED (every " << scope << " passes or is waived)\n";
  } else {
    std::string ids;
    for (const std::string& id : assessment.gate.blocking_ids) {
      ids += (ids.empty() ? "" : ", ") + id;
    }
    out << "Release gate: FAILED (" << assessment.gate.blocking_ids.size() << " blocking: " << ids
        << ")\n";
  }
}

}  // namespace

int RunAssess(const AssessCommandOptions& options,
              const Clock& clock,
              std::ostream& out,
              std::ostream& err) {
  std::unique_ptr<FixedClock> as_of;
  if (!options.as_of.empty()) {
    Result<TimePoint> when = ParseUtc(options.as_of);
    if (!when) {
      err << kCommand << ": --as-of: " << when.error().message() << '\n';
      return kExitUsage;
    }
    as_of = std::make_unique<FixedClock>(*when);
  }
  assess::AssessOptions assess_options;
  assess_options.policy.recommendations_required = options.recommendations_required;
  Result<assess::Assessment> assessment =
      assess::AssessProduct(options.product_dir, assess_options, as_of ? *as_of : clock);
  if (!assessment) {
    err << kCommand << ": " << assessment.error().message() << '\n';
    return kExitFailure;
  }

  Result<std::string> json = report::RenderJson(*assessment);
  if (!json) {
    err << kCommand << ": rendering report.json: " << json.error().message() << '\n';
    return kExitFailure;
  }
  if (!options.out_dir.empty()) {
    Result<void> written = report::WriteReports(*assessment, options.out_dir);
    if (!written) {
      err << kCommand << ": writing reports: " << written.error().message() << '\n';
      return kExitFailure;
    }
  }
  std::string recorded;
  if (options.record) {
    const std::string location = options.history_store.empty()
                                     ? evidence::HistoryStorePath(options.product_dir).string()
                                     : options.history_store;
    Result<evidence::HistoryStore> store = evidence::HistoryStore::Open(location);
    if (!store) {
      err << kCommand << ": opening history: " << store.error().message() << '\n';
      return kExitFailure;
    }
    Result<std::int64_t> id = store->Record(report::ToAssessmentRun(*assessment, Sha256Hex(*json)));
    if (!id) {
      err << kCommand << ": recording the run: " << id.error().message() << '\n';
      return kExitFailure;
    }
    recorded = "Recorded as run " + std::to_string(*id) + " in " + store->Describe() + "\n";
  }

  if (options.json) {
    out << *json;
  } else {
    PrintSummary(*assessment, options, out);
    if (!options.out_dir.empty()) {
      const std::filesystem::path dir(options.out_dir);
      out << "Reports:  " << (dir / report::kJsonReportName).string() << ", "
          << (dir / report::kHtmlReportName).string() << ", "
          << (dir / report::kJunitReportName).string() << '\n';
    }
    out << recorded;
  }
  return assessment->gate.passed ? kExitOk : kExitFindings;
}

void AddAssessCommands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<AssessCommandOptions>();
  CLI::App* assess = app.add_subcommand(
      "assess",
      "Assess a product's conformance folder against ETSI EN 303 645 and gate the release.\n"
      "Reads DIR/product.yaml (docs/product-file.md): answers decide which provisions apply,\n"
      "each applicable provision gets PASS, FAIL or INCONCLUSIVE from its ICS claim and\n"
      "evidence (files with SHA-256, JUnit reports, provisio evidence records).\n"
      "Exit 0: every applicable mandatory provision passes (or is waived); 3: it does not;\n"
      "1: the folder could not be assessed; 2: bad command line.");
  assess->add_option("dir", options->product_dir, "Product folder containing product.yaml")
      ->required();
  assess->add_option("--out", options->out_dir,
                     "Write report.json, report.html and junit.xml into this folder");
  assess->add_flag("--json", options->json,
                   "Print the JSON report (schema provisio.report/v1) instead of the summary");
  assess->add_flag("--recommendations-required", options->recommendations_required,
                   "Recommendations must also pass (or be justified) for the gate");
  assess->add_flag("--record", options->record,
                   "Store this run in DIR/.provisio/history.db (see `provisio history`)");
  assess
      ->add_option("--history-store", options->history_store,
                   "With --record: the store to use instead of DIR/.provisio/history.db, a "
                   "SQLite file or a postgresql://user@host/db URI shared by a team or CI")
      ->envname("PROVISIO_HISTORY_STORE");
  assess->add_flag("--all", options->all, "List every provision, not only the open ones");
  assess->add_option("--as-of", options->as_of,
                     "Judge waiver expiry at this UTC time (YYYY-MM-DD or RFC 3339) instead of "
                     "now, e.g. to reproduce an earlier report");
  assess->callback([options, &context] {
    SystemClock clock;
    context.status = RunAssess(*options, clock, context.out, context.err);
  });
}

}  // namespace provisio::cli
