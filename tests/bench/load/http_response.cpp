#include "load/http_response.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace yorisoi::bench {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

void http_response_reader::reset() {
  *this = http_response_reader{};
}

http_response_reader::state http_response_reader::parse_headers(std::string_view head) {
  // Status line: HTTP/1.x SP 3DIGIT SP reason
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1.") {
    return state::error;
  }
  const bool http10 = status_line[7] == '0';
  const auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status_);
  if (ec != std::errc{} || ptr != status_line.data() + 12) {
    return state::error;
  }
  bool keep_alive_10 = false;
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      const auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), remaining_);
      if (e != std::errc{} || p != value.data() + value.size()) {
        return state::error;
      }
      has_length_ = true;
    } else if (iequals(name, "transfer-encoding")) {
      chunked_ = contains_token(value, "chunked");
    } else if (iequals(name, "connection")) {
      must_close_ = must_close_ || contains_token(value, "close");
      keep_alive_10 = contains_token(value, "keep-alive");
    }
  }
  if (http10 && !keep_alive_10) {
    must_close_ = true;
  }
  return after_headers();
}

http_response_reader::state http_response_reader::after_headers() {
  if ((status_ >= 100 && status_ < 200) || status_ == 204 || status_ == 304) {
    phase_ = phase::done;
  } else if (chunked_) {
    phase_ = phase::chunk_size;
  } else if (has_length_) {
    phase_ = remaining_ == 0 ? phase::done : phase::body_length;
  } else {
    phase_ = phase::body_to_eof;
    must_close_ = true;
  }
  return phase_ == phase::done ? state::complete : state::need_more;
}

http_response_reader::state http_response_reader::feed(std::string_view data, std::size_t& used) {
  used = 0;
  for (;;) {
    const std::string_view rest = data.substr(used);
    switch (phase_) {
      case phase::headers: {
        const auto end = rest.find("\r\n\r\n");
        if (end == std::string_view::npos) {
          return rest.size() > max_header_bytes ? state::error : state::need_more;
        }
        used += end + 4;
        const state s = parse_headers(rest.substr(0, end));
        if (s != state::need_more) {
          return s;
        }
        break;
      }
      case phase::body_length: {
        const auto take = std::min(remaining_, rest.size());
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          phase_ = phase::done;
          return state::complete;
        }
        return state::need_more;
      }
      case phase::body_to_eof:
        used += rest.size();
        return state::need_more;
      case phase::chunk_size: {
        const auto end = rest.find("\r\n");
        if (end == std::string_view::npos) {
          return rest.size() > 1024 ? state::error : state::need_more;
        }
        const std::string_view line = rest.substr(0, std::min(end, rest.find(';')));
        const std::string_view hex = trim(line);
        const auto [p, e] = std::from_chars(hex.data(), hex.data() + hex.size(), remaining_, 16);
        if (e != std::errc{} || p != hex.data() + hex.size()) {
          return state::error;
        }
        used += end + 2;
        phase_ = remaining_ == 0 ? phase::trailers : phase::chunk_data;
        break;
      }
      case phase::chunk_data: {
        const auto take = std::min(remaining_, rest.size());
        used += take;
        remaining_ -= take;
        if (remaining_ != 0) {
          return state::need_more;
        }
        phase_ = phase::chunk_data_crlf;
        break;
      }
      case phase::chunk_data_crlf:
        if (rest.size() < 2) {
          return state::need_more;
        }
        if (rest.substr(0, 2) != "\r\n") {
          return state::error;
        }
        used += 2;
        phase_ = phase::chunk_size;
        break;
      case phase::trailers: {
        const auto end = rest.find("\r\n");
        if (end == std::string_view::npos) {
          return rest.size() > max_header_bytes ? state::error : state::need_more;
        }
        used += end + 2;
        if (end == 0) {
          phase_ = phase::done;
          return state::complete;
        }
        break;
      }
      case phase::done:
        return state::complete;
    }
  }
}

http_response_reader::state http_response_reader::end_of_stream() {
  if (phase_ == phase::body_to_eof) {
    phase_ = phase::done;
    return state::complete;
  }
  return phase_ == phase::done ? state::complete : state::error;
}

}  // namespace yorisoi::bench
