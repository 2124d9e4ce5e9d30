// console_store: each operation becomes a job on the service's general workers; database failures
// become `unavailable` (logged by SQLSTATE or connection error, never with user data).
#include "yorisoi/storage/console.hpp"

#include "db/connection.hpp"
#include "console/console_accounts.hpp"
#include "console/console_consultations.hpp"
#include "search/search_query.hpp"
#include "console/console_listener.hpp"
#include "console/console_totp.hpp"
#include "db/worker_pool.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <utility>

namespace yorisoi::storage {
namespace {

// Runs `body(connection)` on a worker and answers its result, or `unavailable` when the database
// failed or the service is not running. `after` runs after `body` succeeded, before `done`.
template <typename T, typename Submit, typename Body>
void run(Submit submit, const char* what, std::function<void(op_result<T>)> done, Body body,
         std::function<void(const op_result<T>&)> after = nullptr) {
  auto job = [what, done, body = std::move(body), after](detail::db_connection& db) mutable {
    op_result<T> result;
    try {
      result = body(db.get());
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "console", what, e);
      result = op_result<T>{};
    }
    if (after) {
      after(result);
    }
    done(std::move(result));
  };
  if (!submit(std::move(job))) {
    done(op_result<T>{});
  }
}

void check(const session_policy& p) {
  if (p.idle.count() <= 0 || p.absolute.count() <= 0 || p.failure_window.count() <= 0 ||
      p.delay.first_delay.count() <= 0 || p.delay.max_delay < p.delay.first_delay ||
      p.max_failures_per_address == 0) {
    throw std::invalid_argument("session policy: limits must be positive");
  }
}

}  // namespace

console_store::console_store(service& store, session_policy policy) : store_(store), policy_(policy) {
  check(policy_);
}

console_store::~console_store() {
  stop_listening();
}

void console_store::login(login_request request, std::function<void(login_result)> done) {
  auto job = [this, done, request = std::move(request)](detail::db_connection& db) {
    login_result result;
    try {
      result = detail::login(db.get(), policy_, keys(), request);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "console", "login", e);
      result = login_result{};
    }
    done(std::move(result));
  };
  switch (credential_pool().offer(std::move(job))) {
    case detail::worker_pool::offer_result::queued:
      return;
    case detail::worker_pool::offer_result::full: {
      // More attempts are waiting to be hashed than the workers can take: come back shortly.
      login_result throttled;
      throttled.status = login_status::throttled;
      throttled.retry_after = std::chrono::seconds{1};
      done(std::move(throttled));
      return;
    }
    case detail::worker_pool::offer_result::stopped:
      done(login_result{});
      return;
  }
}

void console_store::authenticate(std::string token, std::function<void(op_result<session_info>)> done) {
  run<session_info>(submitter(), "authentication", std::move(done),
                    [this, token = std::move(token)](pqxx::connection& c) {
                      return detail::authenticate(c, policy_, true, token);
                    });
}

void console_store::check_session(std::string token, std::function<void(op_result<session_info>)> done) {
  run<session_info>(submitter(), "session check", std::move(done),
                    [this, token = std::move(token)](pqxx::connection& c) {
                      return detail::authenticate(c, policy_, false, token);
                    });
}

void console_store::logout(std::string token, std::function<void(op_result<nothing>)> done) {
  run<nothing>(submitter(), "logout", std::move(done),
               [token = std::move(token)](pqxx::connection& c) { return detail::logout(c, token); });
}

void console_store::logout_everywhere(actor who, std::function<void(op_result<nothing>)> done) {
  run<nothing>(submitter(), "logout everywhere", std::move(done),
               [who = std::move(who)](pqxx::connection& c) { return detail::logout_everywhere(c, who); });
}

void console_store::change_password(actor who, std::string current_password, std::string new_password,
                                    std::function<void(op_result<nothing>)> done) {
  run<nothing>(
      credential_submitter(), "password change", std::move(done),
      [this, who = std::move(who), current = std::move(current_password), next = std::move(new_password)](
          pqxx::connection& c) { return detail::change_password(c, policy_, who, current, next); });
}

