// Times the main report on a loaded history (tests/bench/report-bench.sh builds it): one tenant-year,
// repeated, and every tenant's year one after the other. Prints figures; never registered with ctest.
//
//   report_bench --url URL --migrate                  apply the migrations and exit
//   report_bench --url URL [--tenants N] [--year Y] [--repeat R]
#include "yorisoi/storage/report.hpp"
#include "yorisoi/storage/service.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace yorisoi;
using clock_type = std::chrono::steady_clock;

routing::report_settings settings() {
  routing::report_settings s;
  s.schedule.windows.push_back({{1, 2, 3, 4, 5}, 18 * 60, 21 * 60});
  s.categories = {"家族関係",
                  "仕事・就労関係",
                  "病気・障害",
                  "孤独・孤立",
                  "生きがい・趣味",
                  "子育て・教育",
                  "行政サービス・制度利用",
                  "友人関係",
                  "恋愛関係",
                  "介護",
                  "希死念慮・自傷",
                  "生活困窮",
                  "法律関係",
                  "離婚関係"};
  s.age_bands = {"10代", "20代", "30代", "40代", "50代", "60代", "70代"};
  for (const char* code :
       {"web-ads", "facebook", "instagram", "flyer", "city-web", "city-line", "city-facebook"}) {
    s.links.push_back({code, code});
  }
  return s;
}

std::string tenant_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "city-%02d", i);
  return buf;
}

double run_once(storage::report_store& reports, const std::string& tenant, int year, storage::report* out) {
  std::promise<storage::op_result<storage::report>> p;
  auto f = p.get_future();
  const auto start = clock_type::now();
  reports.summary(storage::actor{tenant, "", routing::staff_role::admin, "", ""},
                  storage::report_query{{year, 1, 1}, {year, 12, 31}},
                  [&p](storage::op_result<storage::report> r) { p.set_value(std::move(r)); });
  auto r = f.get();
  const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  if (r.status != storage::op_status::ok) {
    std::fprintf(stderr, "report_bench: the report failed for %s\n", tenant.c_str());
    std::exit(1);
  }
  if (out != nullptr) {
    *out = std::move(r.value);
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  bool migrate_only = false;
  int tenants = 20;
  int year = 2023;
  int repeat = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--url" && has_value) {
      url = argv[++i];
    } else if (a == "--migrate") {
      migrate_only = true;
    } else if (a == "--tenants" && has_value) {
      tenants = std::atoi(argv[++i]);
    } else if (a == "--year" && has_value) {
      year = std::atoi(argv[++i]);
    } else if (a == "--repeat" && has_value) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: report_bench --url URL [--migrate] [--tenants N] [--year Y] [--repeat R]\n");
      return 2;
    }
  }
  if (url.empty()) {
    std::fprintf(stderr, "report_bench: --url is required\n");
    return 2;
  }
  storage::options o;
  o.url = url;
  o.pool_size = 1;
  o.run_inbox_processor = false;
  storage::service svc(o, storage::keyring({{1, std::string(32, 'k')}}, std::string(32, 'p')));
  svc.migrate();
  if (migrate_only) {
    return 0;
  }
  svc.start();
  storage::report_store_options ro;
  ro.url = url;
  ro.pool_size = 1;
  ro.statement_timeout = std::chrono::milliseconds{60'000};
  for (int t = 1; t <= tenants; ++t) {
    ro.tenants[tenant_name(t)] = settings();
  }
  storage::report_store reports(svc, ro);
  reports.start();

  // The first run warms the caches and the connection; the figures are from the repeats.
  storage::report sample;
  const double cold = run_once(reports, tenant_name(1), year, &sample);
  std::vector<double> times;
  for (int i = 0; i < repeat; ++i) {
    times.push_back(run_once(reports, tenant_name(1), year, nullptr));
  }
  std::sort(times.begin(), times.end());
  double all = 0;
  for (int t = 1; t <= tenants; ++t) {
    all += run_once(reports, tenant_name(t), year, nullptr);
  }
  std::printf("report of one tenant-year (%s, %d): %lld consultations, %lld consulters, %lld messages in\n",
              tenant_name(1).c_str(), year, static_cast<long long>(sample.consultations),
              static_cast<long long>(sample.consulters), static_cast<long long>(sample.messages_in));
  std::printf("  first run %.1f ms; %d more: min %.1f ms, median %.1f ms, max %.1f ms (goal < 200 ms: %s)\n",
              cold, repeat, times.front(), times[times.size() / 2], times.back(),
              times[times.size() / 2] < 200.0 ? "met" : "NOT met");
  std::printf("all %d tenants' year %d, one after the other: %.1f ms in all (%.1f ms per tenant)\n", tenants,
              year, all, all / tenants);
  reports.stop();
  svc.stop();
  return 0;
}
