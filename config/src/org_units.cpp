// [[tenant.org_unit]]: the hub that receives consented referrals, the city departments it consults,
// and the platform groups of outside organisations.

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

std::optional<org_unit_kind> parse_kind(std::string_view text) {
  if (text == "hub") {
    return org_unit_kind::hub;
  }
  if (text == "department") {
    return org_unit_kind::department;
  }
  if (text == "platform_group") {
    return org_unit_kind::platform_group;
  }
  return std::nullopt;
}

org_unit read_unit(toml_reader& reader) {
  reader.only({"id", "name", "kind", "members"});
  org_unit out;
  out.id = reader.required_string("id");
  if (!is_identifier(out.id)) {
    reader.fail("id", "\"" + out.id + "\" is not a valid identifier (lower-case letters, digits, '-' and '_')");
  }
  out.name = reader.required_string("name");
  const auto kind_text = reader.required_string("kind");
  const auto kind = parse_kind(kind_text);
  if (!kind) {
    reader.fail("kind", "\"" + kind_text + "\" is not one of hub, department, platform_group");
  }
  out.kind = *kind;
  out.members = reader.strings("members").value_or(std::vector<std::string>{});
  if (out.kind == org_unit_kind::platform_group && out.members.empty()) {
    reader.fail("members", "a platform_group lists its member organisations");
  }
  if (out.kind != org_unit_kind::platform_group && !out.members.empty()) {
    reader.fail("members", "only a platform_group has members");
  }
  reader.finish();
  return out;
}

}  // namespace

void read_org_units(toml_reader& reader, std::vector<org_unit>& out) {
  const auto tables = reader.tables("org_unit");
  std::optional<std::size_t> hub;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const std::string key = "org_unit[" + std::to_string(i) + "]";
    toml_reader unit_reader(*tables[i], reader.key_path(key), reader.file());
    out.push_back(read_unit(unit_reader));
    for (std::size_t j = 0; j < i; ++j) {
      if (out[j].id == out[i].id) {
        reader.fail(key + ".id", "\"" + out[i].id + "\" is already used by org_unit[" + std::to_string(j) + "]");
      }
    }
    if (out[i].kind == org_unit_kind::hub) {
      if (hub) {
        reader.fail(key + ".kind", "a second hub; each tenant has exactly one (org_unit[" + std::to_string(*hub) +
                                       "] is the hub)");
      }
      hub = i;
    }
  }
  // Consented referrals go to the hub first: without one they would have nowhere to go.
  if (!hub) {
    reader.fail("org_unit", "each tenant needs exactly one org_unit with kind = \"hub\"");
  }
}

}  // namespace yorisoi::config::detail
