#include "config/node.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "diag/codes.h"

namespace eurus::config {
namespace {

/// One YAML text parsed as `file.yaml`, with where its spans start and end as line:col.
struct NodeTest : ::testing::Test {
  SourceMap sources;
  Diagnostics diags;
  FileId file = kNoFile;

  Node Parse(const std::string& text) {
    file = sources.Add("file.yaml", text);
    return ParseYaml(sources, file, diags);
  }
  /// "2:5-2:9": where `s` starts and ends (1-based line and byte column).
  std::string At(Span s) const {
    LineCol b = sources.Locate(s.file, s.begin), e = sources.Locate(s.file, s.end);
    return std::to_string(b.line) + ":" + std::to_string(b.column) + "-" + std::to_string(e.line) +
           ":" + std::to_string(e.column);
  }
  /// The source text a span covers.
  std::string Text(Span s) const { return sources.text(s.file).substr(s.begin, s.end - s.begin); }
};

// Given a mapping, we should keep its keys in file order with the spans of keys and values.
TEST_F(NodeTest, MappingKeepsOrderAndSpans) {
  Node n = Parse("org: acme\nregion: eu-west-1\nmanagement_account: \"111\"\n");
  EXPECT_TRUE(diags.items().empty());
  ASSERT_TRUE(n.is_map());
  ASSERT_EQ(n.entries.size(), 3u);
  EXPECT_EQ(n.entries[0].key, "org");
  EXPECT_EQ(n.entries[1].key, "region");
  EXPECT_EQ(n.entries[2].key, "management_account");
  EXPECT_EQ(At(n.entries[1].key_span), "2:1-2:7");
  EXPECT_EQ(At(n.entries[1].value.span), "2:9-2:18");
  EXPECT_EQ(n.entries[1].value.scalar, "eu-west-1");
  EXPECT_EQ(n.entries[1].value.span.file, file);
}

// Given a quoted scalar, we should mark it quoted and let its span cover both quotes.
TEST_F(NodeTest, QuotedScalarSpanCoversTheQuotes) {
  Node n = Parse("a: \"8080\"\nb: 8080\nc: 'it''s'\n");
  const Node* a = n.Find("a");
  const Node* b = n.Find("b");
  const Node* c = n.Find("c");
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(a->quoted);
  EXPECT_EQ(a->scalar, "8080");
  EXPECT_EQ(Text(a->span), "\"8080\"");
  EXPECT_FALSE(b->quoted);
  EXPECT_EQ(Text(b->span), "8080");
  EXPECT_EQ(c->scalar, "it's");
  EXPECT_EQ(Text(c->span), "'it''s'");
}

// Given a plain scalar followed by a comment, we should end its span before the comment.
TEST_F(NodeTest, PlainScalarSpanStopsAtItsText) {
  Node n = Parse("cidr: 10.1.0.0/16   # the VPC\n");
  EXPECT_EQ(Text(n.Find("cidr")->span), "10.1.0.0/16");
}

// Given nested collections, we should locate a value deep inside a flow mapping.
TEST_F(NodeTest, NestedFlowMappingSpans) {
  Node n = Parse("realms:\n  prod: { common_account: \"333\" }\n");
  const Node* realms = n.Find("realms");
  ASSERT_TRUE(realms && realms->is_map());
  const Node* prod = realms->Find("prod");
  ASSERT_TRUE(prod && prod->is_map());
  EXPECT_EQ(At(realms->entries[0].key_span), "2:3-2:7");
  EXPECT_EQ(At(prod->entries[0].key_span), "2:11-2:25");
  EXPECT_EQ(At(prod->Find("common_account")->span), "2:27-2:32");
}

// Given a sequence, we should keep its items in order, each with its own span.
TEST_F(NodeTest, SequenceItems) {
  Node n = Parse("azs: [eu-west-1a, eu-west-1b]\nlist:\n  - one\n  - two\n");
  const Node* azs = n.Find("azs");
  ASSERT_TRUE(azs && azs->is_sequence());
  ASSERT_EQ(azs->items.size(), 2u);
  EXPECT_EQ(azs->items[1].scalar, "eu-west-1b");
  EXPECT_EQ(At(azs->items[1].span), "1:19-1:29");
  const Node* list = n.Find("list");
  ASSERT_TRUE(list && list->is_sequence());
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(At(list->items[0].span), "3:5-3:8");
  EXPECT_EQ(list->items[1].scalar, "two");
}

// Given an empty value, we should read null after its key; an explicit `~` should be null
// covering its character. (Where an empty value's span ends is not pinned here: yaml-cpp
// marks it at the next token, so today it covers the rest of that token's line.)
TEST_F(NodeTest, EmptyAndExplicitNull) {
  Node n = Parse("domain:\ntags: ~\n");
  const Node* domain = n.Find("domain");
  const Node* tags = n.Find("tags");
  ASSERT_TRUE(domain && tags);
  EXPECT_TRUE(domain->is_null());
  EXPECT_GE(domain->span.begin, n.entries[0].key_span.end);
  EXPECT_TRUE(tags->is_null());
  EXPECT_EQ(Text(tags->span), "~");
}

// Given an empty file, we should read a null document spanning nothing, without an error.
TEST_F(NodeTest, EmptyFileIsNull) {
  Node n = Parse("");
  EXPECT_TRUE(n.is_null());
  EXPECT_EQ(n.span, (Span{file, 0, 0}));
  EXPECT_TRUE(diags.items().empty());
}

// Given a block scalar, we should keep its text and point at its indicator.
TEST_F(NodeTest, BlockScalar) {
  Node n = Parse("script: |\n  echo hi\n");
  const Node* s = n.Find("script");
  ASSERT_TRUE(s && s->is_scalar());
  EXPECT_EQ(s->scalar, "echo hi\n");
  EXPECT_EQ(Text(s->span), "|");
}

// Given Find, we should return the entry's value or nullptr for an absent key.
TEST_F(NodeTest, FindByKey) {
  Node n = Parse("a: 1\nb: 2\n");
  ASSERT_NE(n.Find("b"), nullptr);
  EXPECT_EQ(n.Find("b")->scalar, "2");
  EXPECT_EQ(n.Find("c"), nullptr);
  EXPECT_EQ(n.Find("a")->Find("x"), nullptr);
}

// Given each kind of value, Describe should name it the way "found ..." messages read.
TEST_F(NodeTest, Describe) {
  Node n = Parse("m: { a: 1 }\nl: [1]\nq: \"x\"\np: 8080\nz:\n");
  EXPECT_EQ(n.Find("m")->Describe(), "a mapping");
  EXPECT_EQ(n.Find("l")->Describe(), "a list");
  EXPECT_EQ(n.Find("q")->Describe(), "a quoted string");
  EXPECT_EQ(n.Find("p")->Describe(), "\"8080\"");
  EXPECT_EQ(n.Find("z")->Describe(), "nothing (null)");
}

// Given a key written twice, we should report E0003 at the second with the first as a
// secondary label, and keep the first value.
TEST_F(NodeTest, DuplicateKey) {
  Node n = Parse("org: acme\nregion: eu-west-1\norg: other\n");
  ASSERT_EQ(diags.items().size(), 1u);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.code, codes::kDuplicateKey);
  EXPECT_EQ(d.message, "duplicate key `org`");
  ASSERT_EQ(d.labels.size(), 2u);
  EXPECT_EQ(At(d.labels[0].span), "3:1-3:4");
  EXPECT_TRUE(d.labels[0].primary);
  EXPECT_EQ(d.labels[0].text, "defined again here");
  EXPECT_EQ(At(d.labels[1].span), "1:1-1:4");
  EXPECT_FALSE(d.labels[1].primary);
  ASSERT_EQ(n.entries.size(), 2u);
  EXPECT_EQ(n.Find("org")->scalar, "acme");
}

// Given a collection as a key, we should report E0005 and drop the entry.
TEST_F(NodeTest, CollectionKey) {
  Node n = Parse("? [a, b]\n: 1\nc: 2\n");
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, codes::kWrongType);
  EXPECT_EQ(diags.items()[0].message, "mapping keys must be plain strings");
  ASSERT_EQ(n.entries.size(), 1u);
  EXPECT_EQ(n.entries[0].key, "c");
}

