#include "cli/catalog_command.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/catalog/catalog.h"

namespace provisio::cli {
namespace {

using formats::Json;

Json ProvisionJson(const catalog::Catalog& catalog, const catalog::Provision& p) {
  Json conditions = Json::array();
  for (const std::string& id : p.conditions) {
    const catalog::Prerequisite* c = catalog.FindCondition(id);
    conditions.push_back({{"id", id}, {"meaning", c != nullptr ? c->meaning : ""}});
  }
  Json features = Json::array();
  for (const std::string& id : p.features) {
    const catalog::Prerequisite* f = catalog.FindFeature(id);
    features.push_back({{"id", id}, {"meaning", f != nullptr ? f->meaning : ""}});
  }
  Json out = {{"id", p.id},
              {"clause", p.clause},
              {"clause_title", p.clause_title},
              {"status", std::string(catalog::ToString(p.status))},
              {"status_text", p.status_text},
              {"conditions", conditions},
              {"features", features},
              {"summary", p.summary},
              {"confidence", p.confidence},
              {"other_edition_ids", p.other_edition_ids}};
  if (p.change) {
    out["change"] = std::string(catalog::ToString(*p.change));
  }
  return out;
}

std::string OtherEdition(const catalog::Catalog& catalog) {
  return catalog.version == "3.1.3" ? "V2.1.1" : "V3.1.3";
}

Result<catalog::Catalog> Load(const std::string& standard, std::ostream& err, const char* cmd) {
  Result<catalog::Catalog> catalog = catalog::LoadCatalog(standard);
  if (!catalog) {
    err << "provisio catalog " << cmd << ": " << catalog.error().message() << '\n';
  }
  return catalog;
}

}  // namespace

int RunCatalogList(const CatalogListOptions& options, std::ostream& out, std::ostream& err) {
  Result<catalog::Catalog> catalog = Load(options.standard, err, "list");
  if (!catalog) {
    return kExitFailure;
  }
  // A filter value that matches no provision at all is a typo, not an empty
  // answer: say so and list the values that exist.
  std::vector<std::string> clauses;
  std::vector<std::string> statuses;
  for (const catalog::Provision& p : catalog->provisions) {
    const std::string status(catalog::ToString(p.status));
    if (std::find(clauses.begin(), clauses.end(), p.clause) == clauses.end()) {
      clauses.push_back(p.clause);
    }
    if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
      statuses.push_back(status);
    }
  }
  auto unknown = [&](const char* what, const char* plural, const std::string& value,
                     const std::vector<std::string>& valid) {
    if (value.empty() || std::find(valid.begin(), valid.end(), value) != valid.end()) {
      return false;
    }
    err << "provisio catalog list: no provision in EN 303 645 V" << catalog->version << " has "
        << what << " '" << value << "'; valid " << plural << ": ";
    for (std::size_t i = 0; i < valid.size(); ++i) {
      err << (i > 0 ? ", " : "") << valid[i];
    }
    err << '\n';
    return true;
  };
  if (unknown("clause", "clauses", options.clause, clauses) ||
      unknown("status", "statuses", options.status, statuses)) {
    return kExitUsage;
  }
  Json list = Json::array();
  int mandatory = 0;
  int shown = 0;
  std::string table;
  for (const catalog::Provision& p : catalog->provisions) {
    if (!options.clause.empty() && p.clause != options.clause) {
      continue;
    }
    if (!options.status.empty() && catalog::ToString(p.status) != options.status) {
      continue;
    }
    ++shown;
    mandatory += p.status == catalog::Status::kMandatory ? 1 : 0;
    if (options.json) {
      list.push_back(ProvisionJson(*catalog, p));
      continue;
    }
    std::string id = p.id;
    id.resize(std::max<std::size_t>(id.size(), 9), ' ');
    std::string status = p.status_text;
    status.resize(std::max<std::size_t>(status.size(), 12), ' ');
    std::string summary = p.summary;
    if (summary.size() > 90) {
      summary = summary.substr(0, 87) + "...";
    }
    table += id + status + summary + '\n';
  }
  if (options.json) {
    out << formats::DumpJson({{"standard", catalog->standard},
                              {"version", catalog->version},
                              {"count", shown},
                              {"provisions", list}})
        << '\n';
    return kExitOk;
  }
  out << catalog->standard << " V" << catalog->version << " (" << catalog->date << ")\n\n";
  out << "ID       STATUS      SUMMARY (our paraphrase; the ETSI text prevails)\n" << table;
  out << '\n'
      << shown << " provisions: " << mandatory << " mandatory, " << (shown - mandatory)
      << " recommended\n";
  return kExitOk;
}

