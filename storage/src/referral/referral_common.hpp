#pragma once
// Pieces shared by referral_store's write files: how a rule's refusal becomes an op_result, the
// routing context of a staff member, and loading a referral for a write. Free functions.

#include "referral/referral_ops.hpp"
#include "referral/referral_state.hpp"

#include "console/console_common.hpp"

#include <pqxx/transaction>

#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::storage::detail {

// Codes of the input or of who acts (422); every other refusal is about the state (409).
[[nodiscard]] bool is_input_error(std::string_view code) noexcept;

template <typename T>
[[nodiscard]] op_result<T> refused(const routing::rule_error& e) {
  return refuse<T>(is_input_error(e.code) ? op_status::invalid : op_status::conflict, e.code);
}

[[nodiscard]] routing::instant now_instant();

// The staff member, the tenant's options and every unit of the tenant, as the referral machine needs.
[[nodiscard]] routing::referral_context context_of(const actor& who, const referral_tenant& t);

// Loads a referral for a staff write (tenant-scoped, locked), its request expired first when past due,
// with every unit of the tenant known.
[[nodiscard]] std::optional<loaded_referral> load_for_write(pqxx::work& tx, const referral_env& env,
                                                            const actor& who, const std::string& referral_id);

}  // namespace yorisoi::storage::detail
