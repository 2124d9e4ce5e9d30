#include "yorisoi/test/scratch_database.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace yorisoi::test {
namespace {

std::string unique_name() {
  // pid + a per-process counter + randomness: unique across parallel ctest processes and reruns.
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return "yorisoi_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)) + "_" +
         std::to_string(rd() % 1000000);
}

}  // namespace

std::optional<std::string> scratch_database::admin_url() {
  const char* url = std::getenv("YORISOI_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    return std::nullopt;
  }
  return std::string(url);
}

std::string scratch_database::with_database(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url + " dbname=" + database;  // key=value form: a later key wins
  }
  const auto query = url.find('?', scheme + 3);
  const auto path = url.find('/', scheme + 3);
  const std::string rest = query == std::string::npos ? std::string() : url.substr(query);
  const auto authority_end = (path == std::string::npos || (query != std::string::npos && path > query))
                                 ? (query == std::string::npos ? url.size() : query)
                                 : path;
  return url.substr(0, authority_end) + "/" + database + rest;
}

scratch_database::scratch_database() {
  auto admin = admin_url();
  if (!admin) {
    throw std::runtime_error("YORISOI_TEST_PG_URL is not set");
  }
  admin_ = *admin;
  name_ = unique_name();
  pqxx::connection conn(admin_);
  pqxx::nontransaction tx(conn);
  tx.exec0("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_database(admin_, name_);
}

scratch_database::~scratch_database() {
  try {
    pqxx::connection conn(admin_);
    pqxx::nontransaction tx(conn);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is gone (the runner stops it at the end): nothing left to clean.
  }
}

}  // namespace yorisoi::test