void console_store::list_staff(actor who, std::function<void(op_result<std::vector<staff_user>>)> done) {
  run<std::vector<staff_user>>(
      submitter(), "staff listing", std::move(done),
      [who = std::move(who)](pqxx::connection& c) { return detail::list_staff(c, who); });
}

void console_store::create_staff(actor who, new_staff user, std::function<void(op_result<staff_user>)> done) {
  run<staff_user>(credential_submitter(), "staff creation", std::move(done),
                  [who = std::move(who), user = std::move(user)](pqxx::connection& c) {
                    return detail::create_staff(c, who, user);
                  });
}

namespace {
std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void console_store::totp_begin(actor who, std::string issuer,
                               std::function<void(op_result<totp_enrolment>)> done) {
  run<totp_enrolment>(submitter(), "totp enrolment", std::move(done),
                      [this, who = std::move(who), issuer = std::move(issuer)](pqxx::connection& c) {
                        return detail::totp_begin(c, keys(), who, issuer);
                      });
}

void console_store::totp_confirm(actor who, std::string code,
                                 std::function<void(op_result<std::vector<std::string>>)> done) {
  run<std::vector<std::string>>(submitter(), "totp confirmation", std::move(done),
                                [this, who = std::move(who), code = std::move(code)](pqxx::connection& c) {
                                  return detail::totp_confirm(c, keys(), who, code, unix_now());
                                });
}

void console_store::totp_disable(actor who, std::string password, std::string code,
                                 std::function<void(op_result<nothing>)> done) {
  // The password is verified (argon2): on the credential workers.
  run<nothing>(
      credential_submitter(), "totp disabling", std::move(done),
      [this, who = std::move(who), password = std::move(password), code = std::move(code)](
          pqxx::connection& c) { return detail::totp_disable(c, keys(), who, password, code, unix_now()); });
}

void console_store::totp_reset(actor who, std::string user_id, std::function<void(op_result<nothing>)> done) {
  run<nothing>(submitter(), "totp reset", std::move(done),
               [who = std::move(who), id = std::move(user_id)](pqxx::connection& c) {
                 return detail::totp_reset(c, who, id);
               });
}

void console_store::update_staff(actor who, std::string user_id, staff_patch patch,
                                 std::function<void(op_result<staff_user>)> done) {
  // A patch that resets the password hashes it: on the credential workers then.
  auto on = patch.password ? credential_submitter() : submitter();
  run<staff_user>(std::move(on), "staff update", std::move(done),
                  [who = std::move(who), id = std::move(user_id), patch = std::move(patch)](
                      pqxx::connection& c) { return detail::update_staff(c, who, id, patch); });
}

void console_store::confirm_role(actor who, std::string user_id,
                                 std::function<void(op_result<staff_user>)> done) {
  run<staff_user>(submitter(), "role confirmation", std::move(done),
                  [who = std::move(who), id = std::move(user_id)](pqxx::connection& c) {
                    return detail::confirm_role(c, who, id);
                  });
}

void console_store::cancel_role(actor who, std::string user_id,
                                std::function<void(op_result<staff_user>)> done) {
  run<staff_user>(submitter(), "role cancellation", std::move(done),
                  [who = std::move(who), id = std::move(user_id)](pqxx::connection& c) {
                    return detail::cancel_role(c, who, id);
                  });
}

void console_store::queue(actor who, queue_view view, std::function<void(op_result<queue_page>)> done) {
  queue_request request;
  request.view = view;
  queue(std::move(who), std::move(request), std::move(done));
}

void console_store::queue(actor who, queue_request request, std::function<void(op_result<queue_page>)> done) {
  run<queue_page>(submitter(), "queue", std::move(done),
                  [this, who = std::move(who), request = std::move(request)](pqxx::connection& c) {
                    return detail::list_queue_page(c, keys(), who, request);
                  });
}

void console_store::queue_counts_of(actor who, std::function<void(op_result<queue_counts>)> done) {
  run<queue_counts>(
      submitter(), "queue counts", std::move(done),
      [who = std::move(who)](pqxx::connection& c) { return detail::read_queue_counts(c, who); });
}

void console_store::queue_row(actor who, std::string consultation_id, bool previews,
                              std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "queue row", std::move(done),
                  [this, who = std::move(who), id = std::move(consultation_id), previews](
                      pqxx::connection& c) { return detail::read_queue_row(c, keys(), who, id, previews); });
}

