#pragma once
// Typed, path-aware access to one TOML table. Every key read is remembered so that finish() can
// reject the ones nobody asked for: a misspelt key must stop start-up, not be silently ignored.
// Every failure throws config::error naming the file and the dotted key ("tenant[0].channel[1].key").

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "yorisoi/config/config.hpp"

namespace yorisoi::config::detail {

class toml_reader {
 public:
  // `table` and `file` must outlive the reader. `path` is the table's own dotted key ("" at the root).
  toml_reader(const toml::table& table, std::string path, const std::string& file);

  [[nodiscard]] std::string key_path(std::string_view key) const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[noreturn]] void fail(std::string_view key, std::string what) const;

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] std::optional<std::string> string(std::string_view key);
  // Present and non-empty, or an error.
  [[nodiscard]] std::string required_string(std::string_view key);
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  [[nodiscard]] std::optional<bool> boolean(std::string_view key);
  // An array whose every element is a non-empty string (element errors name "key[i]").
  [[nodiscard]] std::optional<std::vector<std::string>> strings(std::string_view key);
  // A sub-table, or nullptr when absent.
  [[nodiscard]] const toml::table* table(std::string_view key);
  // An array of tables ([[key]] or [{...}, {...}]); empty when absent.
  [[nodiscard]] std::vector<const toml::table*> tables(std::string_view key);
  // Any node, for values accepted in more than one type; nullptr when absent.
  [[nodiscard]] const toml::node* node(std::string_view key);

  // Rejects any key of the table not in `known`, before anything is read, so that a misspelt key is
  // reported as such rather than as the "missing" key it was meant to be.
  void only(std::initializer_list<std::string_view> known) const;
  // Throws on the first key that was never read (the safety net behind only()).
  void finish() const;

 private:
  const toml::node* lookup(std::string_view key);

  const toml::table& table_;
  std::string path_;
  const std::string& file_;
  std::set<std::string, std::less<>> seen_;
};

// "a string", "an integer", … for error messages.
[[nodiscard]] std::string_view describe_type(const toml::node& node);

}  // namespace yorisoi::config::detail