int RunCatalogShow(const CatalogShowOptions& options, std::ostream& out, std::ostream& err) {
  Result<catalog::Catalog> catalog = Load(options.standard, err, "show");
  if (!catalog) {
    return kExitFailure;
  }
  const catalog::Provision* p = catalog->Find(options.id);
  if (p == nullptr) {
    err << "provisio catalog show: no provision '" << options.id << "' in EN 303 645 V"
        << catalog->version << " (see `provisio catalog list`)\n";
    return kExitFailure;
  }
  if (options.json) {
    out << formats::DumpJson(ProvisionJson(*catalog, *p)) << '\n';
    return kExitOk;
  }
  out << p->id << "  " << p->clause << " " << p->clause_title << '\n';
  out << "Status:      " << p->status_text << " ("
      << (p->status == catalog::Status::kMandatory ? "mandatory" : "recommendation") << ")\n";
  for (const std::string& id : p->conditions) {
    const catalog::Prerequisite* c = catalog->FindCondition(id);
    out << "Condition:   C(" << id << ") " << (c != nullptr ? c->meaning : "") << '\n';
  }
  for (const std::string& id : p->features) {
    const catalog::Prerequisite* f = catalog->FindFeature(id);
    out << "Feature:     F(" << id << ") " << (f != nullptr ? f->meaning : "") << '\n';
  }
  out << "Summary:     " << p->summary << '\n';
  if (!p->other_edition_ids.empty()) {
    out << OtherEdition(*catalog) << ":      ";
    for (std::size_t i = 0; i < p->other_edition_ids.size(); ++i) {
      out << (i > 0 ? ", " : "") << p->other_edition_ids[i];
    }
    out << '\n';
  }
  if (p->change) {
    out << "Change:      " << catalog::ToString(*p->change) << " since V2.1.1\n";
  }
  out << "Confidence:  " << p->confidence
      << " (how sure these catalogue facts are; the ETSI PDF prevails)\n";
  return kExitOk;
}

int RunCatalogDiff(const CatalogDiffOptions& options, std::ostream& out, std::ostream& err) {
  Result<catalog::Catalog> from = Load(options.from, err, "diff");
  Result<catalog::Catalog> to = from ? Load(options.to, err, "diff") : from;
  if (!from || !to) {
    return kExitFailure;
  }
  Result<std::vector<catalog::CatalogDiffEntry>> diff = catalog::DiffCatalogs(*from, *to);
  if (!diff) {
    err << "provisio catalog diff: " << diff.error().message() << '\n';
    return kExitUsage;
  }
  auto join = [](const std::vector<std::string>& ids) {
    std::string text;
    for (const std::string& id : ids) {
      text += (text.empty() ? "" : ", ") + id;
    }
    return text.empty() ? std::string("-") : text;
  };
  std::map<std::string, int> counts;
  Json list = Json::array();
  std::string table;
  for (const catalog::CatalogDiffEntry& e : *diff) {
    const std::string kind(catalog::ToString(e.kind));
    ++counts[kind];
    if (e.kind == catalog::CatalogDiffEntry::Kind::kUnchanged && !options.include_unchanged) {
      continue;
    }
    list.push_back({{"change", kind},
                    {"from", e.from_ids},
                    {"to", e.to_ids},
                    {"from_status", e.from_status},
                    {"to_status", e.to_status}});
    std::string k = kind;
    k.resize(16, ' ');
    std::string f = join(e.from_ids);
    f.resize(std::max<std::size_t>(f.size(), 9), ' ');
    std::string t = join(e.to_ids);
    t.resize(std::max<std::size_t>(t.size(), 18), ' ');
    table += k + f + "-> " + t + (e.from_status.empty() ? "-" : e.from_status) + " -> " +
             (e.to_status.empty() ? "-" : e.to_status) + '\n';
  }
  if (options.json) {
    out << formats::DumpJson({{"from", from->version},
                              {"to", to->version},
                              {"counts", counts},
                              {"changes", list}})
        << '\n';
    return kExitOk;
  }
  out << "EN 303 645 V" << from->version << " -> V" << to->version << "\n\n";
  out << "CHANGE          V" << from->version << "   -> V" << to->version << "            STATUS\n"
      << table << '\n';
  for (const auto& [kind, count] : counts) {
    out << kind << ": " << count << '\n';
  }
  return kExitOk;
}

