#include "config/yaml_syntax.h"

#include <gtest/gtest.h>

#include <string>

#include "config/node.h"
#include "diag/codes.h"

namespace eurus::config {
namespace {

/// One YAML text parsed as `file.yaml`; the one diagnostic it should give.
struct YamlSyntaxTest : ::testing::Test {
  SourceMap sources;
  Diagnostics diags;
  FileId file = kNoFile;

  /// Parses `text` and returns its only diagnostic (an E0002).
  Diagnostic Fail(const std::string& text) {
    file = sources.Add("file.yaml", text);
    Node n = ParseYaml(sources, file, diags);
    EXPECT_TRUE(n.is_null());
    EXPECT_EQ(diags.items().size(), 1u);
    if (diags.items().empty()) return Diagnostic{};
    EXPECT_EQ(diags.items()[0].code, codes::kYamlSyntax);
    return diags.items()[0];
  }
  /// "2:5-2:9": where `s` starts and ends (1-based line and byte column).
  std::string At(Span s) const {
    LineCol b = sources.Locate(s.file, s.begin), e = sources.Locate(s.file, s.end);
    return std::to_string(b.line) + ":" + std::to_string(b.column) + "-" + std::to_string(e.line) + ":" +
           std::to_string(e.column);
  }
  /// The secondary label's place and text ("" when there is none).
  std::string Secondary(const Diagnostic& d) const {
    for (const auto& l : d.labels)
      if (!l.primary) return At(l.span) + " " + l.text;
    return "";
  }
};

// Given a key without its colon, we should point at that key's line (yaml-cpp stops at the
// next key's colon), keeping where the parser stopped as a secondary label.
TEST_F(YamlSyntaxTest, MissingColonIsOnItsOwnLine) {
  Diagnostic d = Fail("org: acme\nregion eu-west-1\nmanagement_account: \"1\"\n");
  EXPECT_EQ(d.message, "YAML syntax error: missing `:` after `region`");
  EXPECT_EQ(At(d.primary()), "2:1-2:17");
  EXPECT_EQ(d.labels[0].text, "this line has no `:`");
  EXPECT_EQ(Secondary(d), "3:19-3:20 the YAML parser stopped here");
  EXPECT_EQ(d.help, "write `region: <value>`, with a space after the colon");
}

// Given a missing colon followed by blank and comment lines, and one inside a nested
// mapping and a list item, we should still name the line without the colon.
TEST_F(YamlSyntaxTest, MissingColonSkipsBlankLinesAndNests) {
  EXPECT_EQ(At(Fail("org: acme\n\n# c\nregion eu-west-1   # x\n\nmanagement_account: \"1\"\n").primary()),
            "4:1-4:17");
  diags = Diagnostics();
  Diagnostic d = Fail("network:\n  cidr: 10.0.0.0/16\n  availability_zones\n  nat_gateways: single\n");
  EXPECT_EQ(d.message, "YAML syntax error: missing `:` after `availability_zones`");
  EXPECT_EQ(At(d.primary()), "3:3-3:21");
  diags = Diagnostics();
  d = Fail("apps:\n  - name: web\n    port 8080\n    image: x\n");
  EXPECT_EQ(d.message, "YAML syntax error: missing `:` after `port`");
  EXPECT_EQ(At(d.primary()), "3:5-3:14");
}

// Given `key:value` (no space after the colon), we should point at that colon.
TEST_F(YamlSyntaxTest, ColonWithoutSpace) {
  Diagnostic d = Fail("org: acme\nregion:eu-west-1\nx: 1\n");
  EXPECT_EQ(d.message, "YAML syntax error: `:` after key `region` needs a space");
  EXPECT_EQ(At(d.primary()), "2:7-2:8");
  EXPECT_EQ(d.help, "write `region: eu-west-1`");
}

// Given a line indented deeper than a `key: value` above it, we should say so at that line.
TEST_F(YamlSyntaxTest, DeeperThanAValue) {
  Diagnostic d = Fail("network:\n  cidr: 10.0.0.0/16\n   nat_gateways: single\nx: 1\n");
  EXPECT_EQ(d.message, "YAML syntax error: this line is indented deeper than `cidr` above it");
  EXPECT_EQ(At(d.primary()), "3:4-3:24");
  EXPECT_EQ(d.labels[0].text, "indented 3 spaces; `cidr` 2 spaces");
  EXPECT_EQ(d.help, "indent it 2 spaces like `cidr`");
  diags = Diagnostics();
  d = Fail("apps:\n  - name: web\n     port: 8080\n    image: x\n");
  EXPECT_EQ(d.message, "YAML syntax error: this line is indented deeper than `name` above it");
  EXPECT_EQ(At(d.primary()), "3:6-3:16");
}

// Given a line indented between two levels, we should point at it and list the levels.
TEST_F(YamlSyntaxTest, IndentationMatchesNothing) {
  Diagnostic d = Fail("network:\n  cidr: 10.0.0.0/16\n nat_gateways: single\n");
  EXPECT_EQ(d.message, "YAML syntax error: this line's indentation matches no line above it");
  EXPECT_EQ(At(d.primary()), "3:2-3:22");
  EXPECT_EQ(d.labels[0].text, "indented 1 space");
  EXPECT_EQ(d.help, "indent it like the line it belongs with: 2 (`cidr`) or 0 (`network`)");
  diags = Diagnostics();
  d = Fail("apps:\n  - name: web\n    port: 8080\n   image: x\n");
  EXPECT_EQ(At(d.primary()), "4:4-4:12");
  EXPECT_EQ(d.help, "indent it like the line it belongs with: 4 (`port`), 2 (`- name`) or 0 (`apps`)");
}

// Given a key at the indentation of list items, or a list item among keys, we should say which.
TEST_F(YamlSyntaxTest, KeysAndItemsMixed) {
  Diagnostic d = Fail("a:\n  - 1\n  b: 2\n");
  EXPECT_EQ(d.message, "YAML syntax error: a key where the list expects an item");
  EXPECT_EQ(At(d.primary()), "3:3-3:7");
  diags = Diagnostics();
  d = Fail("a: 1\n- b\n");
  EXPECT_EQ(d.message, "YAML syntax error: a list item where the mapping expects a key");
  EXPECT_EQ(At(d.primary()), "2:1-2:4");
}

// Given a second `: ` on one line, we should point at it and suggest quoting.
TEST_F(YamlSyntaxTest, SecondColonOnALine) {
  Diagnostic d = Fail("a: x: y\n");
  EXPECT_EQ(d.message, "YAML syntax error: a second `: ` on one line");
  EXPECT_EQ(At(d.primary()), "1:5-1:6");
  EXPECT_EQ(d.help, "quote the value: `a: \"x: y\"`");
}

// Given an unclosed flow mapping, we should point at its brace, not at the next key.
TEST_F(YamlSyntaxTest, UnclosedBrace) {
  Diagnostic d = Fail("a: {b: 1\nc: 2\n");
  EXPECT_EQ(d.message, "YAML syntax error: this { is never closed");
  EXPECT_EQ(At(d.primary()), "1:4-1:5");
  EXPECT_EQ(d.help, "add the closing }");
}

// Given a mistake the text does not explain, we should keep yaml-cpp's reason and place.
TEST_F(YamlSyntaxTest, OtherReasonsStayWhereTheParserStopped) {
  Diagnostic d = Fail("a: @x\n");
  EXPECT_EQ(d.message, "YAML syntax error: unknown token");
  EXPECT_EQ(At(d.primary()), "1:4-1:5");
}

}  // namespace
}  // namespace eurus::config
