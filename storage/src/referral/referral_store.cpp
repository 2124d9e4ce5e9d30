// referral_store: each operation is a job on the store's workers; database failures become
// `unavailable` (logged by SQLSTATE, never with user data).
//
// The store runs its own small pool of workers (one connection each) because service.hpp lets only
// console_store reach the service's pool; giving it a
// submitter as console_store has would let it share them.
#include "yorisoi/storage/referral.hpp"

#include "db/connection.hpp"
#include "referral/referral_ops.hpp"
#include "db/worker_pool.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace yorisoi::storage {
namespace {

std::string conninfo_of(const referral_store_options& o) {
  detail::connection_settings s;
  s.connect_timeout = o.connect_timeout;
  s.statement_timeout = o.statement_timeout;
  s.application_name = "yorisoi-referrals";
  return detail::make_conninfo(o.url, s);
}

}  // namespace

struct referral_store::impl {
  impl(service& s, keyring k, referral_store_options o)
      : store(s),
        keys(std::move(k)),
        opts(std::move(o)),
        pool(opts.pool_size, conninfo_of(opts), &detail::prepare_referral_statements) {}

  detail::referral_env env(const actor& who) const {
    const auto it = opts.tenants.find(who.tenant_id);
    return detail::referral_env{keys, it == opts.tenants.end() ? nullptr : &it->second};
  }

  template <typename T, typename Body>
  void run(const char* what, std::function<void(op_result<T>)> done, Body body, bool wrote_outbox = false) {
    auto job = [this, what, done, body = std::move(body), wrote_outbox](detail::db_connection& db) mutable {
      op_result<T> result;
      try {
        result = body(db.get());
      } catch (const std::exception& e) {
        detail::log_job_failure(db, "referral", what, e);
        result = op_result<T>{};
      }
      if (wrote_outbox && result.status == op_status::ok) {
        store.outbox_written();  // a consent request was committed to the outbox: wake the sender
      }
      done(std::move(result));
    };
    if (!pool.submit(std::move(job))) {
      done(op_result<T>{});
    }
  }

  service& store;
  keyring keys;
  referral_store_options opts;
  detail::worker_pool pool;
};

referral_store::referral_store(service& store, keyring keys, referral_store_options opts) {
  for (const auto& [id, tenant] : opts.tenants) {
    if (tenant.units.empty()) {
      throw std::invalid_argument("referral store: tenant " + id + " has no org units");
    }
  }
  impl_ = std::make_unique<impl>(store, std::move(keys), std::move(opts));
}

referral_store::~referral_store() {
  stop();
}

void referral_store::start() {
  impl_->pool.start();
}

void referral_store::stop() {
  impl_->pool.stop();
}

void referral_store::propose(actor who, referral_proposal proposal,
                             std::function<void(op_result<referral_view>)> done) {
  impl_->run<referral_view>(
      "proposal", std::move(done),
      [this, who = std::move(who), p = std::move(proposal)](pqxx::connection& c) {
        return detail::propose_referral(c, impl_->env(who), who, p);
      },
      true);
}

void referral_store::record_consent(actor who, std::string referral_id, bool granted, std::string message_id,
                                    std::function<void(op_result<referral_view>)> done) {
  impl_->run<referral_view>("consent", std::move(done),
                            [this, who = std::move(who), id = std::move(referral_id), granted,
                             m = std::move(message_id)](pqxx::connection& c) {
                              return detail::record_referral_consent(c, impl_->env(who), who, id,
                                                                     granted ? 0 : 1, m);
                            });
}

void referral_store::withdraw(actor who, std::string referral_id, std::string message_id,
                              std::function<void(op_result<referral_view>)> done) {
  impl_->run<referral_view>("withdrawal", std::move(done),
                            [this, who = std::move(who), id = std::move(referral_id),
                             m = std::move(message_id)](pqxx::connection& c) {
                              return detail::record_referral_consent(c, impl_->env(who), who, id, 2, m);
                            });
}

void referral_store::emergency_send(actor who, std::string referral_id, emergency_basis basis,
                                    std::function<void(op_result<referral_view>)> done) {
  impl_->run<referral_view>(
      "emergency", std::move(done),
      [this, who = std::move(who), id = std::move(referral_id), b = std::move(basis)](pqxx::connection& c) {
        return detail::emergency_referral(c, impl_->env(who), who, id, b);
      });
}

void referral_store::forward(actor who, std::string referral_id, std::vector<std::string> unit_ids,
                             std::function<void(op_result<officer_referral>)> done) {
  impl_->run<officer_referral>(
      "forward", std::move(done),
      [this, who = std::move(who), id = std::move(referral_id), u = std::move(unit_ids)](
          pqxx::connection& c) { return detail::forward_referral(c, impl_->env(who), who, id, u); });
}

void referral_store::answer(actor who, std::string referral_id, std::string text,
                            std::function<void(op_result<officer_referral>)> done) {
  impl_->run<officer_referral>(
      "answer", std::move(done),
      [this, who = std::move(who), id = std::move(referral_id), t = std::move(text)](pqxx::connection& c) {
        return detail::answer_referral(c, impl_->env(who), who, id, t);
      });
}

void referral_store::return_answers(actor who, std::string referral_id,
                                    std::function<void(op_result<officer_referral>)> done) {
  impl_->run<officer_referral>(
      "return", std::move(done),
      [this, who = std::move(who), id = std::move(referral_id)](pqxx::connection& c) {
        return detail::return_referral(c, impl_->env(who), who, id);
      });
}

void referral_store::close(actor who, std::string referral_id,
                           std::function<void(op_result<referral_view>)> done) {
  impl_->run<referral_view>("close", std::move(done),
                            [this, who = std::move(who), id = std::move(referral_id)](pqxx::connection& c) {
                              return detail::close_referral(c, impl_->env(who), who, id);
                            });
}

void referral_store::list_for_consultation(actor who, std::string consultation_id,
                                           std::function<void(op_result<std::vector<referral_view>>)> done) {
  impl_->run<std::vector<referral_view>>(
      "listing", std::move(done),
      [this, who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
        return detail::consultation_referrals(c, impl_->env(who), who, id);
      });
}

void referral_store::officer_inbox(actor who, officer_inbox_request page,
                                   std::function<void(op_result<officer_inbox_page>)> done) {
  impl_->run<officer_inbox_page>("inbox", std::move(done),
                                 [this, who = std::move(who), page = std::move(page)](pqxx::connection& c) {
                                   return detail::officer_referrals(c, impl_->env(who), who, page);
                                 });
}

void referral_store::officer_detail(actor who, std::string referral_id,
                                    std::function<void(op_result<officer_referral>)> done) {
  impl_->run<officer_referral>(
      "detail", std::move(done),
      [this, who = std::move(who), id = std::move(referral_id)](pqxx::connection& c) {
        return detail::officer_referral_detail(c, impl_->env(who), who, id, true);
      });
}

}  // namespace yorisoi::storage
