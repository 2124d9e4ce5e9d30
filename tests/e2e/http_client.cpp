#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace yorisoi::e2e {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int rc = 0;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

std::string http_reply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

http_connection::http_connection(std::uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket() failed");
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
}

http_connection::~http_connection() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool http_connection::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    if (!wait_for(fd_, POLLOUT, timeout_)) {
      return false;
    }
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool http_connection::fill() {
  if (!wait_for(fd_, POLLIN, timeout_)) {
    return false;
  }
  char chunk[16384];
  ssize_t n = 0;
  do {
    n = ::recv(fd_, chunk, sizeof chunk, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<http_reply> http_connection::read_reply() {
  for (;;) {
    auto end = buffer_.find("\r\n\r\n");
    while (end == std::string::npos) {
      if (!fill()) {
        return std::nullopt;
      }
      end = buffer_.find("\r\n\r\n");
    }
    const std::string head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    http_reply reply;
    // "HTTP/1.1 200 OK"
    if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) {
      return std::nullopt;
    }
    reply.status = std::stoi(head.substr(9, 3));
    std::size_t line_start = head.find("\r\n") + 2;
    while (line_start < head.size()) {
      const auto line_end = head.find("\r\n", line_start);
      const std::string_view line(head.data() + line_start, line_end - line_start);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        reply.headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
      }
      line_start = line_end + 2;
    }
    if (reply.status == 101) {
      return reply;  // Switching Protocols: what follows belongs to the new protocol (read_exact)
    }
    if (reply.status >= 100 && reply.status < 200) {
      continue;  // 100 Continue: the real answer follows
    }
    const std::size_t length =
        reply.headers.count("content-length") ? std::stoul(reply.headers["content-length"]) : 0;
    while (buffer_.size() < length) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }
}

std::optional<std::string> http_connection::read_exact(std::size_t n) {
  while (buffer_.size() < n) {
    if (!fill()) {
      return std::nullopt;
    }
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

std::optional<http_reply> http_connection::request(std::string_view method, std::string_view target,
                                                   std::string_view body, const header_list& headers) {
  std::string message;
  message.reserve(256 + body.size());
  message.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const auto& [name, value] : headers) {
    message.append(name).append(": ").append(value).append("\r\n");
  }
  if (!body.empty() || method == "POST") {
    message.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size()));
    message.append("\r\n");
  }
  message.append("\r\n").append(body);
  if (!send_raw(message)) {
    // The server may have answered early (413) and closed: its answer can still be read.
    return read_reply();
  }
  return read_reply();
}

bool http_connection::closed_by_peer(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_for(fd_, POLLIN, left)) {
      return false;
    }
    char chunk[4096];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
      return true;
    }
  }
}

std::optional<http_reply> http_once(std::uint16_t port, std::string_view method, std::string_view target,
                                    std::string_view body, const header_list& headers) {
  http_connection connection(port);
  return connection.request(method, target, body, headers);
}

}  // namespace yorisoi::e2e
