// referral_store's officers' writes: forward (hub), answer (a recipient unit, or the hub itself while the
// referral is at the hub), return (hub). An officer who may not see the referral gets not_found, before
// any rule is asked.
#include "referral/referral_ops.hpp"

#include "console/console_common.hpp"
#include "referral/referral_common.hpp"
#include "referral/referral_state.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {

namespace rt = routing;

namespace {

// An officer's write: visible to the officer or not_found, then the machine's step.
template <typename Step>
op_result<officer_referral> officer_write(pqxx::connection& conn, const referral_env& env, const actor& who,
                                          const std::string& referral_id, const char* name, Step step) {
  if (env.tenant == nullptr) {
    return refuse<officer_referral>(op_status::not_found);
  }
  pqxx::work tx(conn, name);
  auto r = load_for_write(tx, env, who, referral_id);
  if (!r || !read_officer_view(tx, env, who, referral_id)) {
    return refuse<officer_referral>(op_status::not_found);
  }
  if (const auto e = step(tx, *r)) {
    return refused<officer_referral>(*e);
  }
  auto view = read_officer_view(tx, env, who, referral_id);
  tx.commit();
  if (!view) {
    return refuse<officer_referral>(op_status::not_found);
  }
  return ok(std::move(*view));
}

}  // namespace

op_result<officer_referral> forward_referral(pqxx::connection& conn, const referral_env& env,
                                             const actor& who, const std::string& referral_id,
                                             const std::vector<std::string>& units) {
  return officer_write(
      conn, env, who, referral_id, "referral_forward",
      [&](pqxx::work& tx, loaded_referral& r) -> std::optional<rt::rule_error> {
        const auto ctx = context_of(who, *env.tenant);
        auto next = rt::transition(r.state, rt::referral_events::forward{units}, ctx);
        if (const auto* e = std::get_if<rt::rule_error>(&next)) {
          return *e;
        }
        save_referral(tx, r, std::get<rt::referral>(next), "forward", acting{ctx.who, who.user_id});
        audit(tx, who.tenant_id, who.user_id, "referral.forward", "referral", referral_id);
        return std::nullopt;
      });
}

op_result<officer_referral> answer_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id, const std::string& text) {
  return officer_write(
      conn, env, who, referral_id, "referral_answer",
      [&](pqxx::work& tx, loaded_referral& r) -> std::optional<rt::rule_error> {
        auto ctx = context_of(who, *env.tenant);
        ctx.options = r.options;
        // At the hub, the hub's own answer: it becomes the one recipient and the answer goes back at once.
        const bool at_hub = r.state.stage == rt::referral_stage::at_hub;
        const rt::referral_event event = at_hub ? rt::referral_event{rt::referral_events::hub_answer{text}}
                                                : rt::referral_event{rt::referral_events::answer{text}};
        auto next = rt::transition(r.state, event, ctx);
        if (const auto* e = std::get_if<rt::rule_error>(&next)) {
          return *e;
        }
        // The recipient row (added by save_referral for the hub) must exist before its answer is stored.
        save_referral(tx, r, std::get<rt::referral>(next), std::string(rt::event_name(event)),
                      acting{ctx.who, who.user_id});
        const sealed body = env.keys.seal(text, who.tenant_id + "/referral");
        tx.exec_prepared0("referral_store_answer", who.tenant_id, referral_id, who.org_unit,
                          pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id), who.user_id);
        audit(tx, who.tenant_id, who.user_id, "referral.answer", "referral", referral_id);
        // Without the hub in the way back, yorisoi returns the answers as soon as all are in.
        if (r.state.stage == rt::referral_stage::answered &&
            !(r.options.answers_through_hub && r.state.hub_involved)) {
          ctx.who = rt::actor::system();
          auto back = rt::transition(r.state, rt::referral_events::return_answers{}, ctx);
          if (const auto* b = std::get_if<rt::referral>(&back)) {
            save_referral(tx, r, *b, "return_answers", acting{ctx.who, {}});
          }
        }
        return std::nullopt;
      });
}

op_result<officer_referral> return_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id) {
  return officer_write(
      conn, env, who, referral_id, "referral_return",
      [&](pqxx::work& tx, loaded_referral& r) -> std::optional<rt::rule_error> {
        auto ctx = context_of(who, *env.tenant);
        ctx.options = r.options;
        auto next = rt::transition(r.state, rt::referral_events::return_answers{}, ctx);
        if (const auto* e = std::get_if<rt::rule_error>(&next)) {
          return *e;
        }
        save_referral(tx, r, std::get<rt::referral>(next), "return_answers", acting{ctx.who, who.user_id});
        audit(tx, who.tenant_id, who.user_id, "referral.return", "referral", referral_id);
        return std::nullopt;
      });
}

}  // namespace yorisoi::storage::detail