// Given a tab in indentation, we should report E0002 at the tab and return null.
TEST_F(NodeTest, TabInIndentation) {
  Node n = Parse("network:\n\tcidr: 10.0.0.0/16\n");
  EXPECT_TRUE(n.is_null());
  ASSERT_EQ(diags.items().size(), 1u);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.code, codes::kYamlSyntax);
  EXPECT_EQ(d.message, "tab character in indentation");
  EXPECT_EQ(At(d.primary()), "2:1-2:2");
  EXPECT_EQ(d.help, "replace the tab with spaces");
}

// Given a quoted string left open on its line, we should point at the opening quote.
TEST_F(NodeTest, UnclosedQuote) {
  Node n = Parse("org: acme\naccount: \"1234\nregion: eu-west-1\n");
  EXPECT_TRUE(n.is_null());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].message, "quoted string is not closed on its line");
  EXPECT_EQ(At(diags.items()[0].primary()), "2:10-2:11");
  EXPECT_EQ(diags.items()[0].help, "add the closing \"");
}

// Given a quote inside a comment or inside a word, we should not take it for an open string.
TEST_F(NodeTest, QuotesInCommentsAndWordsAreFine) {
  Node n = Parse("a: it's  # don't\nb: x\n");
  EXPECT_TRUE(diags.items().empty());
  EXPECT_EQ(n.Find("a")->scalar, "it's");
}

