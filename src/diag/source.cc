#include "diag/source.h"

#include <algorithm>

namespace eurus {

FileId SourceMap::Add(std::string path, std::string text) {
  File f{std::move(path), std::move(text), {0}};
  for (uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size() - 1);
}

LineCol SourceMap::Locate(FileId id, uint32_t offset) const {
  const File& f = files_[id];
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(f.text.size()));
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.line_starts.begin());
  return {line, offset - f.line_starts[line - 1] + 1};
}

std::string_view SourceMap::Line(FileId id, uint32_t line) const {
  const File& f = files_[id];
  if (line == 0 || line > f.line_starts.size()) return {};
  uint32_t b = f.line_starts[line - 1];
  uint32_t e = line < f.line_starts.size() ? f.line_starts[line] : f.text.size();
  std::string_view v(f.text.data() + b, e - b);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

uint32_t SourceMap::Offset(FileId id, uint32_t line, uint32_t column) const {
  const File& f = files_[id];
  if (line == 0) return 0;
  if (line > f.line_starts.size()) return static_cast<uint32_t>(f.text.size());
  uint32_t off = f.line_starts[line - 1] + (column ? column - 1 : 0);
  return std::min<uint32_t>(off, static_cast<uint32_t>(f.text.size()));
}

}  // namespace eurus