void console_store::consultation(actor who, std::string consultation_id,
                                 std::function<void(op_result<consultation_detail>)> done) {
  run<consultation_detail>(
      submitter(), "consultation read", std::move(done),
      [this, who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
        return detail::read_consultation(c, keys(), who, id);
      });
}

void console_store::claim(actor who, std::string consultation_id,
                          std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "claim", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                    return detail::claim(c, who, id);
                  });
}

void console_store::claim(actor who, std::string consultation_id, std::optional<unsigned> default_capacity,
                          std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "claim", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id), default_capacity](pqxx::connection& c) {
                    return detail::claim_within(c, who, id, default_capacity);
                  });
}

void console_store::my_presence(actor who, std::optional<unsigned> default_capacity,
                                std::function<void(op_result<presence_entry>)> done) {
  run<presence_entry>(submitter(), "presence", std::move(done),
                      [this, who = std::move(who), default_capacity](pqxx::connection& c) {
                        return detail::read_presence(c, who, policy_.idle, default_capacity);
                      });
}

void console_store::set_presence(actor who, routing::presence to, std::string handover_note,
                                 std::optional<unsigned> default_capacity, std::function<void(op_result<presence_outcome>)> done) {
  run<presence_outcome>(
      submitter(), "presence change", std::move(done),
      [this, who = std::move(who), to, note = std::move(handover_note), default_capacity](pqxx::connection& c) {
        return detail::change_presence(c, keys(), who, to, note, policy_.idle, default_capacity);
      });
}

void console_store::shift(actor who, std::optional<unsigned> default_capacity,
                          std::function<void(op_result<std::vector<presence_entry>>)> done) {
  run<std::vector<presence_entry>>(submitter(), "shift", std::move(done),
                                   [this, who = std::move(who), default_capacity](pqxx::connection& c) {
                                     return detail::read_shift(c, who, policy_.idle, default_capacity);
                                   });
}

void console_store::set_capacity(actor who, std::string user_id, std::optional<unsigned> capacity,
                                 std::optional<unsigned> default_capacity, std::function<void(op_result<presence_entry>)> done) {
  run<presence_entry>(submitter(), "capacity change", std::move(done),
                      [this, who = std::move(who), id = std::move(user_id), capacity,
                       default_capacity](pqxx::connection& c) {
                        return detail::change_capacity(c, who, id, capacity, policy_.idle, default_capacity);
                      });
}

void console_store::release(actor who, std::string consultation_id,
                            std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "release", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                    return detail::release(c, who, id);
                  });
}

void console_store::transfer(actor who, std::string consultation_id, std::string to_user_id,
                             std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "transfer", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id), to = std::move(to_user_id)](
                      pqxx::connection& c) { return detail::transfer(c, who, id, to); });
}

void console_store::reply(actor who, std::string consultation_id, std::string text,
                          std::function<void(op_result<transcript_message>)> done) {
  run<transcript_message>(
      submitter(), "reply", std::move(done),
      [this, who = std::move(who), id = std::move(consultation_id),
       text = std::move(text)](pqxx::connection& c) { return detail::reply(c, keys(), who, id, text); },
      // After COMMIT: the sender wakes for the new outbox row at once.
      [this](const op_result<transcript_message>& r) {
        if (r.status == op_status::ok) {
          notify_outbox();
        }
      });
}

void console_store::set_tags(actor who, std::string consultation_id, std::vector<std::string> categories,
                             std::string age_band, std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "tagging", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id), categories = std::move(categories),
                   band = std::move(age_band)](pqxx::connection& c) {
                    return detail::set_tags(c, who, id, categories, band);
                  });
}

void console_store::add_note(actor who, std::string consultation_id, std::string text,
                             std::function<void(op_result<note>)> done) {
  run<note>(submitter(), "note", std::move(done),
            [this, who = std::move(who), id = std::move(consultation_id), text = std::move(text)](
                pqxx::connection& c) { return detail::add_note(c, keys(), who, id, text); });
}

void console_store::whisper(actor who, std::string consultation_id, std::string text,
                            std::function<void(op_result<note>)> done) {
  run<note>(submitter(), "whisper", std::move(done),
            [this, who = std::move(who), id = std::move(consultation_id), text = std::move(text)](
                pqxx::connection& c) { return detail::whisper(c, keys(), who, id, text); });
}

