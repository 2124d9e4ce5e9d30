#include "console/idle_closer.hpp"

#include "console/queue_store.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace yorisoi::storage::detail {

periodic_job_spec idle_close_job(const std::map<std::string, std::chrono::minutes>& idle_after,
                                 std::string conninfo, std::chrono::milliseconds every) {
  return periodic_job_spec{std::move(conninfo),
                           &prepare_queue_statements,
                           every,
                           "routing",
                           "idle close",
                           [&idle_after](pqxx::connection& conn) {
                             if (const std::size_t closed = close_idle(conn, idle_after); closed > 0) {
                               spdlog::info("storage: closed {} idle consultations", closed);
                             }
                           }};
}

}  // namespace yorisoi::storage::detail
