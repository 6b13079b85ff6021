#include "cli/tenant_add.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <string_view>


namespace eurus::cli {

namespace {

/// "[a, b]": a flow sequence of plain or quoted scalars.
std::string Flow(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back(YamlScalar(s));
  return fmt::format("[{}]", fmt::join(q, ", "));
}

/// `text` padded to the comment column, then `# comment`.
std::string Commented(const std::string& text, const std::string& comment) {
  constexpr size_t kColumn = 36;
  std::string line = text;
  line.append(line.size() < kColumn ? kColumn - line.size() : 1, ' ');
  return line + "# " + CommentSafe(comment) + "\n";
}

/// The resources of `t`: name → (type, what the comment says).
std::vector<std::array<std::string, 3>> Resources(const TenantAddOptions& t) {
  std::vector<std::array<std::string, 3>> r;
  if (t.postgres) r.push_back({"db", "postgres", "Aurora PostgreSQL Serverless v2, 0.5 to 2 capacity units"});
  if (t.mysql) r.push_back({"mysql", "mysql", "Aurora MySQL Serverless v2, 0.5 to 2 capacity units"});
  if (t.redis) r.push_back({"cache", "redis", "ElastiCache Serverless (Valkey), at most 10 GB"});
  if (t.documentdb) r.push_back({"documents", "documentdb", "Amazon DocumentDB, db.t4g.medium instances"});
  for (const auto& b : t.buckets) r.push_back({b, "s3", "an S3 bucket, versioned (backed up)"});
  return r;
}

bool HasApp(const TenantAddOptions& t) {
  return !t.app.empty() || !t.image.empty() || t.port != 0 || !t.host.empty() || !t.expose.empty();
}

void AppYaml(const TenantAddOptions& t, bool any_prod, const std::string& domain,
             const std::vector<std::string>& uses, std::string& y) {
  std::string app = t.app.empty() ? "web" : t.app;
  std::string image = t.image.empty() ? t.name + "/" + app : t.image;
  y += "# Each app is a container service on ECS Fargate (docs/Workloads.md).\n";
  y += "apps:\n";
  y += fmt::format("  {}:\n", YamlScalar(app));
  y += Commented("    image: " + YamlScalar(image),
                 "an ECR repository in each realm's common account; your pipeline pushes the tags");
  if (t.port != 0) y += Commented(fmt::format("    port: {}", t.port), "the port the container listens on");
  y += Commented("    cpu: 256", "Fargate cpu units: 256 is a quarter of a vCPU");
  y += Commented("    memory: 512", "MiB; the sizes Fargate allows for each cpu: docs/Configuration.md#apps");
  std::string host = t.host;
  if (host.empty() && t.port != 0 && !domain.empty()) host = t.name;
  if (t.port != 0) y += Commented("    health_check: { path: / }", "the load balancer checks this path (HTTP 200)");
  if (!host.empty()) {
    std::string where = host.find('.') == std::string::npos
                            ? fmt::format("https://{}.<env>.{}", host, domain.empty() ? "<domain>" : domain)
                            : "https://" + host;
    y += Commented("    route: { host: " + YamlScalar(host) + " }", where + " on the environment's load balancer");
  } else if (t.port != 0) {
    y += "    # No route: without `domain` in eurus.yaml a route needs a full host name, e.g.\n";
    y += "    # route: { host: web.example.com }\n";
  }
  if (!t.expose.empty()) {
    std::vector<std::string> how;
    for (const auto& e : t.expose)
      how.push_back(e == "api" ? fmt::format("https://api.<env>.{}/{}/", domain.empty() ? "<domain>" : domain, t.name)
                               : "CloudFront at the route's host");
    y += Commented("    expose: " + Flow(t.expose), "on the internet: " + fmt::format("{}", fmt::join(how, ", ")));
  } else if (!host.empty()) {
    // Written out, so the choice is visible and W0018 (a route the edge does not publish)
    // does not flag what was asked for.
    y += Commented("    expose: []", "inside the VPC only: `[cloudfront]` or `[api]` publishes it (docs/Ingress.md)");
  }
  y += Commented("    # replicas: { min: 1, max: 4 }",
                 any_prod ? "tasks: default 1, and 2 in prod (at least 2 there)" : "tasks: default 1");
  y += Commented("    # scaling: { cpu: 60 }", "target tracking on average CPU (%)");
  y += Commented("    # environment: { LOG_LEVEL: info }", "plain environment variables");
  y += Commented("    # secrets: [api-key]", "Secrets Manager secrets, injected as API_KEY");
  if (!uses.empty())
    y += Commented("    uses: " + Flow(uses), "the data stores it may reach (network and IAM); docs/DataStores.md");
}

}  // namespace

std::string YamlScalar(const std::string& s, bool quote) {
  // Plain only for what YAML reads back as the same string: names, hosts, ARNs, paths.
  bool plain = !quote && !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) != 0);
  for (char c : s)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      std::string_view("-_./@:").find(c) != std::string_view::npos);
  for (const char* word : {"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
    plain = plain && !std::equal(s.begin(), s.end(), word, word + std::strlen(word),
                                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  plain = plain && s.find(": ") == std::string::npos && s.back() != ':';
  if (plain) return s;
  std::string q = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      q += '\\';
      q += c;
    } else if (u < 0x20) {
      q += fmt::format("\\x{:02x}", u);
    } else {
      q += c;
    }
  }
  return q + "\"";
}