// Given an unclosed flow sequence, we should point at the bracket that was left open.
TEST_F(NodeTest, UnclosedBracket) {
  Node n = Parse("azs: [eu-west-1a, eu-west-1b\nregion: eu-west-1\n");
  EXPECT_TRUE(n.is_null());
  ASSERT_EQ(diags.items().size(), 1u);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.code, codes::kYamlSyntax);
  EXPECT_EQ(d.message, "YAML syntax error: this [ is never closed");
  EXPECT_EQ(At(d.primary()), "1:6-1:7");
  EXPECT_EQ(d.help, "add the closing ]");
}

// Given two documents in one file, we should report E0002 at the separator.
TEST_F(NodeTest, TwoDocuments) {
  Node n = Parse("a: 1\n---\nb: 2\n");
  EXPECT_TRUE(n.is_null());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].message, "more than one YAML document in one file");
  EXPECT_EQ(At(diags.items()[0].primary()), "2:1-2:4");
}

// Given other invalid YAML, we should report yaml-cpp's reason, lowercased, where it is.
TEST_F(NodeTest, OtherSyntaxError) {
  Node n = Parse("a: 1\nb: @x\n");
  EXPECT_TRUE(n.is_null());
  ASSERT_EQ(diags.items().size(), 1u);
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.code, codes::kYamlSyntax);
  EXPECT_EQ(d.message.rfind("YAML syntax error: ", 0), 0u) << d.message;
  EXPECT_TRUE(std::islower(static_cast<unsigned char>(d.message[19]))) << d.message;
  EXPECT_EQ(sources.Locate(file, d.primary().begin).line, 2u);
}

// ---- DeepMerge --------------------------------------------------------------------------------

/// Base and override parsed from two files, as a tenant and its override are.
struct MergeTest : NodeTest {
  FileId over_file = kNoFile;
  Node base, over;
  void Load(const std::string& base_text, const std::string& over_text) {
    base = Parse(base_text);
    over_file = sources.Add("over.yaml", over_text);
    over = ParseYaml(sources, over_file, diags);
    ASSERT_TRUE(diags.items().empty());
  }
};

// Given nested maps, we should merge key by key: the override's values win and keep its
// spans, untouched keys keep the base's, and new keys come after the base's.
TEST_F(MergeTest, MapsMergeRecursively) {
  Load("apps:\n  web:\n    cpu: 256\n    memory: 512\n  worker:\n    cpu: 256\n",
       "apps:\n  web:\n    memory: 1024\n    spot: true\n");
  Node m = DeepMerge(base, over);
  const Node* web = m.Find("apps")->Find("web");
  ASSERT_TRUE(web);
  ASSERT_EQ(web->entries.size(), 3u);
  EXPECT_EQ(web->entries[0].key, "cpu");
  EXPECT_EQ(web->entries[1].key, "memory");
  EXPECT_EQ(web->entries[2].key, "spot");
  EXPECT_EQ(web->Find("cpu")->span.file, file);
  EXPECT_EQ(web->Find("memory")->scalar, "1024");
  EXPECT_EQ(web->Find("memory")->span.file, over_file);
  EXPECT_EQ(At(web->Find("memory")->span), "3:13-3:17");
  EXPECT_EQ(web->entries[2].key_span.file, over_file);
  EXPECT_EQ(m.Find("apps")->Find("worker")->Find("cpu")->scalar, "256");
  // The base is left as it was.
  EXPECT_EQ(base.Find("apps")->Find("web")->Find("memory")->scalar, "512");
}

// Given a list in both, we should take the override's list whole, not append to it.
TEST_F(MergeTest, ListsAreReplaced) {
  Load("uses: [orders, cache]\n", "uses: [uploads]\n");
  Node m = DeepMerge(base, over);
  ASSERT_EQ(m.Find("uses")->items.size(), 1u);
  EXPECT_EQ(m.Find("uses")->items[0].scalar, "uploads");
}

// Given a scalar over a mapping (or a mapping over a scalar), the override should win.
TEST_F(MergeTest, DifferentKindsReplace) {
  Load("replicas: { min: 1, max: 2 }\nport: 80\n", "replicas: 3\nport: { x: 1 }\n");
  Node m = DeepMerge(base, over);
  EXPECT_TRUE(m.Find("replicas")->is_scalar());
  EXPECT_EQ(m.Find("replicas")->scalar, "3");
  EXPECT_TRUE(m.Find("port")->is_map());
}

// Given a null override, we should replace the value with null (the key was written empty).
TEST_F(MergeTest, NullOverrideReplaces) {
  Load("command: [a]\n", "command:\n");
  Node m = DeepMerge(base, over);
  EXPECT_TRUE(m.Find("command")->is_null());
}

}  // namespace
}  // namespace eurus::config
