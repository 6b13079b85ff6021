#include "diag/render.h"

#include <gtest/gtest.h>

#include "diag/codes.h"

namespace eurus {
namespace {

struct RenderTest : ::testing::Test {
  SourceMap sources;
  FileId file = sources.Add("tenants/shop.yaml", "apps:\n  web:\n    cpu: 256\n    memory: 4096\n");
  Diagnostic Sample() {
    // "memory: 4096" -> the value starts at line 4, column 13.
    uint32_t at = sources.Offset(file, 4, 13);
    return Error(codes::kFargateSize, "Fargate cannot run cpu 256 with memory 4096")
        .Label({file, at, at + 4}, "not a valid memory size for this cpu")
        .Help("with cpu 256, memory must be 512, 1024 or 2048 (MiB)");
  }
};

// Given a labelled error, we should render the source line with carets under the span.
TEST_F(RenderTest, RichShowsSourceLineAndCaret) {
  EXPECT_EQ(Render(Sample(), sources, DiagFormat::kRich),
            "error[E0304]: Fargate cannot run cpu 256 with memory 4096\n"
            " --> tenants/shop.yaml:4:13\n"
            "  |\n"
            "4 |     memory: 4096\n"
            "  |             ^^^^ not a valid memory size for this cpu\n"
            "  |\n"
            "  = help: with cpu 256, memory must be 512, 1024 or 2048 (MiB)\n");
}

// Given the same error, the short form should be one line with file:line:col first.
TEST_F(RenderTest, ShortIsOneLine) {
  EXPECT_EQ(Render(Sample(), sources, DiagFormat::kShort),
            "tenants/shop.yaml:4:13: error[E0304]: Fargate cannot run cpu 256 with memory 4096 "
            "(help: with cpu 256, memory must be 512, 1024 or 2048 (MiB))\n");
}

// Given the same error, github annotations should carry file, line, col and escape newlines.
TEST_F(RenderTest, GithubAnnotation) {
  EXPECT_EQ(Render(Sample(), sources, DiagFormat::kGithub),
            "::error file=tenants/shop.yaml,line=4,col=13,endColumn=17,title=E0304::Fargate cannot "
            "run cpu 256 with memory 4096%0Ahelp: with cpu 256, memory must be 512, 1024 or 2048 (MiB)\n");
}

// Given the same error, json should be one object per line with the location resolved.
TEST_F(RenderTest, JsonHasLocation) {
  std::string j = Render(Sample(), sources, DiagFormat::kJson);
  EXPECT_NE(j.find("\"code\":\"E0304\""), std::string::npos);
  EXPECT_NE(j.find("\"file\":\"tenants/shop.yaml\""), std::string::npos);
  EXPECT_NE(j.find("\"line\":4"), std::string::npos);
  EXPECT_NE(j.find("\"column\":13"), std::string::npos);
  EXPECT_EQ(j.back(), '\n');
  EXPECT_EQ(j.find('\n'), j.size() - 1);
}

// Given a diagnostic with no file, the short form should name eurus instead of a location.
TEST_F(RenderTest, NoLocation) {
  EXPECT_EQ(Render(Error(codes::kIo, "no eurus.yaml in `x`"), sources, DiagFormat::kShort),
            "eurus: error[E0001]: no eurus.yaml in `x`\n");
}

// Given errors, RenderAll should close with a count and say nothing was written.
TEST_F(RenderTest, CountLine) {
  Diagnostics d;
  d.Report(Sample());
  d.Report(Sample());  // identical: kept once
  std::string out = RenderAll(d, sources, DiagFormat::kShort);
  EXPECT_NE(out.find("eurus: 1 error found; nothing was written\n"), std::string::npos);
}

// Given typos, we should suggest the closest key, and nothing for unrelated words.
TEST(ClosestMatchTest, Typos) {
  std::vector<std::string> keys = {"replicas", "memory", "image", "health_check"};
  EXPECT_EQ(ClosestMatch("replcias", keys), "replicas");
  EXPECT_EQ(ClosestMatch("memroy", keys), "memory");
  EXPECT_EQ(ClosestMatch("imag", keys), "image");
  EXPECT_EQ(ClosestMatch("healthcheck", keys), "health_check");
  EXPECT_EQ(ClosestMatch("banana", keys), "");
}

// Given an internal error, every format should call it one, and the summary count it apart.
TEST_F(RenderTest, InternalErrorIsNamedAsSuch) {
  Diagnostics diags;
  diags.Report(Bug("the synth pass", "map::at"));
  diags.Report(Sample());
  EXPECT_EQ(diags.errors(), 2u);
  EXPECT_EQ(diags.bugs(), 1u);
  const Diagnostic& bug = diags.items()[0];
  EXPECT_EQ(bug.severity, Severity::kBug);
  EXPECT_EQ(Render(bug, sources, DiagFormat::kShort).rfind(
                "eurus: internal error[E0000]: unexpected failure in the synth pass: map::at (help: this is a bug in "
                "eurus, not a mistake in the configuration; please report it with",
                0),
            0u);
  EXPECT_EQ(Render(bug, sources, DiagFormat::kRich).rfind("internal error[E0000]: unexpected failure", 0), 0u);
  EXPECT_NE(Render(bug, sources, DiagFormat::kJson).find(R"("severity":"internal error")"), std::string::npos);
  EXPECT_EQ(Render(bug, sources, DiagFormat::kGithub).rfind("::error title=E0000::", 0), 0u);
  std::string all = RenderAll(diags, sources, DiagFormat::kShort, false);
  EXPECT_NE(all.find("eurus: 1 error, 1 internal error found; nothing was written\n"), std::string::npos) << all;
}

// Given 1-based lines, Locate and Offset should be inverse.
TEST(SourceMapTest, LocateAndOffset) {
  SourceMap s;
  FileId f = s.Add("a", "ab\ncd\n\nef");
  EXPECT_EQ(s.Locate(f, 0).line, 1u);
  EXPECT_EQ(s.Locate(f, 4).line, 2u);
  EXPECT_EQ(s.Locate(f, 4).column, 2u);
  EXPECT_EQ(s.Offset(f, 4, 2), 8u);
  EXPECT_EQ(s.Line(f, 2), "cd");
  EXPECT_EQ(s.Line(f, 3), "");
}

}  // namespace
}  // namespace eurus
