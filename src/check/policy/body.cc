#include "check/policy/body.h"

#include <algorithm>

namespace eurus::check::policy {

const json& EmptyObject() {
  static const json kEmpty = json::object();
  return kEmpty;
}

bool IsTrue(const json* v) {
  if (!v) return false;
  if (v->is_boolean()) return v->get<bool>();
  return v->is_string() && v->get_ref<const std::string&>() == "true";
}

void Collect(const json& node, std::string_view path, std::vector<const json*>& out) {
  const size_t dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  auto step = [&](const json& obj) {
    if (!obj.is_object()) return;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return;
    if (dot == std::string_view::npos)
      out.push_back(&*it);
    else
      Collect(*it, path.substr(dot + 1), out);
  };
  if (node.is_array()) {
    for (const auto& e : node) step(e);
  } else {
    step(node);
  }
}

const json* At(const json& node, std::string_view path) {
  const size_t dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  auto step = [&](const json& obj) -> const json* {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return dot == std::string_view::npos ? &*it : At(*it, path.substr(dot + 1));
  };
  if (!node.is_array()) return step(node);
  for (const auto& e : node)
    if (const json* r = step(e)) return r;
  return nullptr;
}

std::optional<long> Number(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<long>();
  if (v->is_number()) return static_cast<long>(v->get<double>());
  if (const std::string* s = Str(v)) {
    if (s->empty() || s->size() > 9 || !std::all_of(s->begin(), s->end(), ::isdigit))
      return std::nullopt;
    return std::stol(*s);
  }
  return std::nullopt;
}

}  // namespace eurus::check::policy
