#include "cli/init_command.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/exit_codes.h"
#include "provisio/assess/product.h"
#include "provisio/catalog/catalog.h"
#include "provisio/core/files.h"
#include "provisio/core/text.h"

namespace provisio::cli {
namespace {

constexpr const char* kCommand = "provisio init";

std::string Trim(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::optional<bool> ParseYesNo(const std::string& text) {
  const std::string value = AsciiLower(Trim(text));
  if (value == "y" || value == "yes" || value == "true") {
    return true;
  }
  if (value == "n" || value == "no" || value == "false") {
    return false;
  }
  return std::nullopt;
}

// A YAML double-quoted scalar.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A comment line: never lets text end the comment early.
std::string Comment(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string Answer(const std::map<std::string, bool>& given, const std::string& id) {
  const auto it = given.find(id);
  if (it == given.end()) {
    return "~";
  }
  return it->second ? "yes" : "no";
}

std::string Key(const std::string& id) {
  // Numeric condition ids stay strings.
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); })
             ? "\"" + id + "\""
             : id;
}

struct Tally {
  int applicable = 0;
  int not_applicable = 0;
  int unanswered = 0;
};

std::string Render(const InitOptions& options,
                   const catalog::Catalog& catalog,
                   const catalog::Answers& answers,
                   Tally& tally) {
  std::string y;
  y += "# product.yaml: the conformance file of one product, read by `provisio assess`.\n";
  y += "# Format and verdict rules: docs/product-file.md.\n";
  y += "#\n";
  y += "# For every applicable provision under 'provisions:' fill in:\n";
  y += "#   claim:          Y (implemented), N (not implemented) or N/A (does not apply)\n";
  y += "#   measure:        for Y, the implemented measure in a sentence or two\n";
  y += "#   justification:  for N on a recommendation (R), why it is not met (5.0-1)\n";
  y += "#   rationale:      for N/A, why it does not apply\n";
  y += "#   evidence:       what proves the claim, relative to this folder:\n";
  y += "#                     - file: docs/design.md       any file\n";
  y += "#                       sha256: <64 hex digits>    optional: pins the exact content\n";
  y += "#                     - junit: results/tests.xml   passes only if every test passed\n";
  y += "#                     - record: evidence/x.json    a provisio evidence record\n";
  y += "# A mandatory (M) provision claimed N fails; a claim of Y without evidence is\n";
  y += "# INCONCLUSIVE. Both stop the release gate.\n\n";

  y += "# The device under test (DUT). All four fields are required.\n";
  y += "product:\n";
  y += "  manufacturer: " + Quote(options.manufacturer) + "\n";
  y += "  model: " + Quote(options.model) + "\n";
  y += "  hardware_version: " + Quote(options.hardware_version) + "\n";
  y += "  software_version: " + Quote(options.software_version) +
       "  # The exact version this assessment speaks for.\n\n";

  y += "# EN 303 645 edition: \"3.1.3\" (current) or \"2.1.1\" (cited by UK PSTI).\n";
  y += "standard: " + Quote(catalog.version) + "\n\n";

  y += "# Answers to the condition and feature questions: yes, no, or ~ (not answered).\n";
  y += "# They decide which provisions apply. A provision that depends on an\n";
  y += "# unanswered question stays INCONCLUSIVE.\n";
  y += "answers:\n";
  if (!catalog.features.empty()) {
    y += "  features:\n";
    for (const catalog::Prerequisite& f : catalog.features) {
      y += "    " + Key(f.id) + ": " + Answer(answers.features, f.id) + "  # " +
           Comment(f.meaning) + "\n";
    }
  }
  y += "  conditions:\n";
  for (const catalog::Prerequisite& c : catalog.conditions) {
    y += "    " + Key(c.id) + ": " + Answer(answers.conditions, c.id) + "  # " +
         Comment(c.meaning) + "\n";
  }
  y += "\n";

  y += "# IXIT: facts about the implementation that testers need (TS 103 701).\n";
  y += "ixit:\n";
  y += "  authentication_mechanisms: []\n";
  y += "    # - name: \"Local web UI login\"\n";
  y += "    #   type: password          # password, certificate, token, pairing, ...\n";
  y += "    #   interface: wifi         # name of an entry under 'interfaces'\n";
  y += "    #   description: \"How it works and how credentials are set\"\n";
  y += "  update_mechanism:\n";
  y += "    description: \"\"            # How software is updated\n";
  y += "    delivery: \"\"               # network, local or none\n";
  y += "    signature_verification: \"\" # How the device checks authenticity; \"none\" if "
       "it does not\n";
  y += "    automatic: ~                # yes or no\n";
  y += "  support_period:\n";
  y += "    end: \"\"                    # e.g. 2031-12-31\n";
  y += "    published_at: \"\"           # URL where users can read it\n";
  y += "  vdp_location: \"\"             # URL of the vulnerability disclosure policy\n";
  y += "  interfaces: []\n";
  y += "    # - name: wifi\n";
  y += "    #   type: network           # network, radio, physical, logical, debug\n";
  y += "    #   enabled: yes\n";
  y += "    #   description: \"\"\n\n";

  y += "# The implementation conformance statement (ICS, Annex B): one entry per\n";
  y += "# provision of " + catalog.standard + " V" + catalog.version + ".\n";
  y += "provisions:\n";
  for (const catalog::Provision& p : catalog.provisions) {
    const catalog::ApplicabilityDecision decision =
        catalog::DecideApplicability(catalog, p, answers);
    y += "  # " + p.id + " [" + p.status_text + "] " + Comment(p.clause_title) + "\n";
    y += "  # " + Comment(p.summary) + "\n";
    if (decision.applicability == catalog::Applicability::kNotApplicable) {
      ++tally.not_applicable;
      y += "  " + p.id + ":\n";
      y += "    claim: N/A\n";
      y += "    rationale: " + Quote(decision.reason) + "\n\n";
      continue;
    }
    if (decision.applicability == catalog::Applicability::kUnanswered) {
      ++tally.unanswered;
      y += "  # Applies unless the answer to " +
           Comment(decision.reason.substr(decision.reason.find("unanswered ") == std::string::npos
                                              ? 0
                                              : decision.reason.find("unanswered ") + 11)) +
           " is no.\n";
    } else {
      ++tally.applicable;
    }
    y += "  " + p.id + ":\n";
    y += "    claim: ~             # Y, N or N/A\n";
    y += "    measure: \"\"          # Y: the implemented measure\n";
    if (p.status == catalog::Status::kRecommended) {
      y += "    justification: \"\"    # N: why this recommendation is not met (5.0-1)\n";
    }
    y += "    evidence: []\n\n";
  }

  y += "# Waivers: accepted exceptions to the release gate, each with an owner, a reason\n";
  y += "# and an expiry date. An expired waiver no longer counts.\n";
  y += "waivers: []\n";
  y += "  # - provision: 5.3-2\n";
  y += "  #   owner: \"Jane Doe\"\n";
  y += "  #   reason: \"Fix ships in 2.5.0\"\n";
  y += "  #   expires: 2027-03-31\n";
  return y;
}

// Applies "id=yes" flags; fails with a message for the user.
Result<void> ApplyFlags(const std::vector<std::string>& flags,
                        const char* kind,
                        const std::vector<catalog::Prerequisite>& known,
                        std::map<std::string, bool>& answers) {
  for (const std::string& flag : flags) {
    const std::size_t equals = flag.find('=');
    const std::string id = Trim(flag.substr(0, equals));
    const std::optional<bool> value = equals == std::string::npos
                                          ? std::optional<bool>(true)
                                          : ParseYesNo(flag.substr(equals + 1));
    if (!value) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--" + std::string(kind) + " " + flag + ": the answer must be yes or no");
    }
    const bool exists = std::any_of(known.begin(), known.end(),
                                    [&](const catalog::Prerequisite& p) { return p.id == id; });
    if (!exists) {
      std::string list;
      for (const catalog::Prerequisite& p : known) {
        list += (list.empty() ? "" : ", ") + p.id;
      }
      return Fail(ErrorCode::kInvalidArgument,
                  "--" + std::string(kind) + " " + flag + ": unknown " + kind + " '" + id + "' (" +
                      (list.empty() ? std::string("this edition has none") : list) + ")");
    }
    answers[id] = *value;
  }
  return {};
}

