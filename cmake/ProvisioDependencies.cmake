# Every third-party dependency, found once, each naming its Debian package.
# scripts/install-deps installs them all; keep the two lists in step.

find_package(tl-expected 1.0 REQUIRED)           # libexpected-dev
find_package(CLI11 2.1 REQUIRED)                 # libcli11-dev
find_package(nlohmann_json 3.10 REQUIRED)        # nlohmann-json3-dev
find_package(yaml-cpp 0.7 REQUIRED)              # libyaml-cpp-dev
find_package(OpenSSL 3.0 REQUIRED)               # libssl-dev
find_package(SQLite3 REQUIRED)                   # libsqlite3-dev
find_package(CURL REQUIRED)                      # libcurl4-openssl-dev
find_package(fmt 9 REQUIRED)                     # libfmt-dev
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)                 # pkg-config
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)        # libargon2-dev
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)     # libcpp-httplib-dev
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)   # libarchive-dev
pkg_check_modules(LIBSQUASHFS REQUIRED IMPORTED_TARGET libsquashfs1) # libsquashfs-dev
pkg_check_modules(LIBXCRYPT REQUIRED IMPORTED_TARGET libcrypt)      # libcrypt-dev
if(PROVISIO_WITH_HYPERSCAN)
  pkg_check_modules(HYPERSCAN IMPORTED_TARGET libhs)                # libhyperscan-dev (amd64 only)
  if(NOT HYPERSCAN_FOUND)
    message(FATAL_ERROR "Hyperscan not found: install libhyperscan-dev or configure with -DPROVISIO_WITH_HYPERSCAN=OFF")
  endif()
endif()
if(PROVISIO_WITH_POSTGRES)
  find_package(PostgreSQL REQUIRED)              # libpq-dev
endif()
# kainjow-mustache is header-only: /usr/include/kainjow/mustache.hpp (libkainjow-mustache-dev)
find_path(KAINJOW_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)

if(PROVISIO_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)              # libgtest-dev, libgmock-dev
endif()
if(PROVISIO_BUILD_BENCH)
  find_package(benchmark REQUIRED)               # libbenchmark-dev
endif()
