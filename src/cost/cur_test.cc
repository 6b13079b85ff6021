#include "cost/cur.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "synth/billing.h"

namespace eurus::cost {
namespace {

const char kHeader[] =
    "identity_line_item_id,line_item_usage_account_id,line_item_line_item_type,line_item_product_code,"
    "line_item_unblended_cost,line_item_currency_code,bill_billing_period_start_date,resource_tags,extra_column\n";

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("eurus_cur_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string WritePlain(const std::string& name, const std::string& text) {
  std::string p = TempPath(name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string WriteGzip(const std::string& name, const std::string& text) {
  std::string p = TempPath(name);
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  return p;
}


struct Row {
  std::string account, type, service, month, tenant, environment;
  Amount cost;
};

std::vector<Row> Read(const std::string& path, std::vector<CurError>& errors) {
  std::vector<Row> rows;
  ReadCurFile(path, [&](const CurRow& r) {
    rows.push_back({std::string(r.account), std::string(r.line_type), std::string(r.service), std::string(r.month),
                    std::string(r.tenant), std::string(r.environment), r.cost});
  }, errors);
  return rows;
}

// Given a file with exactly the columns the billing unit's export writes (synth/billing.cc,
// ExportColumns), we should read it: the export eurus creates is one `eurus cost report` reads.
TEST(Cur, ReadsTheExportTheBillingUnitCreates) {
  const auto& cols = synth::billing::ExportColumns();
  std::vector<std::string> row;
  for (const auto& c : cols) {
    if (c == "line_item_unblended_cost") row.push_back("1.5");
    else if (c == "line_item_usage_account_id") row.push_back("111111111111");
    else if (c == "line_item_line_item_type") row.push_back("Usage");
    else if (c == "line_item_currency_code") row.push_back("USD");
    else if (c == "bill_billing_period_start_date") row.push_back("2026-11-01T00:00:00Z");
    else if (c == "line_item_product_code") row.push_back("AmazonEC2");
    else if (c == "resource_tags") row.push_back("\"{\"\"user_eurus:tenant\"\":\"\"shop\"\"}\"");
    else row.push_back("");
  }
  std::string path = WritePlain("export.csv", fmt::format("{}\n{}\n", fmt::join(cols, ","), fmt::join(row, ",")));
  std::vector<CurError> errors;
  auto rows = Read(path, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].message;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tenant, "shop");
  EXPECT_EQ(rows[0].cost, 15000000000);
}

TEST(Cur, ParseAmountIsExactToTenDecimals) {
  Amount n;
  ASSERT_TRUE(ParseAmount("12.5", &n));
  EXPECT_EQ(n, 125000000000);
  ASSERT_TRUE(ParseAmount("-0.0000000001", &n));
  EXPECT_EQ(n, -1);
  ASSERT_TRUE(ParseAmount("1E-7", &n));
  EXPECT_EQ(n, 1000);
  ASSERT_TRUE(ParseAmount("0.00000000015", &n));  // the eleventh decimal rounds half away from zero
  EXPECT_EQ(n, 2);
  ASSERT_TRUE(ParseAmount("-0.00000000015", &n));
  EXPECT_EQ(n, -2);
  EXPECT_FALSE(ParseAmount("99999999999", &n));  // beyond ±922 million
  ASSERT_TRUE(ParseAmount("", &n));
  EXPECT_EQ(n, 0);
  EXPECT_FALSE(ParseAmount("abc", &n));
  EXPECT_FALSE(ParseAmount("1.2.3", &n));
  EXPECT_FALSE(ParseAmount("-", &n));
}

TEST(Cur, TagValueNormalisesTheKey) {
  EXPECT_EQ(TagValue(R"({"user_eurus:tenant":"shop","user_eurus:environment":"dev"})", "eurus:tenant"), "shop");
  EXPECT_EQ(TagValue(R"({"user_eurus_environment": "dev"})", "eurus:environment"), "dev");
  EXPECT_EQ(TagValue(R"({"user_owner":"x"})", "eurus:tenant"), "");
  EXPECT_EQ(TagValue("", "eurus:tenant"), "");
  EXPECT_EQ(TagValue("{}", "eurus:tenant"), "");
}

TEST(Cur, ReadsGzipWithQuotingAndIgnoresExtraColumns) {
  std::string text = std::string(kHeader) +
                     "a,111111111111,Usage,AmazonEC2,1.25,USD,2026-11-01T00:00:00.000Z,"
                     "\"{\"\"user_eurus:tenant\"\":\"\"shop\"\",\"\"user_eurus:environment\"\":\"\"dev\"\"}\",\"x,\ny\"\r\n"
                     "b,222222222222,Credit,AmazonEC2,-0.5,USD,2026-11-01,{},\n";
  std::vector<CurError> errors;
  auto rows = Read(WriteGzip("ok.csv.gz", text), errors);
  ASSERT_TRUE(errors.empty()) << errors[0].Text();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tenant, "shop");
  EXPECT_EQ(rows[0].environment, "dev");
  EXPECT_EQ(rows[0].cost, 12500000000);
  EXPECT_EQ(rows[0].month, "2026-11");
  EXPECT_EQ(rows[1].type, "Credit");
  EXPECT_EQ(rows[1].cost, -5000000000);
  EXPECT_EQ(rows[1].tenant, "");
}

TEST(Cur, QuotedNewlinesAndQuotesAtEveryOffsetKeepRecordsApart) {
  // Quotes straddle the 8-byte words the record scanner counts in.
  std::string text = kHeader;
  for (int pad = 0; pad < 9; ++pad)
    text += std::string("a") + std::string(static_cast<size_t>(pad), 'x') +
            ",1,Usage,S,1,USD,2026-11-01,\"{\"\"k\"\":\"\"v,\nw\"\"}\",\"\"\"\"\n";
  std::vector<CurError> errors;
  auto rows = Read(WritePlain("offsets.csv", text), errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].Text());
  EXPECT_EQ(rows.size(), 9u);
}

TEST(Cur, MissingColumnIsOneErrorNamingThem) {
  std::vector<CurError> errors;
  Read(WritePlain("missing.csv", "line_item_usage_account_id,line_item_unblended_cost\n1,2\n"), errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].Text().find("missing.csv:1: missing required columns"), std::string::npos) << errors[0].Text();
  EXPECT_NE(errors[0].message.find("resource_tags"), std::string::npos);
}

