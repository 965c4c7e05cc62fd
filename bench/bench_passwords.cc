// Benchmarks of the passwords module (see bench/run_passwords_bench.sh and
// docs/benchmarks.md):
//   bench_passwords generate N OUT   N label passwords, unique (bounded-memory
//                                    fingerprint set) and blocklist-checked,
//                                    one per line to OUT
//   bench_passwords register N DB    N passwords registered in one transaction
//   bench_passwords verifiers SECONDS [MEMORY_KIB TIME]
//                                    Argon2id verifiers per second on one core
//                                    and on every core
// Prints one JSON object per run on stdout.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/random.h"
#include "provisio/passwords/blocklist.h"
#include "provisio/passwords/generator.h"
#include "provisio/passwords/registry.h"
#include "provisio/passwords/unique_generator.h"
#include "provisio/passwords/verifier.h"

namespace {

using provisio::Result;
namespace pw = provisio::passwords;
using Steady = std::chrono::steady_clock;

// CPU time of the calling thread: unaffected by other load on the machine.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::string RandomKey(provisio::RandomSource& random) {
  std::string key(32, '\0');
  if (!random.Fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(key.data()), 32))) {
    std::exit(1);
  }
  return key;
}

int Generate(std::int64_t count, const char* out_path) {
  const auto start = Steady::now();
  provisio::OsRandom random;  // UniqueGenerator draws in large blocks itself.
  const pw::WordList words = pw::WordList::Bundled();
  const pw::Blocklist blocklist = pw::Blocklist::Bundled();
  Result<pw::UniqueGenerator> generator = pw::UniqueGenerator::Create(
      pw::PasswordPolicy{}, words, blocklist, nullptr, random, static_cast<std::size_t>(count));
  if (!generator) {
    return 1;
  }
  std::FILE* out = std::fopen(out_path, "wb");
  if (out == nullptr) {
    std::cerr << "cannot open " << out_path << '\n';
    return 1;
  }
  // Lines collected in a 1 MiB buffer and written in one call each.
  std::string buffer;
  buffer.reserve((1 << 20) + 256);
  for (std::int64_t i = 0; i < count; ++i) {
    Result<std::string> password = generator->Next();
    if (!password) {
      std::cerr << password.error().message() << '\n';
      return 1;
    }
    buffer += *password;
    buffer += '\n';
    if (buffer.size() >= (1 << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  std::fclose(out);
  const double seconds = Since(start);
  std::cout << "{\"bench\": \"generate\", \"count\": " << count << ", \"seconds\": " << seconds
            << ", \"per_second\": " << static_cast<double>(count) / seconds
            << ", \"rejected_blocklist\": " << generator->stats().rejected_blocklist
            << ", \"rejected_repeat\": " << generator->stats().rejected_repeat
            << ", \"set_bytes\": " << generator->memory_bytes() << "}\n";
  return 0;
}

int Register(std::int64_t count, const char* db_path) {
  provisio::OsRandom os;
  pw::BufferedRandom random(os);
  provisio::SystemClock clock;
  Result<pw::PasswordRegistry> registry = pw::PasswordRegistry::Open(db_path, RandomKey(os), clock);
  if (!registry) {
    std::cerr << registry.error().message() << '\n';
    return 1;
  }
  const pw::WordList words = pw::WordList::Bundled();
  const pw::Blocklist blocklist = pw::Blocklist::Bundled();
  const auto start = Steady::now();
  std::vector<pw::Fingerprint> fingerprints;
  fingerprints.reserve(static_cast<std::size_t>(count));
  {
    Result<pw::UniqueGenerator> generator =
        pw::UniqueGenerator::Create(pw::PasswordPolicy{}, words, blocklist, &*registry, random,
                                    static_cast<std::size_t>(count));
    if (!generator) {
      return 1;
    }
    pw::Fingerprint fingerprint{};
    for (std::int64_t i = 0; i < count; ++i) {
      if (!generator->Next(&fingerprint)) {
        return 1;
      }
      fingerprints.push_back(fingerprint);
    }
  }
  const double generated = Since(start);
  Result<void> registered = registry->RegisterBatch("bench", fingerprints);
  if (!registered) {
    std::cerr << registered.error().message() << '\n';
    return 1;
  }
  const double seconds = Since(start);
  std::cout << "{\"bench\": \"register\", \"count\": " << count
            << ", \"generate_with_registry_lookup_seconds\": " << generated
            << ", \"total_seconds\": " << seconds
            << ", \"per_second\": " << static_cast<double>(count) / seconds << "}\n";
  return 0;
}

int Verifiers(double seconds, std::uint32_t memory_kib, std::uint32_t time_cost) {
  const pw::Argon2Cost cost{memory_kib, time_cost, 1};
  auto run = [&](std::int64_t& done, double& cpu) {
    provisio::OsRandom random;
    const auto start = Steady::now();
    const double cpu_start = ThreadCpuSeconds();
    while (Since(start) < seconds) {
      if (!pw::MakeVerifier("bench-password-1", random, cost)) {
        std::exit(1);
      }
      ++done;
    }
    cpu = ThreadCpuSeconds() - cpu_start;
  };
  std::int64_t one_core = 0;
  double one_core_cpu = 0;
  const auto start = Steady::now();
  run(one_core, one_core_cpu);
  const double single = static_cast<double>(one_core) / Since(start);
  const double cpu_each = one_core_cpu / static_cast<double>(std::max<std::int64_t>(1, one_core));

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::int64_t> done(cores, 0);
  std::vector<double> cpu(cores, 0);
  std::vector<std::thread> threads;
  const auto all_start = Steady::now();
  for (unsigned c = 0; c < cores; ++c) {
    threads.emplace_back(run, std::ref(done[c]), std::ref(cpu[c]));
  }
  for (std::thread& t : threads) {
    t.join();
  }
  std::int64_t total = 0;
  for (std::int64_t d : done) {
    total += d;
  }
  const double all = static_cast<double>(total) / Since(all_start);
  std::cout << "{\"bench\": \"verifiers\", \"memory_kib\": " << memory_kib
            << ", \"time_cost\": " << time_cost << ", \"per_second_one_core\": " << single
            << ", \"wall_seconds_each\": " << 1.0 / single << ", \"cpu_seconds_each\": " << cpu_each
            << ", \"core_hours_per_million_cpu\": " << cpu_each * 1e6 / 3600
            << ", \"cores\": " << cores << ", \"per_second_all_cores\": " << all
            << ", \"hours_per_million_all_cores\": " << 1e6 / all / 3600 << "}\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "generate" && argc == 4) {
    return Generate(std::atoll(argv[2]), argv[3]);
  }
  if (mode == "register" && argc == 4) {
    return Register(std::atoll(argv[2]), argv[3]);
  }
  if (mode == "verifiers" && (argc == 3 || argc == 5)) {
    return Verifiers(std::atof(argv[2]),
                     argc == 5 ? static_cast<std::uint32_t>(std::atol(argv[3])) : 65536,
                     argc == 5 ? static_cast<std::uint32_t>(std::atol(argv[4])) : 3);
  }
  std::cerr << "usage: bench_passwords generate N OUT | register N DB | verifiers SECONDS "
               "[MEMORY_KIB TIME]\n";
  return 2;
}
