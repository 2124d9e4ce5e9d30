#include "toml_reader.hpp"

#include <algorithm>

namespace yorisoi::config::detail {

std::string_view describe_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

toml_reader::toml_reader(const toml::table& table, std::string path, const std::string& file)
    : table_(table), path_(std::move(path)), file_(file) {}

std::string toml_reader::key_path(std::string_view key) const {
  if (path_.empty()) {
    return std::string(key);
  }
  return path_ + "." + std::string(key);
}

void toml_reader::fail(std::string_view key, std::string what) const {
  throw error(file_, key.empty() ? path_ : key_path(key), std::move(what));
}

bool toml_reader::has(std::string_view key) const { return table_.get(key) != nullptr; }

const toml::node* toml_reader::lookup(std::string_view key) {
  seen_.emplace(key);
  return table_.get(key);
}

const toml::node* toml_reader::node(std::string_view key) { return lookup(key); }

std::optional<std::string> toml_reader::string(std::string_view key) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return std::nullopt;
  }
  const auto* text = found->as_string();
  if (text == nullptr) {
    fail(key, "must be a string, not " + std::string(describe_type(*found)));
  }
  return text->get();
}

std::string toml_reader::required_string(std::string_view key) {
  auto text = string(key);
  if (!text) {
    fail(key, "is required");
  }
  if (text->empty()) {
    fail(key, "must not be empty");
  }
  return std::move(*text);
}

std::optional<std::int64_t> toml_reader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return std::nullopt;
  }
  const auto* number = found->as_integer();
  if (number == nullptr) {
    fail(key, "must be an integer, not " + std::string(describe_type(*found)));
  }
  const std::int64_t value = number->get();
  if (value < min || value > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                  std::to_string(value));
  }
  return value;
}

std::optional<bool> toml_reader::boolean(std::string_view key) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return std::nullopt;
  }
  const auto* flag = found->as_boolean();
  if (flag == nullptr) {
    fail(key, "must be true or false, not " + std::string(describe_type(*found)));
  }
  return flag->get();
}

std::optional<std::vector<std::string>> toml_reader::strings(std::string_view key) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return std::nullopt;
  }
  const auto* array = found->as_array();
  if (array == nullptr) {
    fail(key, "must be an array of strings, not " + std::string(describe_type(*found)));
  }
  std::vector<std::string> out;
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string element_key = std::string(key) + "[" + std::to_string(i) + "]";
    const auto* text = (*array)[i].as_string();
    if (text == nullptr) {
      fail(element_key, "must be a string, not " + std::string(describe_type((*array)[i])));
    }
    if (text->get().empty()) {
      fail(element_key, "must not be empty");
    }
    out.push_back(text->get());
  }
  return out;
}

const toml::table* toml_reader::table(std::string_view key) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return nullptr;
  }
  const auto* sub = found->as_table();
  if (sub == nullptr) {
    fail(key, "must be a table, not " + std::string(describe_type(*found)));
  }
  return sub;
}

std::vector<const toml::table*> toml_reader::tables(std::string_view key) {
  const toml::node* found = lookup(key);
  if (found == nullptr) {
    return {};
  }
  const auto* array = found->as_array();
  if (array == nullptr) {
    fail(key, "must be an array of tables ([[" + key_path(key) + "]]), not " + std::string(describe_type(*found)));
  }
  std::vector<const toml::table*> out;
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* sub = (*array)[i].as_table();
    if (sub == nullptr) {
      fail(std::string(key) + "[" + std::to_string(i) + "]",
           "must be a table, not " + std::string(describe_type((*array)[i])));
    }
    out.push_back(sub);
  }
  return out;
}

void toml_reader::only(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : table_) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      std::string names;
      for (const auto name : known) {
        names += (names.empty() ? "" : ", ") + std::string(name);
      }
      fail(key.str(), "unknown key (expected one of: " + names + ")");
    }
  }
}

void toml_reader::finish() const {
  for (const auto& [key, value] : table_) {
    if (!seen_.contains(key.str())) {
      std::string known;
      for (const auto& name : seen_) {
        known += (known.empty() ? "" : ", ") + name;
      }
      fail(key.str(), "unknown key (expected one of: " + known + ")");
    }
  }
}

}  // namespace yorisoi::config::detail
