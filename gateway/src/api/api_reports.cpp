// Reports: GET /api/v1/reports/summary (JSON) and summary.csv (the city's
// tables, routing/report_csv.hpp). run_api checked read_reports; the store limits the figures to the
// caller's tenant and judges the range (reversed or over 3 years: invalid → 422).
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/api_report_json.hpp"
#include "yorisoi/routing/report_csv.hpp"
#include "yorisoi/storage/report.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// The summary of the range in the query, or the answer to give instead (`refusal`).
struct summary_result {
  std::optional<http_response> refusal;
  storage::report_query query;
  storage::report summary;
};

asio::awaitable<summary_result> summary_of(handler_context& context, const api_call& call) {
  summary_result out;
  const auto range = parse_report_range(call.request.query);
  if (!range.value) {
    out.refusal = api_error_response(range.error);
    co_return out;
  }
  auto& reports = context.reports;
  out.query = *range.value;
  auto result = co_await await_op<storage::report>(
      [&](auto done) { reports.summary(call.caller.session.who, out.query, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    // The store's one rule: from <= to, at most 3 years.
    out.refusal = op_error_response(result.status, "bad_range");
    co_return out;
  }
  out.summary = std::move(result.value);
  co_return out;
}

}  // namespace

asio::awaitable<http_response> handle_report_summary(handler_context& context, const api_call& call) {
  const summary_result result = co_await summary_of(context, call);
  if (result.refusal) {
    co_return *result.refusal;
  }
  co_return api_json(200, report_json(result.summary, *call.caller.tenant));
}

asio::awaitable<http_response> handle_report_csv(handler_context& context, const api_call& call) {
  const summary_result result = co_await summary_of(context, call);
  if (result.refusal) {
    co_return *result.refusal;
  }
  http_response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = routing::render_report_csv(result.summary, call.caller.tenant->name);
  response.headers.emplace_back(
      "Content-Disposition",
      "attachment; filename=\"" + report_csv_file_name(call.caller.tenant->id, result.query) + "\"");
  co_return response;
}

}  // namespace yorisoi::gateway
