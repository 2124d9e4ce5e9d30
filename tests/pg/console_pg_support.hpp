#pragma once
// Helpers of the pg tests that drive console_store (and the stores built beside it) from a test thread.

#include "storage_routing_support.hpp"
#include "yorisoi/storage/console.hpp"

#include <functional>
#include <string>
#include <utility>

namespace yorisoi::storage::pgtest {

// Runs one store call, `start(done)`, and waits for its answer (bounded, see await_callback).
template <typename T, typename Call>
T await_store(Call start, const char* what) {
  return await_callback<T>([&](std::function<void(T)> done) { start(std::move(done)); }, what);
}

// Creates a staff account the way the command line does (an actor without user id); the test fails
// when the store refuses it.
inline staff_user add_staff(console_store& console, const std::string& tenant, new_staff user) {
  auto r = await_store<op_result<staff_user>>(
      [&](auto done) {
        console.create_staff(actor{tenant, "", routing::staff_role::admin, "", ""}, std::move(user), done);
      },
      "console_store");
  EXPECT_EQ(r.status, op_status::ok) << r.reason;
  return r.value;
}

// The actor a staff account acts as (without a session).
inline actor actor_of(const staff_user& user) {
  return actor{user.tenant_id, user.user_id, user.role, user.org_unit, ""};
}

}  // namespace yorisoi::storage::pgtest
