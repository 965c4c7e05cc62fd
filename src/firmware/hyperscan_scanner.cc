// The Hyperscan PatternScanner (block mode, leftmost start of match).
#include "firmware/scanners.h"

#ifdef PROVISIO_WITH_HYPERSCAN
#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <hs/hs.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#endif

namespace provisio::firmware {

#ifdef PROVISIO_WITH_HYPERSCAN
namespace {

class HyperscanScanner final : public PatternScanner {
 public:
  struct Confirm {
    std::regex regex;
    std::size_t max_length = 0;
  };

  HyperscanScanner(hs_database_t* database,
                   hs_scratch_t* prototype,
                   std::map<unsigned, Confirm> confirm)
      : database_(database), prototype_(prototype), confirm_(std::move(confirm)) {}
  HyperscanScanner(const HyperscanScanner&) = delete;
  HyperscanScanner& operator=(const HyperscanScanner&) = delete;
  ~HyperscanScanner() override {
    for (hs_scratch_t* scratch : pool_)
      hs_free_scratch(scratch);
    hs_free_scratch(prototype_);
    hs_free_database(database_);
  }

  Result<void> Scan(std::string_view data,
                    const std::function<void(const Match&)>& on_match) const override {
    // Hyperscan reports where matches end; the start is found afterwards by
    // the pattern's regex in a window before the end (matches are rare).
    std::set<std::pair<unsigned, std::uint64_t>> ends;
    const std::vector<Piece> pieces = Pieces(data.size());
    Result<void> result;
    if (pieces.size() >= 2 && data.size() >= kSplitFrom) {
      // A big file would leave the other scanning threads idle at the end
      // of a scan: its second half is scanned beside the first.
      std::set<std::pair<unsigned, std::uint64_t>> late_ends;
      Result<void> late_result;
      const std::size_t middle = pieces.size() / 2;
      std::thread helper(
          [&] { late_result = ScanPieces(data, pieces, middle, pieces.size(), &late_ends); });
      result = ScanPieces(data, pieces, 0, middle, &ends);
      helper.join();
      if (result && !late_result)
        result = late_result;
      ends.merge(late_ends);
    } else {
      result = ScanPieces(data, pieces, 0, pieces.size(), &ends);
    }
    if (!result)
      return result;
    for (const auto& [id, end] : ends) {
      const auto it = confirm_.find(id);
      if (it == confirm_.end())
        continue;
      const std::size_t from =
          end > it->second.max_length ? static_cast<std::size_t>(end) - it->second.max_length : 0;
      const std::string_view window = data.substr(from, static_cast<std::size_t>(end) - from);
      using Iterator = std::regex_iterator<std::string_view::const_iterator>;
      for (Iterator m(window.begin(), window.end(), it->second.regex); m != Iterator(); ++m) {
        const std::size_t start = from + static_cast<std::size_t>(m->position());
        if (start + static_cast<std::size_t>(m->length()) == end) {
          on_match(Match{id, start, end});
          break;
        }
      }
    }
    return {};
  }

  std::string_view Engine() const override { return "hyperscan"; }

 private:
  struct Context {
    const std::function<void(const Match&)>& on_match;
    std::size_t base;
    std::size_t report_from;  // Matches ending before this were seen in the previous piece.
  };

  // A stretch of the data scanned by one hs_scan call. Pieces overlap by
  // kOverlap bytes (longer than any match); a piece reports only matches
  // ending after `report_from`, so each match is reported once.
  struct Piece {
    std::size_t base = 0;
    std::size_t length = 0;
    std::size_t report_from = 0;
  };
  // Hyperscan takes an unsigned int length: at most 1 GiB a piece.
  static constexpr std::size_t kMaxPiece = std::size_t{1} << 30;
  static constexpr std::size_t kOverlap = 4096;
  // Data this big is scanned in two halves, on two threads.
  static constexpr std::size_t kSplitFrom = std::size_t{8} << 20;

  static std::vector<Piece> Pieces(std::size_t size) {
    std::size_t piece = kMaxPiece;
    if (size >= kSplitFrom)
      piece = std::min(kMaxPiece, size / 2 + kOverlap);
    std::vector<Piece> pieces;
    std::size_t base = 0;
    while (true) {
      const std::size_t length = std::min(piece, size - base);
      pieces.push_back(Piece{base, length, base == 0 ? 0 : base + kOverlap});
      if (base + length >= size)
        break;
      base += length - kOverlap;
    }
    return pieces;
  }

  Result<void> ScanPieces(std::string_view data,
                          const std::vector<Piece>& pieces,
                          std::size_t first,
                          std::size_t last,
                          std::set<std::pair<unsigned, std::uint64_t>>* ends) const {
    hs_scratch_t* scratch = Acquire();
    if (scratch == nullptr)
      return Fail(ErrorCode::kInternal, "hyperscan: no scratch space");
    const std::function<void(const Match&)> collect = [&](const Match& m) {
      ends->insert({m.id, m.end});
    };
    Result<void> result;
    for (std::size_t i = first; i < last; ++i) {
      const Piece& piece = pieces[i];
      Context context{collect, piece.base, piece.report_from};
      const hs_error_t error =
          hs_scan(database_, data.data() + piece.base, static_cast<unsigned int>(piece.length), 0,
                  scratch, OnMatch, &context);
      if (error != HS_SUCCESS) {
        result = Fail(ErrorCode::kInternal, "hyperscan: scan failed with " + std::to_string(error));
        break;
      }
    }
    Release(scratch);
    return result;
  }

