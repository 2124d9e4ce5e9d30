#pragma once
// A throw-away PostgreSQL database for one test.
//
// Reads the cluster's admin URL from YORISOI_TEST_PG_URL (tests/run.sh starts a private cluster and
// sets it), creates a database with a unique name, and drops it — WITH (FORCE), so connections a
// test left open do not keep it alive — when destroyed. Not thread-safe; one per test.

#include <optional>
#include <string>

namespace yorisoi::test {

class scratch_database {
 public:
  // Throws std::runtime_error when YORISOI_TEST_PG_URL is unset or the database cannot be created.
  // Check admin_url() first to skip a test instead.
  scratch_database();
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  // The admin URL from the environment, if set and not empty.
  [[nodiscard]] static std::optional<std::string> admin_url();

  // A libpq URL (or key=value string, following the admin URL's form) for the new database.
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // `url` with the database name replaced: works for URIs and key=value strings.
  [[nodiscard]] static std::string with_database(const std::string& url, const std::string& database);

 private:
  std::string admin_;
  std::string name_;
  std::string url_;
};

}  // namespace yorisoi::test