std::string CommentSafe(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

std::string TenantPath(const std::string& name) { return "tenants/" + name + ".yaml"; }

std::string TenantYaml(const TenantAddOptions& t, const std::vector<std::string>& envs,
                       const std::vector<std::string>& realms, const std::string& domain) {
  bool any_prod = std::find(realms.begin(), realms.end(), "prod") != realms.end();
  auto res = Resources(t);
  std::vector<std::string> uses;
  for (const auto& r : res) uses.push_back(r[0]);
  std::string y;
  y += fmt::format("# The tenant {}: a team's apps and data stores, and the environments it runs in.\n",
                   CommentSafe(t.name));
  y += "# Every field is described in eurus's docs/Configuration.md (\"tenants/<tenant>.yaml\").\n";
  y += "# After a change: `eurus check`, then `eurus plan`.\n";
  y += Commented("environments: " + Flow(envs), "where it is onboarded; each gets its own subnets");
  if (t.contacts.empty())
    y += Commented("# contacts: [team@example.com]", "who receives the tenant's alarms");
  else
    y += Commented("contacts: " + Flow(t.contacts), "who receives the tenant's alarms");
  y += Commented("# budget: 200", "monthly USD over all environments: alerts at 80 % and 100 %");
  if (HasApp(t))
    AppYaml(t, any_prod, domain, uses, y);
  else
    y += Commented("# apps:", "container services: `eurus tenant add --app/--port` writes one");
  if (!res.empty()) {
    y += "# Each resource is a data store of this tenant alone (docs/DataStores.md).\n";
    y += "resources:\n";
    for (const auto& [name, type, what] : res)
      y += Commented(fmt::format("  {}: {{ type: {} }}", YamlScalar(name), type), what);
  }
  if (any_prod && HasApp(t)) {
    y += "# Values for one environment only, deep-merged over the above, e.g.\n";
    y += "# overrides:\n";
    y += "#   prod:\n";
    y += "#     apps:\n";
    y += fmt::format("#       {}: {{ replicas: {{ min: 3, max: 12 }} }}\n", t.app.empty() ? "web" : t.app);
  }
  return y;
}

namespace {

/// The tenant's environments: `t.envs` split at commas, or every environment of the org.
std::vector<std::string> Environments(const TenantAddOptions& t, const Session& org_session) {
  std::vector<std::string> envs;
  for (const auto& e : t.envs) {
    size_t start = 0;
    while (start <= e.size()) {
      size_t comma = e.find(',', start);
      std::string one = e.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!one.empty()) envs.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (envs.empty() && org_session.project)
    for (const auto& d : org_session.project->envs) envs.push_back(d.name.value);
  return envs;
}

}  // namespace

int RunTenantAdd(FileSystem& fs, CommonOptions& opts, const TenantAddOptions& t) {
  if (t.name.empty() || t.name.find_first_of("/\\") != std::string::npos || t.name[0] == '.') {
    fmt::print(stderr, "eurus: `{}` is not a tenant name: 2 to 16 of a-z and 0-9, a letter first\n", t.name);
    return kUsage;
  }
  std::string rel = TenantPath(t.name), path = JoinPath(opts.dir, rel);
  if (fs.Exists(path)) {
    fmt::print(stderr, "eurus: {} exists: nothing written (edit it, or choose another name)\n", path);
    return kInputError;
  }
  // The organisation as it is, for its environments, realms and domain.
  Session before;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kLoad), before)) {
    fmt::print(stderr, "eurus: nothing written: fix the errors above first (`eurus check`)\n");
    return ExitCodeFor(before.diags);
  }
  const config::Project& p = *before.project;
  std::vector<std::string> envs = Environments(t, before), realms;
  for (const auto& e : envs) {
    std::string realm;
    for (const auto& d : p.envs)
      if (d.name.value == e) realm = d.realm.value;
    realms.push_back(realm);
  }
  std::string text = TenantYaml(t, envs, realms, p.org.domain.value);
  // The repository with the new file, compiled in memory: the checker's own rules.
  OverlayFileSystem overlay(fs, {{path, text}});
  Session s;
  if (!CompileOrPrint(overlay, opts, CompileOptionsFor(opts, run::Pass::kBuild), s)) {
    fmt::print(stderr, "eurus: nothing written: {} would not pass `eurus check` (above)\n", path);
    return ExitCodeFor(s.diags);
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);  // WriteAtomic reports
  std::string err;
  if (!fs.WriteAtomic(path, text, &err)) {
    fmt::print(stderr, "eurus: cannot write {}: {}\n", path, err);
    return kExternal;
  }
  PrintDiagnostics(opts, s);  // warnings
  fmt::print("eurus: wrote {} (onboarded in {})\n", path, fmt::join(envs, ", "));
  std::string c = opts.dir == "." ? "" : " -C " + opts.dir;
  fmt::print("next: read and adjust it, then `eurus{} check` (allocates its subnets into eurus.lock.json: commit "
             "both) and `eurus{} plan`\n",
             c, c);
  return kOk;
}

