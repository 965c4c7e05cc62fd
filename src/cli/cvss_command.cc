#include "cli/cvss_command.h"

#include <iomanip>
#include <memory>
#include <sstream>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/cvss/cvss.h"

namespace provisio::cli {
namespace {

std::string OneDecimal(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << value;
  return out.str();
}

std::string Rated(double score) {
  return OneDecimal(score) + " (" + std::string(cvss::ToString(cvss::Rate(score))) + ")";
}

}  // namespace

int RunCvss(const CvssOptions& options, std::ostream& out, std::ostream& err) {
  Result<cvss::VectorScore> scored = cvss::ScoreVector(options.vector);
  if (!scored) {
    err << "provisio cvss: " << scored.error().message() << '\n';
    return kExitFailure;
  }
  const cvss::VectorScore& s = *scored;
  if (options.json) {
    formats::Json doc = formats::Json::object();
    doc["version"] = s.version;
    doc["vector"] = s.vector;
    if (s.version == "3.1") {
      doc["baseScore"] = s.score;
      doc["baseSeverity"] = std::string(cvss::ToString(s.severity));
      if (s.temporal) {
        doc["temporalScore"] = *s.temporal;
        doc["temporalSeverity"] = std::string(cvss::ToString(cvss::Rate(*s.temporal)));
      }
      if (s.environmental) {
        doc["environmentalScore"] = *s.environmental;
        doc["environmentalSeverity"] = std::string(cvss::ToString(cvss::Rate(*s.environmental)));
      }
    } else {
      doc["score"] = s.score;
      doc["severity"] = std::string(cvss::ToString(s.severity));
      doc["macroVector"] = s.macrovector;
    }
    out << formats::DumpJson(doc) << '\n';
    return kExitOk;
  }
  out << "Vector: " << s.vector << '\n';
  if (s.version == "3.1") {
    out << "Base score: " << Rated(s.score) << '\n';
    if (s.temporal) {
      out << "Temporal score: " << Rated(*s.temporal) << '\n';
    }
    if (s.environmental) {
      out << "Environmental score: " << Rated(*s.environmental) << '\n';
    }
  } else {
    out << "Score: " << Rated(s.score) << '\n';
    out << "MacroVector: " << s.macrovector << '\n';
  }
  return kExitOk;
}

void AddCvssCommands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CvssOptions>();
  CLI::App* command =
      app.add_subcommand("cvss",
                         "Score a CVSS v3.1 or v4.0 vector and rate its severity.\n"
                         "  v3.1 prints the base score, and the temporal and environmental scores\n"
                         "  when the vector sets those metrics; v4.0 prints its single score\n"
                         "  (CVSS-B/BT/BE/BTE) and the MacroVector. A malformed vector exits 1\n"
                         "  with a message naming the bad metric.\n"
                         "  Example: provisio cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  command->add_option("vector", options->vector, "The vector, starting CVSS:3.1/ or CVSS:4.0/")
      ->required();
  command->add_flag("--json", options->json, "Print one JSON object instead of text");
  command->callback(
      [options, &context] { context.status = RunCvss(*options, context.out, context.err); });
}

}  // namespace provisio::cli