// Asks one question; returns false at end of input.
bool Ask(std::istream& in, std::ostream& prompt, const std::string& question, std::string& answer) {
  prompt << question << std::flush;
  if (!std::getline(in, answer)) {
    prompt << '\n';
    return false;
  }
  answer = Trim(answer);
  return true;
}

}  // namespace

int RunInit(const InitOptions& options,
            std::istream& in,
            bool interactive,
            std::ostream& out,
            std::ostream& err) {
  Result<catalog::Catalog> catalog = catalog::LoadCatalog(options.standard);
  if (!catalog) {
    err << kCommand << ": --standard: " << catalog.error().message() << '\n';
    return kExitUsage;
  }
  namespace fs = std::filesystem;
  const fs::path file = fs::path(options.dir) / assess::kProductFileName;
  std::error_code ec;
  if (fs::exists(file, ec) && !options.force) {
    err << kCommand << ": " << file.string() << " already exists; use --force to overwrite it\n";
    return kExitFailure;
  }

  catalog::Answers answers;
  for (auto [flags, kind, known, target] :
       {std::tuple{&options.features, "feature", &catalog->features, &answers.features},
        std::tuple{&options.conditions, "condition", &catalog->conditions, &answers.conditions}}) {
    Result<void> applied = ApplyFlags(*flags, kind, *known, *target);
    if (!applied) {
      err << kCommand << ": " << applied.error().message() << '\n';
      return kExitUsage;
    }
  }

  InitOptions filled = options;
  if (interactive && !options.no_input) {
    bool open = true;
    for (auto [field, label] :
         {std::pair{&filled.manufacturer, "Manufacturer"}, std::pair{&filled.model, "Model"},
          std::pair{&filled.hardware_version, "Hardware version"},
          std::pair{&filled.software_version, "Software version"}}) {
      std::string answer;
      if (open && field->empty()) {
        open = Ask(in, err, std::string(label) + ": ", answer);
        *field = answer;
      }
    }
    for (auto [list, prefix, target] :
         {std::tuple{&catalog->features, "F", &answers.features},
          std::tuple{&catalog->conditions, "C", &answers.conditions}}) {
      for (const catalog::Prerequisite& p : *list) {
        if (!open || target->contains(p.id)) {
          continue;
        }
        while (open) {
          std::string answer;
          open = Ask(in, err,
                     std::string(prefix) + "(" + p.id + ") " + p.meaning + " [y/n, Enter to skip] ",
                     answer);
          if (!open || answer.empty()) {
            break;
          }
          const std::optional<bool> value = ParseYesNo(answer);
          if (value) {
            (*target)[p.id] = *value;
            break;
          }
          err << "  please answer y or n (or press Enter to leave it unanswered)\n";
        }
      }
    }
  }

  Tally tally;
  const std::string text = Render(filled, *catalog, answers, tally);
  fs::create_directories(options.dir, ec);
  if (ec) {
    err << kCommand << ": cannot create " << options.dir << ": " << ec.message() << '\n';
    return kExitFailure;
  }
  Result<void> written = WriteFileAtomically(file, text);
  if (!written) {
    err << kCommand << ": " << written.error().message() << '\n';
    return kExitFailure;
  }
  out << "Wrote " << file.string() << " for " << catalog->standard << " V" << catalog->version
      << ": " << tally.applicable << " applicable, " << tally.not_applicable << " not applicable, "
      << tally.unanswered << " depending on unanswered questions.\n";
  out << "Next: fill in the claims and evidence, then run `provisio assess " << options.dir
      << "`.\n";
  return kExitOk;
}

