#pragma once
// The bodies of referral_store's operations: each runs one transaction on the caller's connection and
// returns the op_result (rules' refusals included). Database errors propagate. Free functions.

#include "yorisoi/storage/referral.hpp"

#include <pqxx/connection>

namespace yorisoi::storage::detail {

struct referral_env {
  const keyring& keys;
  const referral_tenant* tenant = nullptr;  // the actor's tenant; null = unknown tenant
};

void prepare_referral_statements(pqxx::connection& conn);
void prepare_referral_read_statements(pqxx::connection& conn);

op_result<referral_view> propose_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                          const referral_proposal& p);
op_result<referral_view> record_referral_consent(pqxx::connection& conn, const referral_env& env,
                                                 const actor& who, const std::string& referral_id, int kind,
                                                 const std::string& message_id);
op_result<referral_view> emergency_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id, const emergency_basis& basis);
op_result<officer_referral> forward_referral(pqxx::connection& conn, const referral_env& env,
                                             const actor& who, const std::string& referral_id,
                                             const std::vector<std::string>& units);
op_result<officer_referral> answer_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id, const std::string& text);
op_result<officer_referral> return_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id);
op_result<referral_view> close_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                        const std::string& referral_id);

// Reads (referral_read.cpp). The counsellors' list expires due consent requests of what it reads first.
op_result<std::vector<referral_view>> consultation_referrals(pqxx::connection& conn, const referral_env& env,
                                                             const actor& who,
                                                             const std::string& consultation_id);
op_result<officer_inbox_page> officer_referrals(pqxx::connection& conn, const referral_env& env,
                                                const actor& who, const officer_inbox_request& page);
op_result<officer_referral> officer_referral_detail(pqxx::connection& conn, const referral_env& env,
                                                    const actor& who, const std::string& referral_id,
                                                    bool audit_view);

// Within a transaction: the counsellor's view of one referral (no lock, no audit).
[[nodiscard]] referral_view read_referral_view(pqxx::transaction_base& tx, const referral_env& env,
                                               const std::string& tenant_id, const std::string& referral_id);
// The officer's view, or nullopt when not visible to `who`.
[[nodiscard]] std::optional<officer_referral> read_officer_view(pqxx::transaction_base& tx,
                                                                const referral_env& env, const actor& who,
                                                                const std::string& referral_id);

[[nodiscard]] routing::actor routing_actor(const actor& who, const referral_tenant& tenant);

}  // namespace yorisoi::storage::detail
