#include "cli/init.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "cli/ci_github.h"
#include "cli/tenant_add.h"
#include "run/changes.h"

namespace eurus::cli {

namespace {

namespace stdfs = std::filesystem;

/// Placeholder account ids: distinct, 12 digits, obviously not real (docs use the same style).
constexpr const char* kPlaceholderIds[] = {"100000000001", "100000000002", "100000000003", "100000000004",
                                           "100000000005"};

/// `text` padded to the comment column, then `# comment`.
std::string Line(const std::string& text, const std::string& comment) {
  constexpr size_t kColumn = 34;
  std::string line = text;
  line.append(line.size() < kColumn ? kColumn - line.size() : 1, ' ');
  return line + "# " + CommentSafe(comment) + "\n";
}

struct Accounts {
  std::map<std::string, std::string> id;  ///< account name → id (placeholder where not given)
  std::set<std::string> placeholder;      ///< names whose id is a placeholder
};

Accounts ResolveAccounts(const InitOptions& o, std::vector<std::string>& errors) {
  Accounts a;
  const auto& names = InitAccountNames();
  for (const auto& arg : o.accounts) {
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    if (eq == std::string::npos || std::find(names.begin(), names.end(), name) == names.end()) {
      std::string near = eq == std::string::npos ? "" : ClosestMatch(name, names);
      errors.push_back(fmt::format("--account `{}`: expected NAME=ID with NAME one of {}{}", arg,
                                   fmt::join(names, ", "),
                                   near.empty() ? "" : fmt::format(" (did you mean `{}`?)", near)));
      continue;
    }
    if (a.id.count(name) && a.id[name] != arg.substr(eq + 1))
      errors.push_back(fmt::format("--account {}: given twice, as {} and {}", name, a.id[name], arg.substr(eq + 1)));
    a.id[name] = arg.substr(eq + 1);
  }
  if (!o.management_account.empty()) {
    if (a.id.count("management") && a.id["management"] != o.management_account)
      errors.push_back(fmt::format("--management-account {} and --account management={} differ", o.management_account,
                                   a.id["management"]));
    a.id["management"] = o.management_account;
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (!a.id.count(names[i])) {
      a.id[names[i]] = kPlaceholderIds[i];
      a.placeholder.insert(names[i]);
    }
  return a;
}

std::string AccountLine(const std::string& key, const Accounts& a, const std::string& name, const std::string& what,
                        const std::string& after = "") {
  return Line(key + YamlScalar(a.id.at(name), true) + after,
              a.placeholder.count(name) ? "PLACEHOLDER: " + what + " (--account " + name + "=ID)" : what);
}

std::string OrgYaml(const InitOptions& o, const Accounts& a) {
  std::string y;
  y += fmt::format("# The platform of {}: the organisation. Written by `eurus init`; every field is described\n",
                   CommentSafe(o.org));
  y += "# in eurus's docs/Configuration.md. After a change: `eurus check`, then `eurus plan`.\n";
  y += Line("eurus: 1", "the configuration format version");
  y += Line("org: " + YamlScalar(o.org), "prefixes every AWS name: 2 to 12 of a-z and 0-9");
  y += Line("region: " + YamlScalar(o.region), "the one AWS region the platform lives in");
  if (!o.domain.empty()) {
    y += Line("domain: " + YamlScalar(o.domain), "each environment gets the public zone <env>.<domain>");
  } else {
    y += "# domain: example.com           # each environment would get the public zone <env>.<domain>, needed\n";
    y += "#                               # by CloudFront and API exposure and by short route hosts\n";
  }
  y += "# The AWS Organizations management account: state buckets, deploy roles, billing.\n";
  y += AccountLine("management_account: ", a, "management", "the management account's id");
  y += "# Each realm's common-services account: container registry, observability, backup copies.\n";
  y += "realms:\n";
  y += AccountLine("  nonprod: { common_account: ", a, "common-nonprod", "nonprod's common account", " }");
  y += AccountLine("  prod:    { common_account: ", a, "common-prod", "prod's common account", " }");
  if (o.emails.empty()) {
    y += "# alerts: { emails: [ops@example.com] }   # who receives the platform's alarms\n";
  } else {
    std::vector<std::string> q;
    for (const auto& e : o.emails) q.push_back(YamlScalar(e));
    y += Line(fmt::format("alerts: {{ emails: [{}] }}", fmt::join(q, ", ")), "who receives the platform's alarms");
  }
  y += "# CI (`eurus ci github` writes the workflows): the repository whose GitHub Actions may plan\n";
  y += "# (pull requests) and apply (the default branch; prod only from its GitHub environment `prod`).\n";
  if (o.github_repository.empty()) {
    y += "# ci: { github_repository: owner/platform, default_branch: main }\n";
  } else {
    y += "ci:\n";
    y += Line("  github_repository: " + YamlScalar(o.github_repository), "owner/name on GitHub");
    y += Line("  default_branch: main", "merges land here, and applies run from it");
    if (!o.eurus_url.empty() || !o.eurus_sha256.empty()) {
      y += Line(fmt::format("  eurus: {{ url: {}, sha256: {} }}", YamlScalar(o.eurus_url), YamlScalar(o.eurus_sha256)),
                "the release archive the workflows install");
    } else if (!o.eurus_source.empty() || !o.eurus_ref.empty()) {
      y += Line(fmt::format("  eurus: {{ source: {}, ref: {} }}", YamlScalar(o.eurus_source), YamlScalar(o.eurus_ref)),
                "the workflows build eurus from these sources");
    } else {
      y += "  # How the workflows install eurus (then run `eurus ci github`): the archive `make package`\n";
      y += "  # builds and the first word of its .sha256 file, or eurus's sources and a tag.\n";
      y += "  # eurus: { url: https://.../eurus-<version>-linux-x86_64.tar.gz, sha256: <hex> }\n";
      y += "  # eurus: { source: <git URL of eurus>, ref: <tag> }\n";
    }
  }
  y += "# Who may plan and apply from a terminal (`eurus plan`, `eurus apply`): IAM role ARNs, e.g.\n";
  y += "# your IAM Identity Center permission set's role in the management account.\n";
  if (!o.administrators.empty()) {
    y += "administrators:\n";
    for (const auto& arn : o.administrators) y += "  - " + YamlScalar(arn) + "\n";
  } else if (o.github_repository.empty()) {
    // With neither CI nor a person, nobody could deploy (E0110): a placeholder keeps check green.
    y += "administrators:\n";
    std::string partition = o.region.rfind("us-gov-", 0) == 0 ? "aws-us-gov"
                            : o.region.rfind("cn-", 0) == 0   ? "aws-cn"
                                                              : "aws";
    y += Line(fmt::format("  - arn:{}:iam::{}:role/{}-admin", partition, a.id.at("management"), o.org),
              "PLACEHOLDER: your role (--admin ARN)");
  } else {
    y += "# administrators:\n";
    y += "#   - arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<id>\n";
  }
  return y;
}

std::string Zones(const std::string& region, const std::string& letters, size_t n) {
  std::vector<std::string> z;
  for (size_t i = 0; i < n && i < letters.size(); ++i) z.push_back(YamlScalar(region + letters[i]));
  return fmt::format("[{}]", fmt::join(z, ", "));
}

std::string EnvYaml(const InitOptions& o, const Accounts& a, bool prod) {
  std::string env = prod ? "prod" : "dev", y;
  y += prod ? "# prod: the production environment. The prod realm's stricter rules apply (highly available,\n"
              "# deletion protection, at least two tasks per app): docs/Configuration.md#the-prod-realm.\n"
            : "# dev: a nonprod environment, the cheapest layout (two zones, one NAT gateway).\n";
  y += "# Every field: eurus's docs/Configuration.md (\"environments/<env>.yaml\").\n";
  y += AccountLine("account: ", a, env, "its own AWS account: the isolation boundary");
  y += Line(prod ? "realm: prod" : "realm: nonprod", "nonprod or prod");
  y += "network:\n";
  y += Line(prod ? "  cidr: 10.20.0.0/16" : "  cidr: 10.10.0.0/16", "the VPC; keep environments' ranges apart");
  y += Line("  availability_zones: " + Zones(o.region, o.zones, prod ? 3 : 2),
            "check yours: aws ec2 describe-availability-zones");
  if (prod) {
    y += Line("  internet_egress: false", "no internet route: VPC endpoints reach the AWS APIs");
    y += "  # nat_gateways: per_az is prod's default (one per zone)\n";
  } else {
    y += Line("  nat_gateways: single", "one NAT gateway for all zones: cheaper, not zone-redundant");
    y += Line("  internet_egress: true", "tasks may call the internet (packages, SaaS APIs)");
  }
  if (!o.domain.empty()) {
    y += CommentSafe("# The edges apps may `expose` through: https://<host>." + env + "." + o.domain +
                     " (docs/Ingress.md).") + "\n";
    y += "ingress:\n";
    y += Line("  cloudfront: true", "CloudFront in front of the internal load balancer");
    y += Line("  api_gateway: true", "an HTTP API at https://api." + env + "." + o.domain + "/<tenant>/");
    if (prod) y += "  # waf: true                    # AWS managed rules on CloudFront (about $8 a month + requests)\n";
  } else {
    y += "# ingress: { cloudfront: true, api_gateway: true }   # needs `domain` in eurus.yaml\n";
  }
  y += Line(prod ? "logs: { retention_days: 90 }" : "logs: { retention_days: 14 }", "application logs, in days");
  return y;
}

std::string GitIgnore() {
  return "# Written by `eurus init`. Commit everything else, eurus.lock.json included: it records\n"
         "# the subnets eurus allocated, which must never move.\n"
         "#\n"
         "# The generated OpenTofu tree: `eurus synth` (and plan/apply) write it again. Before the\n"
         "# bootstrap's state is moved to S3 it lives in out/management/bootstrap/terraform.tfstate:\n"
         "# keep a copy (docs/HowToUse.md).\n"
         "/out/\n"
         "# The runner's plans, logs, provider cache and record of what was applied.\n"
         "/.eurus/\n";
}

/// The example tenant: one web app, exposed through CloudFront when the org has a domain.
std::string ExampleTenant(const InitOptions& o) {
  TenantAddOptions t;
  t.name = "hello";
  t.app = "web";
  t.port = 8080;
  if (!o.domain.empty()) t.expose = {"cloudfront"};
  return "# An example tenant: remove it, or `eurus tenant add NAME` to write another.\n" +
         TenantYaml(t, {"dev", "prod"}, {"nonprod", "prod"}, o.domain);
}

/// Where the workflows go and the repository's prefix in the git work tree: beside DIR when it
/// is not in one, else at the work tree's top.
std::pair<std::string, std::string> WorkflowPlace(const std::string& dir) {
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(dir, ec).lexically_normal();
  stdfs::path existing = abs, rest;
  while (!existing.empty() && !stdfs::is_directory(existing, ec) && existing != existing.root_path()) {
    rest = existing.filename() / rest;
    existing = existing.parent_path();
  }
  std::string err;
  auto loc = run::LocateInGit(existing.string(), &err);
  if (!loc) return {JoinPath(dir, ".github/workflows"), ""};
  std::string prefix = loc->prefix;
  for (const auto& part : rest)
    if (!part.empty() && part != ".") prefix += part.string() + "/";
  return {JoinPath(loc->toplevel, ".github/workflows"), prefix};
}

}  // namespace

const std::vector<std::string>& InitAccountNames() {
  static const std::vector<std::string> names = {"management", "common-nonprod", "common-prod", "dev", "prod"};
  return names;
}

InitPlan PlanInit(const InitOptions& o) {
  InitPlan p;
  Accounts a = ResolveAccounts(o, p.errors);
  p.files["eurus.yaml"] = OrgYaml(o, a);
  p.files["environments/dev.yaml"] = EnvYaml(o, a, false);
  p.files["environments/prod.yaml"] = EnvYaml(o, a, true);
  p.files[TenantPath("hello")] = ExampleTenant(o);
  p.files[".gitignore"] = GitIgnore();
  static const std::map<std::string, std::string> what = {
      {"management", "the management account id (eurus.yaml)"},
      {"common-nonprod", "the nonprod realm's common account id (eurus.yaml)"},
      {"common-prod", "the prod realm's common account id (eurus.yaml)"},
      {"dev", "the dev account id (environments/dev.yaml)"},
      {"prod", "the prod account id (environments/prod.yaml)"}};
  for (const auto& name : InitAccountNames())
    if (a.placeholder.count(name)) p.placeholders.push_back(what.at(name));
  if (o.administrators.empty() && o.github_repository.empty())
    p.placeholders.push_back("the administrator role ARN (eurus.yaml `administrators`)");
  return p;
}

int RunInit(FileSystem& fs, CommonOptions& opts, const InitOptions& o) {
  InitPlan plan = PlanInit(o);
  for (const auto& e : plan.errors) fmt::print(stderr, "eurus: {}\n", e);
  // The files compiled in memory: the checker's own rules judge the arguments.
  MemoryFileSystem mem;
  for (const auto& [rel, text] : plan.files) mem.files[JoinPath(o.dir, rel)] = text;
  CommonOptions in_mem = opts;
  in_mem.dir = o.dir;
  Session s;
  bool ok = CompileOrPrint(mem, in_mem, CompileOptionsFor(in_mem, run::Pass::kBuild), s);
  if (!ok || !plan.errors.empty()) {
    fmt::print(stderr, "eurus: nothing written: the arguments do not make a valid configuration (above)\n");
    return ok ? kUsage : ExitCodeFor(s.diags);
  }
  std::map<std::string, std::string> out;  // path → text
  for (const auto& [rel, text] : plan.files) out[JoinPath(o.dir, rel)] = text;
  // Workflows only when they can install eurus (ci.eurus): one that cannot would fail on its
  // first run (E0332); the next steps say how to add them.
  bool workflows_written = s.org().eurus_install.configured();
  if (workflows_written) {
    auto [workflows, prefix] = WorkflowPlace(o.dir);
    for (const auto& [name, text] : GithubWorkflows(s.org(), prefix)) out[JoinPath(workflows, name)] = text;
  }
  std::vector<std::string> existing;
  for (const auto& [path, _] : out)
    if (fs.Exists(path)) existing.push_back(path);
  if (!existing.empty()) {
    fmt::print(stderr, "eurus: nothing written: {} exist{} already (eurus init never overwrites)\n",
               fmt::join(existing, ", "), existing.size() == 1 ? "s" : "");
    return kInputError;
  }
  for (const auto& [path, text] : out) {
    std::error_code ec;
    stdfs::create_directories(stdfs::path(path).parent_path(), ec);  // WriteAtomic reports a failure
    std::string err;
    if (!fs.WriteAtomic(path, text, &err)) {
      fmt::print(stderr, "eurus: cannot write {}: {}\n", path, err);
      return kExternal;
    }
    fmt::print("eurus: wrote {}\n", path);
  }
  PrintDiagnostics(in_mem, s);  // warnings
  fmt::print("\nNext steps{}:\n", o.dir == "." ? "" : fmt::format(" (in {})", o.dir));
  int step = 1;
  if (!plan.placeholders.empty()) {
    fmt::print("  {}. Replace the placeholders (marked PLACEHOLDER) with your own values:\n", step++);
    for (const auto& p : plan.placeholders) fmt::print("       - {}\n", p);
  }
  fmt::print("  {}. Read the files: every setting is commented; eurus's docs/Configuration.md has them all.\n", step++);
  fmt::print("  {}. eurus check      allocates the subnets into eurus.lock.json: commit it with the rest\n", step++);
  fmt::print("  {}. eurus tenant add NAME --env dev,prod --app web --port 8080{}\n", step++,
             o.domain.empty() ? "" : " --expose cloudfront");
  fmt::print("  {}. eurus synth, eurus cost, then eurus plan (once the accounts are bootstrapped: docs/HowToUse.md)\n",
             step++);
  if (!workflows_written)
    fmt::print("  {}. For CI: set `ci.github_repository` and `ci.eurus` in eurus.yaml (how the workflows install\n"
               "     eurus; commented there), then `eurus ci github` writes the workflows\n",
               step++);
  return kOk;
}

CLI::App* AddInitCommand(CLI::App& app, InitOptions& o) {
  auto* cmd = app.add_subcommand("init", "write a new platform repository: eurus.yaml, dev and prod, an example "
                                         "tenant, .gitignore, CI workflows");
  cmd->add_option("dir", o.dir, "where to write (created when missing)")->capture_default_str();
  cmd->add_option("--org", o.org, "the organisation's short name: 2 to 12 of a-z and 0-9, a letter first")
      ->required();
  cmd->add_option("--region", o.region, "the AWS region, e.g. eu-west-1")->required();
  cmd->add_option("--domain", o.domain, "a DNS domain you control: environments get <env>.<domain>");
  cmd->add_option("--management-account", o.management_account, "the Organizations management account id");
  cmd->add_option("--account", o.accounts,
                  "NAME=ID for management, common-nonprod, common-prod, dev or prod (repeatable; missing ones "
                  "become placeholders)")
      ->type_name("NAME=ID")
      ->allow_extra_args(false);
  cmd->add_option("--github", o.github_repository, "owner/name of the GitHub repository that runs CI");
  cmd->add_option("--eurus-url", o.eurus_url,
                  "with --github: the eurus release archive the workflows install (https://, from `make package`)");
  cmd->add_option("--eurus-sha256", o.eurus_sha256, "the archive's SHA-256 (the first word of its .sha256 file)");
  cmd->add_option("--eurus-source", o.eurus_source, "with --github: instead of a release, eurus's git URL to build from");
  cmd->add_option("--eurus-ref", o.eurus_ref, "the tag or commit of --eurus-source");
  cmd->add_option("--admin", o.administrators, "an IAM role ARN that may plan and apply from a terminal (repeatable)")
      ->type_name("ARN")
      ->allow_extra_args(false);
  cmd->add_option("--email", o.emails, "an address for the platform's alarms (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--zones", o.zones,
                  "availability zone letters in order: dev takes two, prod three (e.g. acd where the "
                  "region has no b for your account)")
      ->capture_default_str();
  return cmd;
}

}  // namespace eurus::cli