CLI::App* AddTenantAddCommand(CLI::App& app, CommonOptions& opts, TenantAddOptions& t) {
  auto* tenant = app.add_subcommand("tenant", "add a tenant to the platform repository");
  tenant->require_subcommand(1);
  auto* add = tenant->add_subcommand("add", "write a commented tenants/NAME.yaml that passes `eurus check`");
  add->add_option("-C,--dir", opts.dir, "the platform repository (holds eurus.yaml)")->capture_default_str();
  add->add_option("name", t.name, "the tenant: 2 to 16 of a-z and 0-9, a letter first")->required();
  add->add_option("--env", t.envs, "environments to onboard it in, comma-separated (default: all)")
      ->type_name("ENV[,ENV...]")
      ->allow_extra_args(false);
  add->add_option("--app", t.app, "an app (default name with any app option: web)");
  add->add_option("--image", t.image, "the app's ECR repository (default: NAME/APP)");
  add->add_option("--port", t.port, "the app's container port: routed at https://<host>.<env>.<domain>")
      ->check(CLI::Range(1, 65535));
  add->add_option("--host", t.host, "the route host: a label (<host>.<env>.<domain>) or a full name (default: NAME)");
  add->add_option("--expose", t.expose, "publish the app through the environment's edge: cloudfront, api")
      ->delimiter(',')
      ->check(CLI::IsMember({"cloudfront", "api"}))
      ->allow_extra_args(false);
  add->add_flag("--postgres", t.postgres, "a PostgreSQL database `db` (Aurora Serverless v2)");
  add->add_flag("--mysql", t.mysql, "a MySQL database `mysql` (Aurora Serverless v2)");
  add->add_flag("--redis", t.redis, "a cache `cache` (ElastiCache Serverless, Valkey)");
  add->add_flag("--documentdb", t.documentdb, "a document database `documents` (Amazon DocumentDB)");
  add->add_option("--bucket", t.buckets, "an S3 bucket resource of this name (repeatable)")
      ->allow_extra_args(false);
  add->add_option("--contact", t.contacts, "an email address for the tenant's alarms (repeatable)")
      ->allow_extra_args(false);
  return add;
}

}  // namespace eurus::cli
