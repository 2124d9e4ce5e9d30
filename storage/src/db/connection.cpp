#include "db/connection.hpp"

#include "yorisoi/storage/service.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/except>

#include <algorithm>
#include <cctype>
#include <utility>

namespace yorisoi::storage::detail {
namespace {

constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{1000};

bool is_uri(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// Percent-encodes what a URI query value may not carry literally.
std::string uri_escape(const std::string& value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xF]);
    }
  }
  return out;
}

}  // namespace

std::string make_conninfo(const std::string& url, const connection_settings& settings) {
  std::string server_options =
      "-c synchronous_commit=on -c statement_timeout=" + std::to_string(settings.statement_timeout.count());
  // libpq's minimum is 2 s; smaller values are rounded up by libpq itself.
  const std::string connect_timeout =
      std::to_string(std::max<long long>(1, settings.connect_timeout.count()));
  if (is_uri(url)) {
    std::string out = url;
    out += url.find('?') == std::string::npos ? '?' : '&';
    out += "connect_timeout=" + connect_timeout;
    out += "&application_name=" + uri_escape(settings.application_name);
    out += "&options=" + uri_escape(server_options);
    return out;
  }
  return url + " connect_timeout=" + connect_timeout + " application_name='" + settings.application_name +
         "' options='" + server_options + "'";
}

db_connection::db_connection(std::string conninfo, prepare_fn prepare)
    : conninfo_(std::move(conninfo)), prepare_(std::move(prepare)) {}

pqxx::connection& db_connection::get() {
  if (conn_) {
    return *conn_;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_at_) {
    throw storage_error("database unavailable (backing off after a failed connection attempt)");
  }
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo_);
    if (prepare_) {
      prepare_(*conn);
    }
    conn_ = std::move(conn);
    backoff_ = std::chrono::milliseconds{0};
    return *conn_;
  } catch (const std::exception& e) {
    backoff_ = backoff_.count() == 0 ? first_backoff : std::min(backoff_ * 2, max_backoff);
    retry_at_ = std::chrono::steady_clock::now() + backoff_;
    // libpq's message names host and port, never credentials from the URL's password part.
    spdlog::warn("storage: cannot connect to PostgreSQL ({}); retry in {} ms", e.what(), backoff_.count());
    throw storage_error(std::string("database unavailable: ") + e.what());
  }
}

void db_connection::reset() noexcept {
  conn_.reset();
}

void log_job_failure(db_connection& db, const char* area, const char* what, const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    spdlog::warn("storage: {} {} failed: SQLSTATE {}", area, what, sql->sqlstate());
  } else {
    spdlog::warn("storage: {} {} failed: {}", area, what, e.what());
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    db.reset();
  }
}

}  // namespace yorisoi::storage::detail