void AddInitCommands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* init = app.add_subcommand(
      "init",
      "Create DIR/product.yaml for a new product: every provision of the edition, the\n"
      "applicable ones with claim placeholders, and comments that explain each field.\n"
      "Answers come from --feature/--condition flags; missing ones are asked when stdin\n"
      "is a terminal (never with --no-input). Example:\n"
      "  provisio init plug --manufacturer Acme --model SP-1 --hardware-version A\n"
      "      --software-version 1.0.0 --feature a=yes --feature g=yes --condition 12=yes");
  init->add_option("dir", options->dir, "Product folder (created if missing)")->required();
  init->add_option("--standard", options->standard, "EN 303 645 edition: 3.1.3 (default) or 2.1.1");
  init->add_option("--manufacturer", options->manufacturer, "Manufacturer of the device");
  init->add_option("--model", options->model, "Device model");
  init->add_option("--hardware-version", options->hardware_version, "Hardware version");
  init->add_option("--software-version,--version", options->software_version,
                   "Software version to assess");
  init->add_option("--feature", options->features,
                   "Answer a feature question, e.g. a=yes (repeatable; see `provisio catalog "
                   "list`)");
  init->add_option("--condition", options->conditions,
                   "Answer a condition question, e.g. 12=no (repeatable)");
  init->add_flag("--no-input", options->no_input, "Never ask questions; leave them unanswered");
  init->add_flag("--force", options->force, "Overwrite an existing product.yaml");
  init->callback([options, &context] {
    context.status =
        RunInit(*options, std::cin, isatty(STDIN_FILENO) == 1, context.out, context.err);
  });
}

}  // namespace provisio::cli
