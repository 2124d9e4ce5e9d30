#include "report/link_click.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// The day is the database's clock, like every other timestamp the tallies read (one clock for all
// instances).
constexpr const char* click_sql = R"sql(
INSERT INTO link_click (tenant_id, code, day, clicks)
VALUES ($1, $2, ((now() AT TIME ZONE 'UTC') + $3::integer * interval '1 minute')::date, 1)
ON CONFLICT (tenant_id, day, code) DO UPDATE SET clicks = link_click.clicks + 1
)sql";

}  // namespace

void count_click(pqxx::connection& conn, const std::string& tenant_id, const std::string& code,
                 int utc_offset_minutes) {
  pqxx::work tx(conn, "link_click");
  tx.exec_params0(click_sql, tenant_id, code, utc_offset_minutes);
  tx.commit();
}

}  // namespace yorisoi::storage::detail