TEST(Cur, BadNumbersAndMalformedRowsAreAllReportedWithTheirLine) {
  std::string text = std::string(kHeader) + "a,1,Usage,S,abc,USD,2026-11-01,{},\n" + "a,1,Usage,S,1,USD,2026-11-01,{}\n" +
                     "a,1,Usage,S,2,USD,2026-11-01,{},\n" + "a,1,Usage,S,1x,USD,2026-11-01,{},\n";
  std::vector<CurError> errors;
  auto rows = Read(WritePlain("bad.csv", text), errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_NE(errors[0].message.find("`abc` is not a number"), std::string::npos);
  EXPECT_EQ(errors[1].line, 3);
  EXPECT_NE(errors[1].message.find("8 fields, the header has 9"), std::string::npos) << errors[1].message;
  EXPECT_EQ(errors[2].line, 5);
  EXPECT_EQ(rows.size(), 1u);
}

TEST(Cur, ErrorsBeyondTheLimitAreCounted) {
  std::string text = kHeader;
  for (int i = 0; i < 30; ++i) text += "a,1,Usage,S,x,USD,2026-11-01,{},\n";
  std::vector<CurError> errors;
  Read(WritePlain("many.csv", text), errors);
  ASSERT_EQ(errors.size(), 21u);
  EXPECT_EQ(errors.back().message, "10 more errors not shown");
}

TEST(Cur, TruncatedGzipIsAnError) {
  std::string text = kHeader;
  for (int i = 0; i < 2000; ++i) text += "a,1,Usage,S,1,USD,2026-11-01,{},\n";
  std::string full = WriteGzip("full.csv.gz", text);
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string cut = WritePlain("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  std::vector<CurError> errors;
  Read(cut, errors);
  ASSERT_FALSE(errors.empty());
  bool truncated = false;
  for (const auto& e : errors) truncated |= e.message.find("truncated") != std::string::npos;
  EXPECT_TRUE(truncated) << errors[0].Text();
}

TEST(Cur, FindsDataFilesInTheExportLayout) {
  std::string root = TempPath("export");
  std::filesystem::create_directories(root + "/data/BILLING_PERIOD=2026-10");
  std::filesystem::create_directories(root + "/data/BILLING_PERIOD=2026-11");
  std::filesystem::create_directories(root + "/metadata/BILLING_PERIOD=2026-11");
  std::ofstream(root + "/data/BILLING_PERIOD=2026-10/x-00001.csv.gz") << "";
  std::ofstream(root + "/data/BILLING_PERIOD=2026-11/x-00001.csv.gz") << "";
  std::ofstream(root + "/metadata/BILLING_PERIOD=2026-11/x-Manifest.json") << "{}";
  std::vector<CurError> errors;
  EXPECT_EQ(FindCurFiles({root}, "", errors).size(), 2u);
  auto one = FindCurFiles({root}, "2026-11", errors);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NE(one[0].find("2026-11"), std::string::npos);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(FindCurFiles({root, root + "/data/BILLING_PERIOD=2026-10/x-00001.csv.gz"}, "", errors).size(), 2u);
  FindCurFiles({root + "/nope"}, "", errors);
  EXPECT_EQ(errors.size(), 1u);
}

}  // namespace
}  // namespace eurus::cost
