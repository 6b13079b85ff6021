#include "check/policy/findings.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace eurus::check::policy {

std::string Address(const Block& b) {
  return (std::string_view(b.section) == "data" ? "data." : "") + b.type + "." + b.name;
}

void Findings::Report(const char* code, size_t u, const Block& b, const std::string& what,
                      const std::string& label, const std::string& help) {
  const PolicyUnit& unit = units_[u];
  Diagnostic d = Error(code, fmt::format("unit {}: {} {}", unit.id, Address(b), what));
  const std::string* origin = Str(b.body.is_object() ? At(b.body, "//") : nullptr);
  Locate(d, unit, {PathStep::Key(b.section), PathStep::Key(b.type), PathStep::Key(b.name)},
         origin, label, unit.main_file);
  if (!help.empty()) d.Help(help);
  Add(std::move(d));
}

void Findings::Add(Diagnostic d) {
  diags_.Report(std::move(d));
  ++count_;
}

void Findings::Absorb(Findings&& other) {
  diags_.Append(std::move(other.diags_));
  count_ += other.count_;
}

void Findings::Locate(Diagnostic& d, const PolicyUnit& unit, const JsonPath& path,
                      const std::string* origin, const std::string& label, FileId file,
                      const char* file_name) {
  bool located = false;
  if (origins_ && origin) {
    Span s = OriginSpan(*origin);
    if (s.valid()) {
      d.Label(s, label);
      located = true;
    }
  } else if (unit.sources && file != kNoFile) {
    auto r = LocateKey(unit.sources->text(file), path);
    d.Label({file, r ? r->begin : 0, r ? r->end : 0}, label);
    located = true;
  }
  if (origin && !origin->empty()) d.Note("generated from " + *origin);
  if (!located || origins_)
    d.Note(fmt::format("in {}/{} at {}", unit.id, file_name, FormatPath(path)));
}

FileId Findings::OriginFile(const std::string& file) {
  auto it = origin_files_.find(file);
  if (it != origin_files_.end()) return it->second;
  FileId found = kNoFile;
  for (FileId i = 0; origins_ && i < origins_->size(); ++i) {
    const std::string& p = origins_->path(i);
    if (p == file ||
        (p.size() > file.size() && p.compare(p.size() - file.size(), file.size(), file) == 0 &&
         p[p.size() - file.size() - 1] == '/')) {
      found = i;
      break;
    }
  }
  origin_files_[file] = found;
  return found;
}

Span Findings::OriginSpan(const std::string& origin) {
  if (!origins_ || origin.empty()) return {};
  std::string file = origin;
  uint32_t line = 0;
  if (size_t colon = origin.rfind(':'); colon != std::string::npos) {
    std::string digits = origin.substr(colon + 1);
    if (!digits.empty() && digits.size() < 9 &&
        std::all_of(digits.begin(), digits.end(), ::isdigit)) {
      file = origin.substr(0, colon);
      line = static_cast<uint32_t>(std::stoul(digits));
    }
  }
  FileId id = OriginFile(file);
  if (id == kNoFile) return {};
  if (line == 0) return {id, 0, 0};
  std::string_view text = origins_->Line(id, line);
  uint32_t begin = origins_->Offset(id, line, 1);
  size_t indent = text.find_first_not_of(' ');
  if (indent == std::string_view::npos) indent = text.size();
  return {id, begin + static_cast<uint32_t>(indent), begin + static_cast<uint32_t>(text.size())};
}

}  // namespace eurus::check::policy