int RunCatalogPsti(bool json, std::ostream& out, std::ostream& err) {
  Result<std::vector<catalog::PstiRequirement>> psti = catalog::LoadPstiMapping();
  if (!psti) {
    err << "provisio catalog psti: " << psti.error().message() << '\n';
    return kExitFailure;
  }
  if (json) {
    Json list = Json::array();
    for (const catalog::PstiRequirement& r : *psti) {
      list.push_back({{"paragraph", r.paragraph},
                      {"topic", r.topic},
                      {"summary", r.summary},
                      {"en303645_v2_1_1_provisions", r.en303645_provisions},
                      {"note", r.note},
                      {"confidence", r.confidence}});
    }
    out << formats::DumpJson(
               {{"instrument", "UK PSTI (SI 2023/1007) Schedule 1"}, {"requirements", list}})
        << '\n';
    return kExitOk;
  }
  out << "UK PSTI (SI 2023/1007) Schedule 1, deemed met by EN 303 645 V2.1.1 provisions:\n\n";
  for (const catalog::PstiRequirement& r : *psti) {
    out << "Paragraph " << r.paragraph << ": " << r.topic << " -> ";
    for (std::size_t i = 0; i < r.en303645_provisions.size(); ++i) {
      out << (i > 0 ? ", " : "") << r.en303645_provisions[i];
    }
    out << "  [confidence: " << r.confidence << "]\n  " << r.summary << "\n  " << r.note << "\n\n";
  }
  return kExitOk;
}

void AddCatalogCommands(CLI::App& app, CommandContext& context) {
  CLI::App* catalog = app.add_subcommand(
      "catalog", "The EN 303 645 provisions (V3.1.3, V2.1.1) and the UK PSTI mapping, as data");
  catalog->require_subcommand(1);
  const std::string standards = "Edition: en303645:3.1.3 (default) or en303645:2.1.1";

  auto list_options = std::make_shared<CatalogListOptions>();
  CLI::App* list = catalog->add_subcommand("list", "List provisions with status and summary");
  list->add_option("--standard", list_options->standard, standards);
  list->add_option("--clause", list_options->clause, "Only this clause, e.g. 5.1");
  list->add_option("--status", list_options->status, "Only mandatory (M) or recommended (R)")
      ->check(CLI::IsMember({"M", "R"}));
  list->add_flag("--json", list_options->json, "Print JSON instead of a table");
  list->callback([list_options, &context] {
    context.status = RunCatalogList(*list_options, context.out, context.err);
  });

  auto show_options = std::make_shared<CatalogShowOptions>();
  CLI::App* show = catalog->add_subcommand(
      "show", "Show one provision: status, conditions, features, summary, confidence");
  show->add_option("id", show_options->id, "Provision id, e.g. 5.1-2")->required();
  show->add_option("--standard", show_options->standard, standards);
  show->add_flag("--json", show_options->json, "Print JSON");
  show->callback([show_options, &context] {
    context.status = RunCatalogShow(*show_options, context.out, context.err);
  });

  auto diff_options = std::make_shared<CatalogDiffOptions>();
  CLI::App* diff = catalog->add_subcommand(
      "diff", "What changed between editions: new, split, renumbered, status changes");
  diff->add_option("from", diff_options->from, "Older edition (2.1.1)");
  diff->add_option("to", diff_options->to, "Newer edition (3.1.3)");
  diff->add_flag("--all", diff_options->include_unchanged, "Also list unchanged provisions");
  diff->add_flag("--json", diff_options->json, "Print JSON");
  diff->callback([diff_options, &context] {
    context.status = RunCatalogDiff(*diff_options, context.out, context.err);
  });

  auto psti_json = std::make_shared<bool>(false);
  CLI::App* psti = catalog->add_subcommand(
      "psti", "UK PSTI Schedule 1 requirements and the EN 303 645 provisions they cite");
  psti->add_flag("--json", *psti_json, "Print JSON");
  psti->callback([psti_json, &context] {
    context.status = RunCatalogPsti(*psti_json, context.out, context.err);
  });
}

}  // namespace provisio::cli
