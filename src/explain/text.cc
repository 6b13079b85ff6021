#include "explain/text.h"

namespace eurus::explain {

std::string Wrap(const std::string& head, const std::vector<std::string>& items, size_t indent,
                 const std::string& sep) {
  std::string out = head;
  size_t column = head.size();
  std::string trail = sep.substr(0, sep.find(' '));  // "," or ""
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? trail : "");
    if (column + 1 + item.size() > kWidth && column > indent) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > 0 && out.back() != ' ') {
      out += " ";
      ++column;
    }
    out += item;
    column += item.size();
  }
  return out + "\n";
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace eurus::explain
