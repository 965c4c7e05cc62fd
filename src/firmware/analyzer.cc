#include "provisio/firmware/analyzer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "firmware/account_links.h"
#include "firmware/checks.h"
#include "firmware/unpacker.h"
#include "provisio/core/files.h"
#include "provisio/core/sha256.h"

namespace provisio::firmware {
namespace {

// A bounded queue between the unpacking thread and the scanning threads:
// at most `max_files` files, and at most `max_bytes` of decoded data that
// lives only in memory (views into the image cost nothing). Keeping few
// decoded buffers in flight bounds memory and lets the unpacker reuse
// them (see BufferPool).
class WorkQueue {
 public:
  WorkQueue(std::size_t max_files, std::uint64_t max_bytes)
      : max_files_(max_files), max_bytes_(max_bytes) {}

  // `bytes`: what the file holds in memory beyond the image. A file over
  // the limit alone still goes in once the queue is empty.
  void Push(ExtractedFile file, std::uint64_t bytes) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] {
      return items_.size() < max_files_ && (bytes_ == 0 || bytes_ + bytes <= max_bytes_);
    });
    bytes_ += bytes;
    items_.push_back({std::move(file), bytes});
    not_empty_.notify_one();
  }

  // Takes the next file; its bytes count until Done(bytes) is called, so
  // that a file being scanned still holds its place.
  bool Pop(ExtractedFile* file, std::uint64_t* bytes) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty())
      return false;
    *file = std::move(items_.front().file);
    *bytes = items_.front().bytes;
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }

  void Done(std::uint64_t bytes) {
    if (bytes == 0)
      return;
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_ -= bytes;
    not_full_.notify_one();
  }

  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  struct Item {
    ExtractedFile file;
    std::uint64_t bytes = 0;
  };
  std::size_t max_files_;
  std::uint64_t max_bytes_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<Item> items_;
  std::uint64_t bytes_ = 0;  // Queued and being scanned.
  bool closed_ = false;
};

}  // namespace

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

const std::vector<std::string>& CheckedProvisions() {
  static const std::vector<std::string> kProvisions = {"5.1-1", "5.4-3", "5.5-1", "5.6-1",
                                                       "5.6-2", "5.6-4", "5.6-6", "5.6-7"};
  return kProvisions;
}

namespace {

// A read-only private mapping of a whole file; unmapped with the last owner.
struct Mapping {
  void* address = nullptr;
  std::size_t size = 0;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (address != nullptr)
      ::munmap(address, size);
  }
};

// Maps `path` read-only. Returns nullptr (without failing) when the file
// cannot be mapped, e.g. an empty file or a pipe: the caller reads it.
std::shared_ptr<const Mapping> MapFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nullptr;
  struct stat info {};
  std::shared_ptr<Mapping> mapping;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    const auto size = static_cast<std::size_t>(info.st_size);
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address != MAP_FAILED) {
      (void)::madvise(address, size, MADV_WILLNEED);
      mapping = std::make_shared<Mapping>();
      mapping->address = address;
      mapping->size = size;
    }
  }
  ::close(fd);
  return mapping;
}

