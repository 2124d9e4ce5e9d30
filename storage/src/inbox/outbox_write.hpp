#pragma once
// Writing automatic answers into the outbox, inside the inbox processor's transaction, so that the
// decision and the messages it sends commit (or roll back) together.

#include "yorisoi/routing/inbound.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

// Whom and what the answers respond to.
struct answer_target {
  std::string tenant_id;
  std::string channel_key;
  std::string resident_id;      // uuid as text
  std::string consultation_id;  // uuid as text; empty when the answers belong to no consultation
  std::string event_id;         // the inbox event answered
  std::string reply_token;      // the event's; empty when it has none (then the sender pushes)
  std::string received_at;      // timestamptz text: the reply token's clock starts here
  std::string occurred_at;      // timestamptz text: the transcript time of the answers
};

void prepare_outbox_write_statements(pqxx::connection& conn);

// Writes one outbox row (origin 'auto') carrying every answer as a LINE message, and — when the
// target has a consultation — one outbound transcript message per answer, of the answer's kind, in
// sending order. Does nothing for no answers.
// Returns whether a row was written.
bool write_answers(pqxx::transaction_base& tx, const keyring& keys, const answer_target& target,
                   const std::vector<routing::auto_answer>& answers, std::chrono::seconds reply_token_usable);

// Cancels the resident's automatic answers not yet claimed (the resident unfollowed: no pushes).
void cancel_pending_auto(pqxx::transaction_base& tx, const std::string& tenant_id,
                         const std::string& resident_id);

}  // namespace yorisoi::storage::detail
