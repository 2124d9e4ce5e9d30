#pragma once
// Who the client of a request is, for the login throttle's per-address limit: the socket peer, unless
// the peer is a trusted reverse proxy (config server.trusted_proxies: addresses or CIDR ranges), in
// which case the proxy's X-Forwarded-For says it. Pure; thread-safe; no I/O.
//
// The header is read from the right: each proxy appends the address it received the request from, so
// the last hop was written by the peer, the one before by the proxy in front of it, and so on. Hops
// written by trusted proxies are skipped; the first hop that is not a trusted proxy is the client.
// Anything to its left was written by the client itself and is never believed.
//
// The throttle counts an IPv4 client by its address and an IPv6 client by its /64, the block one
// subscriber is usually given (so rotating through its 2^64 addresses gains nothing).

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

// `peer`: the socket peer's address as text; `forwarded_for`: every X-Forwarded-For header of the
// request joined with ", " ("" when absent); `trusted`: canonical IP addresses or "address/prefix"
// ranges (as config validates them). Answers the address_key of `peer` when it is not trusted, when
// the header is absent, or when a hop that would be believed is not an IP address; otherwise the
// address_key of the client (or of the leftmost hop when every hop is a trusted proxy).
[[nodiscard]] std::string client_address(std::string_view peer, std::string_view forwarded_for,
                                         const std::vector<std::string>& trusted);

// The login throttle's key for an address: an IPv4 address (an IPv4-mapped IPv6 one included) in
// canonical text, an IPv6 address as its /64 ("2001:db8:1:2::/64"); anything else unchanged.
[[nodiscard]] std::string address_key(std::string_view address);

// The canonical text of an IPv4 or IPv6 address literal, or "" when `text` is none.
[[nodiscard]] std::string canonical_address(std::string_view text);

}  // namespace yorisoi::gateway