  static int OnMatch(
      unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* raw) {
    auto* context = static_cast<Context*>(raw);
    if (context->base + to <= context->report_from)
      return 0;
    context->on_match(Match{id, context->base + to, context->base + to});
    return 0;
  }

  hs_scratch_t* Acquire() const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!pool_.empty()) {
        hs_scratch_t* scratch = pool_.back();
        pool_.pop_back();
        return scratch;
      }
    }
    hs_scratch_t* scratch = nullptr;
    return hs_clone_scratch(prototype_, &scratch) == HS_SUCCESS ? scratch : nullptr;
  }

  void Release(hs_scratch_t* scratch) const {
    std::lock_guard<std::mutex> lock(mutex_);
    pool_.push_back(scratch);
  }

  hs_database_t* database_;
  hs_scratch_t* prototype_;
  std::map<unsigned, Confirm> confirm_;
  mutable std::mutex mutex_;
  mutable std::vector<hs_scratch_t*> pool_;
};

}  // namespace

namespace {

// The cache file for `patterns`: a digest of everything the compiled
// database depends on.
std::filesystem::path CachePath(const std::filesystem::path& dir,
                                const std::vector<Pattern>& patterns) {
  std::string key = std::string(hs_version()) + "\n";
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    key += std::to_string(platform.tune) + "/" + std::to_string(platform.cpu_features) + "\n";
  }
  for (const Pattern& pattern : patterns) {
    key += std::to_string(pattern.id) + (pattern.caseless ? "i:" : ":") + pattern.regex + "\n";
  }
  return dir / ("firmware-patterns-" + Sha256Hex(key).substr(0, 32) + ".hsdb");
}

hs_database_t* LoadCached(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return nullptr;
  auto bytes = ReadFile(path);
  if (!bytes)
    return nullptr;
  hs_database_t* database = nullptr;
  if (hs_deserialize_database(bytes->data(), bytes->size(), &database) != HS_SUCCESS)
    return nullptr;
  return database;
}

void StoreCached(const std::filesystem::path& path, const hs_database_t* database) {
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(database, &bytes, &length) != HS_SUCCESS)
    return;
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  (void)WriteFileAtomically(path, std::string_view(bytes, length));
  std::free(bytes);
}

}  // namespace

Result<std::unique_ptr<PatternScanner>> MakeHyperscanScanner(
    const std::vector<Pattern>& patterns, const std::filesystem::path& cache_dir) {
  std::vector<const char*> expressions;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  std::map<unsigned, HyperscanScanner::Confirm> confirm;
  for (const Pattern& pattern : patterns) {
    try {
      auto syntax = std::regex::ECMAScript | std::regex::optimize;
      if (pattern.caseless)
        syntax |= std::regex::icase;
      confirm[pattern.id] = {std::regex(pattern.regex, syntax), pattern.max_length};
    } catch (const std::regex_error& e) {
      return Fail(ErrorCode::kInvalidArgument,
                  "pattern " + std::to_string(pattern.id) + " does not compile: " + e.what());
    }
    expressions.push_back(pattern.regex.c_str());
    flags.push_back(HS_FLAG_DOTALL | (pattern.caseless ? HS_FLAG_CASELESS : 0U));
    ids.push_back(pattern.id);
  }
  const std::filesystem::path cache =
      cache_dir.empty() ? std::filesystem::path() : CachePath(cache_dir, patterns);
  hs_database_t* database = cache.empty() ? nullptr : LoadCached(cache);
  hs_compile_error_t* error = nullptr;
  if (database == nullptr &&
      hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(expressions.size()), HS_MODE_BLOCK, nullptr,
                       &database, &error) != HS_SUCCESS) {
    std::string message = "hyperscan: pattern ";
    if (error != nullptr) {
      message += std::to_string(error->expression) + ": " + (error->message ? error->message : "");
      hs_free_compile_error(error);
    }
    return Fail(ErrorCode::kInvalidArgument, message);
  }
  // An unreadable cache folder ($HOME of another user) only costs the compile.
  std::error_code cache_error;
  if (!cache.empty() && !std::filesystem::exists(cache, cache_error) && !cache_error)
    StoreCached(cache, database);
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database, &scratch) != HS_SUCCESS) {
    hs_free_database(database);
    return Fail(ErrorCode::kInternal, "hyperscan: cannot allocate scratch space");
  }
  return std::unique_ptr<PatternScanner>(
      new HyperscanScanner(database, scratch, std::move(confirm)));
}

#else

Result<std::unique_ptr<PatternScanner>> MakeHyperscanScanner(const std::vector<Pattern>&,
                                                             const std::filesystem::path&) {
  return Fail(ErrorCode::kUnsupported, "this build has no Hyperscan");
}

#endif

Result<std::unique_ptr<PatternScanner>> MakePatternScanner(const std::vector<Pattern>& patterns,
                                                           ScannerEngine engine,
                                                           const std::filesystem::path& cache_dir) {
  if (engine == ScannerEngine::kBest) {
    auto hyperscan = MakeHyperscanScanner(patterns, cache_dir);
    if (hyperscan || hyperscan.error().code() != ErrorCode::kUnsupported)
      return hyperscan;
  }
  return MakePortableScanner(patterns);
}

}  // namespace provisio::firmware
