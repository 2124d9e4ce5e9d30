// Sealing and opening of spooled webhook bodies with the storage keyring.
#include "spool/spool_seal.hpp"

namespace yorisoi::gateway {

std::string spool_seal_context(const spool_record& record) {
  return "spool/" + record.tenant_id + "/" + record.channel_key + "/" + std::to_string(record.received_at_ms);
}

spool_record seal_spool_record(const spool_record& plain, const storage::keyring& keys) {
  storage::sealed value = keys.seal(plain.body, spool_seal_context(plain));
  spool_record out = plain;
  out.body = std::move(value.blob);
  out.key_id = value.key_id;
  return out;
}

std::optional<spool_record> open_spool_record(const spool_record& sealed, const storage::keyring& keys) {
  if (sealed.key_id == 0) {
    return sealed;  // written in clear by a version before sealing (format 1)
  }
  try {
    spool_record out = sealed;
    out.body = keys.open(storage::sealed{sealed.key_id, sealed.body}, spool_seal_context(sealed));
    out.key_id = 0;
    return out;
  } catch (const storage::crypto_error&) {
    return std::nullopt;
  }
}

}  // namespace yorisoi::gateway
