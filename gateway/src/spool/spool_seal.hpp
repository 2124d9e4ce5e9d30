#pragma once
// Sealing of spooled webhook bodies: a spooled body holds message text, LINE user ids and reply
// tokens, so it is written to disk only encrypted, with the keyring that seals message text in
// PostgreSQL (AES-256-GCM, key id stored in the record, so records sealed before a key rotation stay
// readable while their key is in the keyring).
//
// The associated data binds the record's clear fields — "spool/<tenant>/<channel>/<received-at ms>" —
// so a body moved to another record, or a record whose tenant, channel or time was altered, fails to
// open. Thread-safe (the keyring is immutable).

#include "spool/spool_format.hpp"

#include <yorisoi/storage/crypto.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace yorisoi::gateway {

// How many bytes sealing adds to a body: the nonce (12) and the authentication tag (16).
inline constexpr std::size_t spool_seal_overhead = 28;

[[nodiscard]] std::string spool_seal_context(const spool_record& record);

// The record as it goes to disk: body sealed under keys.current_key_id(), key_id set.
// Throws storage::crypto_error when encryption fails.
[[nodiscard]] spool_record seal_spool_record(const spool_record& plain, const storage::keyring& keys);

// The record as it was appended (body in clear, key_id 0); none when its key is not in the keyring
// or the sealed body fails authentication (tampered, or fields altered). A record read with key_id 0
// was written in clear by the version before sealing (format 1) and is returned as it is.
[[nodiscard]] std::optional<spool_record> open_spool_record(const spool_record& sealed,
                                                            const storage::keyring& keys);

}  // namespace yorisoi::gateway
