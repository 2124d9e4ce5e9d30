#pragma once
// Who the client of a request is, for the login throttle's per-address limit: the socket peer, unless
// the peer is a trusted reverse proxy (config server.trusted_proxies), in which case the proxy's
// X-Forwarded-For says it. Pure; thread-safe; no I/O.
//
// The header is read from the right: each proxy appends the address it received the request from, so
// the last hop was written by the peer, the one before by the proxy in front of it, and so on. Hops
// written by trusted proxies are skipped; the first hop that is not a trusted proxy is the client.
// Anything to its left was written by the client itself and is never believed.

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

// `peer`: the socket peer's address as text; `forwarded_for`: every X-Forwarded-For header of the
// request joined with ", " ("" when absent); `trusted`: canonical IP addresses. Answers `peer` when it
// is not trusted, when the header is absent, or when a hop that would be believed is not an IP
// address; otherwise the canonical text of the client's address (or of the leftmost hop when every
// hop is a trusted proxy).
[[nodiscard]] std::string client_address(std::string_view peer, std::string_view forwarded_for,
                                         const std::vector<std::string>& trusted);

// The canonical text of an IPv4 or IPv6 address literal, or "" when `text` is none.
[[nodiscard]] std::string canonical_address(std::string_view text);

}  // namespace yorisoi::gateway
