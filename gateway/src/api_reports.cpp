// Reports: GET /api/v1/reports/summary (JSON) and summary.csv (the city's
// tables, routing/report_csv.hpp). handle_api checked read_reports; the store limits the figures to the
// caller's tenant and judges the range (reversed or over 3 years: invalid → 422).
#include "api_common.hpp"
#include "async_console.hpp"
#include "yorisoi/gateway/api_report_json.hpp"
#include "yorisoi/routing/report_csv.hpp"
#include "yorisoi/storage/report.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_report_api(handler_context& context, handler_id id,
                                                 const api_caller& caller, const http_request& request) {
  const auto range = parse_report_range(request.query);
  if (!range.value) {
    co_return api_error_response(range.error);
  }
  auto& reports = context.reports;
  const storage::actor who = caller.session.who;
  const storage::report_query query = *range.value;
  const auto result =
      co_await await_op<storage::report>([&](auto done) { reports.summary(who, query, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  if (id != handler_id::api_report_csv) {
    co_return api_json(200, report_json(result.value, *caller.tenant));
  }
  http_response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = routing::render_report_csv(result.value, caller.tenant->name);
  response.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"" + report_csv_file_name(caller.tenant->id, query) + "\"");
  co_return response;
}

}  // namespace yorisoi::gateway