// `keeper` keeps `image` alive (an owned string or a file mapping).
Result<ScanReport> ScanShared(std::shared_ptr<const std::string> keeper,
                              std::string_view image,
                              std::string_view name,
                              const AnalyzerOptions& options) {
  // Compiling the pattern databases takes about 0.1 s: it runs while the
  // unpacker starts (the queue holds its first files). Workers wait for it.
  std::shared_future<Result<std::unique_ptr<Checker>>> compiled =
      std::async(std::launch::async, [&options] { return Checker::Create(options); }).share();

  ScanReport report;
  report.image_path = std::string(name);
  report.statistics.image_bytes = image.size();
  // The image digest (for the evidence record) is computed beside the
  // unpacking and scanning, not before them.
  std::thread hasher;
  if (options.hash_image)
    hasher = std::thread([&report, image] { report.image_sha256 = Sha256Hex(image); });

  const unsigned threads = std::max(1U, options.threads);
  WorkQueue queue(256, std::uint64_t{48} << 20);
  std::mutex results_mutex;
  FileResults all;
  // Only the unpacker's thread touches these.
  std::uint64_t regular_files = 0;
  // Hard links share one buffer: a rootfs archive with hundreds of busybox
  // applet links would otherwise scan busybox hundreds of times.
  // The weak owner tells a live buffer from a freed one whose address was
  // reused for different bytes.
  std::map<std::pair<const char*, std::size_t>, std::weak_ptr<const std::string>> buffers_seen;
  AccountLinkResolver account_links;
  Unpacker unpacker(options.limits, [&](ExtractedFile file) {
    std::vector<ExtractedFile> account_copies = account_links.Observe(&file);
    if (file.kind == ExtractedFile::Kind::kRegular) {
      ++regular_files;
      if (file.data.size() >= 4096 && file.owner) {
        auto& seen = buffers_seen[{file.data.data(), file.data.size()}];
        if (!seen.expired() && seen.lock() == file.owner)
          file.same_data_as_earlier_file = true;
        else
          seen = file.owner;
      }
    }
    // Data the image itself holds (a file stored uncompressed) costs no memory.
    const bool in_image = !file.owner.owner_before(keeper) && !keeper.owner_before(file.owner);
    const std::uint64_t bytes = in_image ? 0 : file.data.size();
    queue.Push(std::move(file), bytes);
    for (ExtractedFile& copy : account_copies) {
      const std::uint64_t copy_bytes = copy.data.size();
      queue.Push(std::move(copy), copy_bytes);
    }
  });
  const auto unpack_and_scan = [&] {
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i) {
      workers.emplace_back([&] {
        FileResults local;
        ExtractedFile file;
        std::uint64_t bytes = 0;
        const auto& checker = compiled.get();
        while (queue.Pop(&file, &bytes)) {
          if (checker)  // Otherwise the queue is drained and the scan fails below.
            (*checker)->CheckFile(file, &local);
          file = ExtractedFile{};  // Its buffer goes back before the place is freed.
          queue.Done(bytes);
        }
        std::lock_guard<std::mutex> lock(results_mutex);
        all.Absorb(std::move(local));
      });
    }
    unpacker.Unpack(keeper, image, name);
    queue.Close();
    for (std::thread& worker : workers)
      worker.join();
  };
  if (hasher.joinable() && std::thread::hardware_concurrency() >= 2) {
    // The digest is one sequential pass over the whole image, often the
    // longest task of the scan: the unpacking and scanning threads (which
    // inherit their starter's priority) run a little lower, so that it
    // keeps a core while they share the others.
    std::thread lowered([&] {
      (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()),
                          ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())) + 5);
      unpack_and_scan();
    });
    lowered.join();
  } else {
    unpack_and_scan();
  }
  if (hasher.joinable())
    hasher.join();
  if (!compiled.get())
    return Fail(compiled.get().error());

  for (Finding& finding : ConsoleShellFindings(all))
    all.findings.push_back(std::move(finding));
  report.findings = std::move(all.findings);
  std::sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.chain, a.path, a.offset, a.rule_id) <
           std::tie(b.chain, b.path, b.offset, b.rule_id);
  });
  // One component per name and version, the first place it was seen.
  std::sort(all.components.begin(), all.components.end(),
            [](const Component& a, const Component& b) {
              return std::tie(a.name, a.version, a.chain, a.path) <
                     std::tie(b.name, b.version, b.chain, b.path);
            });
  for (Component& component : all.components) {
    if (!report.components.empty() && report.components.back().name == component.name &&
        report.components.back().version == component.version) {
      continue;
    }
    report.components.push_back(std::move(component));
  }
  report.notes = unpacker.notes();
  report.containers = unpacker.containers();
  report.statistics.extracted_bytes = unpacker.extracted_bytes();
  report.statistics.files = unpacker.files();
  report.statistics.regular_files = regular_files;
  report.statistics.containers = report.containers.size();
  return report;
}

}  // namespace

Result<ScanReport> ScanBuffer(std::string_view image,
                              std::string_view name,
                              const AnalyzerOptions& options) {
  auto owned = std::make_shared<const std::string>(image);
  return ScanShared(owned, *owned, name, options);
}

Result<ScanReport> ScanImage(const std::filesystem::path& path, const AnalyzerOptions& options) {
  if (auto mapping = MapFile(path)) {
    // An aliasing pointer: it owns the mapping; the string it points to is
    // never read (the unpacker only keeps owners alive).
    static const std::string kMapped;
    const std::string_view image(static_cast<const char*>(mapping->address), mapping->size);
    return ScanShared(std::shared_ptr<const std::string>(mapping, &kMapped), image,
                      path.filename().string(), options);
  }
  auto content = ReadFile(path);
  if (!content)
    return Fail(content.error());
  auto owned = std::make_shared<const std::string>(std::move(*content));
  return ScanShared(owned, *owned, path.filename().string(), options);
}

}  // namespace provisio::firmware

namespace provisio::firmware {

std::filesystem::path DefaultPasswordListDir() {
  // A build runs from its source tree's lists; an installed binary (source
  // tree gone) from share/provisio/firmware beside its bin/ folder.
  const std::filesystem::path source_tree = PROVISIO_FIRMWARE_DATA_DIR;
  std::error_code ec;
  if (std::filesystem::is_directory(source_tree, ec))
    return source_tree;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "provisio" / "firmware";
    if (std::filesystem::is_directory(installed, ec))
      return installed;
  }
  return source_tree;  // The error then names the folder that was expected.
}

}  // namespace provisio::firmware