void console_store::set_risk(actor who, std::string consultation_id, routing::risk_level level, std::string reason,
                             std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "risk", std::move(done),
                  [this, who = std::move(who), id = std::move(consultation_id), level,
                   reason = std::move(reason)](pqxx::connection& c) {
                    return detail::set_risk(c, keys(), who, id, level, reason);
                  });
}

void console_store::risk_history(actor who, std::string consultation_id,
                                 std::function<void(op_result<std::vector<risk_change>>)> done) {
  run<std::vector<risk_change>>(submitter(), "risk history", std::move(done),
                                [this, who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                                  return detail::read_risk_history(c, keys(), who, id);
                                });
}

void console_store::resident_history(actor who, std::string resident_id,
                                     std::function<void(op_result<std::vector<history_item>>)> done) {
  run<std::vector<history_item>>(submitter(), "resident history", std::move(done),
                                 [who = std::move(who), id = std::move(resident_id)](pqxx::connection& c) {
                                   return detail::read_resident_history(c, who, id);
                                 });
}

void console_store::read_mark_chat(actor who, std::string consultation_id,
                                   std::function<void(op_result<line_chat>)> done) {
  run<line_chat>(submitter(), "read mark", std::move(done),
                 [this, who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                   return detail::read_mark_chat(c, keys(), who, id);
                 });
}

void console_store::typing_chat(actor who, std::string consultation_id,
                                std::function<void(op_result<line_chat>)> done) {
  run<line_chat>(submitter(), "typing", std::move(done),
                 [this, who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                   return detail::typing_chat(c, keys(), who, id);
                 });
}

void console_store::resident_notes(actor who, std::string resident_id,
                                   std::function<void(op_result<std::vector<resident_note>>)> done) {
  run<std::vector<resident_note>>(submitter(), "resident notes", std::move(done),
                                  [this, who = std::move(who), id = std::move(resident_id)](pqxx::connection& c) {
                                    return detail::read_resident_notes(c, keys(), who, id);
                                  });
}

void console_store::set_resident_note(actor who, std::string resident_id, std::string text,
                                      std::function<void(op_result<resident_note>)> done) {
  run<resident_note>(submitter(), "resident note", std::move(done),
                     [this, who = std::move(who), id = std::move(resident_id), text = std::move(text)](
                         pqxx::connection& c) { return detail::add_resident_note(c, keys(), who, id, text); });
}

void console_store::search(actor who, search_request request,
                           std::function<void(op_result<search_page>)> done) {
  run<search_page>(submitter(), "search", std::move(done),
                   [this, who = std::move(who), request = std::move(request)](pqxx::connection& c) {
                     return detail::run_search(c, keys(), who, request);
                   });
}

void console_store::close(actor who, std::string consultation_id,
                          std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "close", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                    return detail::close(c, who, id);
                  });
}

void console_store::reopen(actor who, std::string consultation_id,
                           std::function<void(op_result<queue_item>)> done) {
  run<queue_item>(submitter(), "reopen", std::move(done),
                  [who = std::move(who), id = std::move(consultation_id)](pqxx::connection& c) {
                    return detail::reopen(c, who, id);
                  });
}

void console_store::events_since(std::string tenant_id, std::int64_t after_id, std::size_t limit,
                                 console_event_filter filter,
                                 std::function<void(op_result<std::vector<console_event>>)> done) {
  run<std::vector<console_event>>(
      submitter(), "event listing", std::move(done),
      [tenant = std::move(tenant_id), after_id, limit, filter = std::move(filter)](pqxx::connection& c) {
        return detail::events_since(c, tenant, after_id, limit, filter);
      });
}

void console_store::listen(std::function<void(const console_event&)> on_event,
                           std::function<void(const std::string& user_id)> on_session_ended) {
  if (listener_) {
    return;  // one listener per store
  }
  listener_ =
      std::make_unique<listener>(listener_conninfo(), std::move(on_event), std::move(on_session_ended));
}

void console_store::stop_listening() {
  if (listener_) {
    listener_->stop();
    listener_.reset();
  }
}

}  // namespace yorisoi::storage
