#!/usr/bin/env python3
"""Regenerates the corpus cases tests/corpus/NNN-name/ from tests/corpus/_base.

    python3 tests/corpus/_gen.py        (deletes and rewrites every NNN-* directory)

Each case copies _base (a valid configuration) and applies its edits. Its expectations are
decided by hand, as (code, file, anchor): the caret belongs at the first character of
`anchor`, or at the '‸' marker inside it; the anchor must occur exactly once in the edited
file unless nth is given. '1:1' means the start of the file. They are written to the case's
`expect` file as `CODE file:line:col [text that must appear in the short output line]`.
Edit cases here rather than by hand, so that a change to _base moves every location with it.
"""
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(ROOT, "_base")
MARK = "‸"

cases = []


def case(name, ops, expect, nolock=False):
    cases.append((name, ops, expect, nolock))


def rep(f, old, new, count=1):
    return ("rep", f, old, new, count)


def write(f, text):
    return ("write", f, text)


def rm(f):
    return ("rm", f)


def mv(a, b):
    return ("mv", a, b)


def E(code, f, anchor, nth=1, extra=""):
    return (code, f, anchor, nth, extra)


ORG = "eurus.yaml"
DEV = "environments/dev.yaml"
PROD = "environments/prod.yaml"
SHOP = "tenants/shop.yaml"
KB = "tenants/knowledgebase.yaml"
LOCK = "eurus.lock.json"
# The lock `eurus check` writes for _base with environments e1-e8 and tenants/wide.yaml (the
# compact cost category cases): a warnings-only case must not write one.
with open(os.path.join(ROOT, "_locks", "ten-environments.json")) as _f:
    TEN_ENVIRONMENTS_LOCK = _f.read()

# ---------------- YAML level ----------------
case("yaml-tab-indent", [rep(SHOP, "    port: 8080\n", "\tport: 8080\n")],
     [E("E0002", SHOP, "\tport")])
case("yaml-unclosed-bracket", [rep(KB, "environments: [dev]", "environments: [dev")],
     [E("E0002", KB, "[dev")])
case("yaml-unclosed-quote", [rep(DEV, 'account: "444444444444"', 'account: "444444444444')],
     [E("E0002", DEV, '"444444444444')])
case("yaml-tab-in-eurus-yaml", [rep(ORG, "  owner: platform-team", "\towner: platform-team")],
     [E("E0002", ORG, "\towner")])
case("yaml-two-documents", [rep(KB, "  search:   { type: redis }\n", "  search:   { type: redis }\n---\ncost_center: wiki\n")],
     [E("E0002", KB, "---")])
case("wrong-type-top-level", [write(KB, "- dev\n")], [E("E0005", KB, "1:1")])
case("yaml-duplicate-key", [rep(SHOP, "    memory: 512\n", "    memory: 512\n    cpu: 1024\n")],
     [E("E0003", SHOP, "cpu: 1024")])
case("wrong-type-quoted-port", [rep(SHOP, "port: 8080", 'port: "8080"')],
     [E("E0005", SHOP, '"8080"')])
case("wrong-type-replicas-scalar", [rep(SHOP, "replicas: { min: 1, max: 4 }", "replicas: 2")],
     [E("E0005", SHOP, "replicas: ‸2")])
case("wrong-type-boolean", [rep(DEV, "internet_egress: true", "internet_egress: yes")],
     [E("E0005", DEV, "yes")])
case("unknown-key-typo", [rep(SHOP, "    replicas: { min: 1", "    replcias: { min: 1")],
     [E("E0004", SHOP, "replcias", extra="did you mean `replicas`?")])
case("unknown-key-env-typo", [rep(DEV, "logs: { retention_days: 14 }", "logs: { retension_days: 14 }")],
     [E("E0004", DEV, "retension_days", extra="did you mean `retention_days`?")])
case("missing-image", [rep(SHOP, "    image: shop/worker\n", "")],
     [E("E0006", SHOP, "worker:\n    cpu")])
case("missing-region", [rep(ORG, "region: eu-west-1\n", "")],
     [E("E0006", ORG, "1:1")])
case("missing-tenant-environments", [rep(KB, "environments: [dev]\n", "")],
     [E("E0006", KB, "1:1")])

# ---------------- eurus.yaml ----------------
case("format-version", [rep(ORG, "eurus: 1", "eurus: 2")], [E("E0008", ORG, "eurus: ‸2")])
case("org-name", [rep(ORG, "org: acmecorp", "org: Acme-Corp")], [E("E0101", ORG, "Acme-Corp")])
case("region", [rep(ORG, "region: eu-west-1", "region: eu-west")], [E("E0210", ORG, "eu-west")])
case("domain", [rep(ORG, "domain: acme.example.com", "domain: acme_example.com")],
     [E("E0108", ORG, "acme_example.com")])
case("account-id-malformed", [rep(DEV, '"444444444444"', '"44444444444"')],
     [E("E0102", DEV, '"44444444444"')])
case("account-id-duplicate", [rep(PROD, '"555555555555"', '"444444444444"')],
     [E("E0103", PROD, '"444444444444"')])
case("realm-typo", [rep(ORG, "  nonprod: {", "  nonprd: {")], [E("E0104", ORG, "nonprd")])
case("realm-missing", [rep(ORG, '  prod:    { common_account: "333333333333" }\n', "")],
     [E("E0104", ORG, "realms:")])
case("tag-key-reserved", [rep(ORG, "  owner: platform-team", "  aws:owner: platform-team")],
     [E("E0107", ORG, "aws:owner")])
case("tag-value", [rep(ORG, "  owner: platform-team", '  owner: "platform team!"')],
     [E("E0107", ORG, '"platform team!"')])
case("alert-email", [rep(ORG, "[ops@acme.example.com]", "[ops-at-acme.example.com]")],
     [E("E0105", ORG, "ops-at-acme.example.com")])
case("contact-email", [rep(SHOP, "[shop-team@acme.example.com]", "[shop-team@acme]")],
     [E("E0105", SHOP, "shop-team@acme")])
case("github-repository", [rep(ORG, "github_repository: acme/platform",
                                "github_repository: https://github.com/acme/platform")],
     [E("E0106", ORG, "https://")])

# ---------------- environments ----------------
case("env-realm-value", [rep(DEV, "realm: nonprod", "realm: production")], [E("E0007", DEV, "production")])
case("env-file-name", [write("environments/qa_1.yaml",
                             'account: "666666666666"\nrealm: nonprod\nnetwork:\n  cidr: 10.30.0.0/16\n'
                             '  availability_zones: [eu-west-1a, eu-west-1b]\n')],
     [E("E0101", "environments/qa_1.yaml", "1:1")])
case("env-yml-extension", [write("environments/qa.yml",
                                 'account: "666666666666"\nrealm: nonprod\nnetwork:\n  cidr: 10.30.0.0/16\n'
                                 '  availability_zones: [eu-west-1a, eu-west-1b]\n')],
     [E("E0009", "environments/qa.yml", "1:1")])
case("env-uppercase-extension", [write("environments/qa.YAML",
                                       'account: "666666666666"\nrealm: nonprod\nnetwork:\n  cidr: 10.30.0.0/16\n'
                                       '  availability_zones: [eu-west-1a, eu-west-1b]\n')],
     [E("E0009", "environments/qa.YAML", "1:1")])
case("cidr-unparsable", [rep(DEV, "cidr: 10.10.0.0/16", "cidr: 10.10.0/16")], [E("E0201", DEV, "10.10.0/16")])
case("cidr-unaligned", [rep(DEV, "cidr: 10.10.0.0/16", "cidr: 10.10.1.0/16")],
     [E("E0202", DEV, "10.10.1.0/16", extra="10.10.0.0/16")])
case("cidr-prefix-range", [rep(DEV, "cidr: 10.10.0.0/16", "cidr: 10.0.0.0/12")], [E("E0203", DEV, "10.0.0.0/12")])
case("egress-overlaps-vpc", [rep(PROD, "cidr: 10.102.9.0/24", "cidr: 10.20.9.0/24")],
     [E("E0204", PROD, "10.20.9.0/24")])
case("egress-restricted-block", [rep(PROD, "cidr: 10.102.9.0/24", "cidr: 172.31.9.0/24")],
     [E("E0204", PROD, "172.31.9.0/24")])
case("destination-overlaps-vpc", [rep(PROD, "[192.168.0.0/16]", "[192.168.0.0/16, 10.20.128.0/17]")],
     [E("E0204", PROD, "10.20.128.0/17")])
case("destination-default-route", [rep(PROD, "[192.168.0.0/16]", "[0.0.0.0/0]")],
     [E("E0204", PROD, "0.0.0.0/0")])
case("destinations-empty", [rep(PROD, "[192.168.0.0/16]", "[]")], [E("E0006", PROD, "[]")])
case("transit-gateway-id", [rep(PROD, "tgw-0123456789abcdef0", "tgw-0123456789abcdefg")],
     [E("E0211", PROD, "tgw-0123456789abcdefg")])
case("az-not-in-region", [rep(DEV, "[eu-west-1a, eu-west-1b]", "[eu-west-1a, eu-west-2b]")],
     [E("E0206", DEV, "eu-west-2b")])
case("az-only-one", [rep(DEV, "[eu-west-1a, eu-west-1b]", "[eu-west-1a]")], [E("E0207", DEV, "[eu-west-1a]")])
case("az-duplicate", [rep(PROD, "[eu-west-1a, eu-west-1b, eu-west-1c]", "[eu-west-1a, eu-west-1b, eu-west-1a]")],
     [E("E0208", PROD, "eu-west-1a", nth=2)])
case("subnet-size-range", [rep(DEV, "  nat_gateways: single\n", "  tenant_subnet_size: 29\n  nat_gateways: single\n")],
     [E("E0205", DEV, "29")])
case("subnet-size-larger-than-vpc", [rep(PROD, "tenant_subnet_size: 23", "tenant_subnet_size: 16")],
     [E("E0205", PROD, "tenant_subnet_size: ‸16")])
case("vpc-exhausted",
     [write(DEV, 'account: "444444444444"\nrealm: nonprod\nnetwork:\n  cidr: 10.10.0.0/24\n'
                 '  availability_zones: [eu-west-1a, eu-west-1b]\n  platform_subnet_size: 27\n'
                 '  tenant_subnet_size: 26\n  data_subnet_size: 28\n  nat_gateways: single\n'
                 '  internet_egress: true\ningress:\n  cloudfront: true\nlogs: { retention_days: 14 }\n')],
     [E("E0209", DEV, "10.10.0.0/24", extra="1 more tenant")], nolock=True)
case("nat-gateways-value", [rep(DEV, "nat_gateways: single", "nat_gateways: singel")],
     [E("E0007", DEV, "singel", extra="did you mean `single`?")])
case("log-retention", [rep(DEV, "retention_days: 14", "retention_days: 10")], [E("E0501", DEV, "10 }")])
case("flow-log-retention", [rep(PROD, "enabled: true, retention_days: 90", "enabled: true, retention_days: 100")],
     [E("E0501", PROD, "100")])
case("rpo-out-of-range", [rep(PROD, "rpo_hours: 4", "rpo_hours: 48")], [E("E0502", PROD, "48")])
case("cloudfront-without-domain", [rep(ORG, "domain: acme.example.com\n", "")],
     [E("E0503", DEV, "cloudfront: ‸true"), E("E0503", PROD, "cloudfront: ‸true"),
      E("E0308", SHOP, "host: ‸shop"), E("E0308", KB, "host: ‸docs")])
case("waf-without-cloudfront", [rep(DEV, "  cloudfront: true\n", "  cloudfront: false\n  waf: true\n")],
     [E("E0503", DEV, "waf: ‸true"),
      # turning cloudfront off also leaves shop/web's `expose: [cloudfront]` without an edge
      E("E0503", SHOP, "expose: [‸cloudfront]")])

# ---------------- tenants ----------------
case("unknown-environment", [rep(KB, "environments: [dev]", "environments: [dev, stagign]")],
     [E("E0301", KB, "stagign")])
case("unknown-resource", [rep(SHOP, "uses: [orders, cache, uploads]", "uses: [orders, cahce, uploads]")],
     [E("E0302", SHOP, "cahce", extra="did you mean `cache`?")])
case("override-unknown-env", [rep(KB, "  search:   { type: redis }\n",
                                  "  search:   { type: redis }\noverrides:\n  prod:\n    apps:\n"
                                  "      site: { replicas: { min: 2, max: 4 } }\n")],
     [E("E0303", KB, "prod:")])
case("override-unknown-app", [rep(SHOP, "      worker: { replicas: { min: 2", "      wroker: { replicas: { min: 2")],
     [E("E0303", SHOP, "wroker")])
case("override-environments", [rep(SHOP, "  prod:\n    apps:\n", "  prod:\n    environments: [prod]\n    apps:\n")],
     [E("E0303", SHOP, "environments: [prod]")])
case("override-bad-memory", [rep(SHOP, "web: { replicas: { min: 2, max: 8 } }",
                                  "web: { replicas: { min: 2, max: 8 }, memory: 3000 }")],
     [E("E0304", SHOP, "3000")])
case("override-resource-field", [rep(SHOP, "      worker: { replicas: { min: 2, max: 4 } }\n",
                                      "      worker: { replicas: { min: 2, max: 4 } }\n    resources:\n"
                                      "      cache: { min_acu: 1 }\n")],
     [E("E0316", SHOP, "min_acu: 1")])
case("tenant-file-name", [write("tenants/Blog.yaml", "environments: [dev]\n")],
     [E("E0101", "tenants/Blog.yaml", "1:1")])
case("app-name", [rep(KB, "  site:", "  Site:")], [E("E0101", KB, "Site")])
case("resource-name", [rep(KB, "  search:   { type: redis }", "  search_idx: { type: redis }"),
                       rep(KB, "uses: [articles, notes, search]", "uses: [articles, notes, search_idx]")],
     [E("E0101", KB, "search_idx: {")])
case("fargate-cpu", [rep(SHOP, "cpu: 256", "cpu: 300")], [E("E0304", SHOP, "300")])
case("fargate-cpu-memory-pair", [rep(SHOP, "memory: 512", "memory: 4096")], [E("E0304", SHOP, "4096")])
case("replicas-min-gt-max", [rep(SHOP, "replicas: { min: 1, max: 4 }", "replicas: { min: 5, max: 4 }")],
     [E("E0305", SHOP, "min: ‸5")])
case("prod-single-replica", [rep(SHOP, "worker: { replicas: { min: 2, max: 4 } }", "worker: { replicas: { min: 1, max: 4 } }")],
     [E("E0306", SHOP, "min: ‸1, max: 4 } }")])
case("port-out-of-range", [rep(SHOP, "port: 8080", "port: 80800")], [E("E0007", SHOP, "80800")])
case("route-without-port", [rep(SHOP, '    command: ["./worker"]\n', '    command: ["./worker"]\n    route: { host: jobs }\n')],
     [E("E0307", SHOP, "route: { host: jobs }")])
case("health-check-without-port", [rep(SHOP, '    command: ["./worker"]\n',
                                       '    command: ["./worker"]\n    health_check: { path: /healthz }\n')],
     [E("E0307", SHOP, "/healthz", nth=2)])
case("expose-without-route", [rep(SHOP, '    command: ["./worker"]\n', '    command: ["./worker"]\n    expose: [cloudfront]\n')],
     [E("E0307", SHOP, "cloudfront", nth=2)])
case("expose-without-ingress", [rep(SHOP, "expose: [cloudfront]", "expose: [cloudfront, api]")],
     [E("E0503", SHOP, "api]")])
case("route-bad-host", [rep(SHOP, "host: shop", "host: shop_web")], [E("E0308", SHOP, "shop_web")])
case("route-bad-path", [rep(SHOP, 'paths: ["/*"]', 'paths: ["*"]')], [E("E0308", SHOP, '"*"')])
case("route-collision", [rep(SHOP, "host: shop", "host: docs")], [E("E0308", SHOP, "route:")])
case("image-with-tag", [rep(SHOP, "image: shop/web", "image: shop/web:1.4.2")],
     [E("E0309", SHOP, "shop/web:1.4.2")])
case("scaling-out-of-range", [rep(SHOP, "scaling: { cpu: 60,", "scaling: { cpu: 150,")], [E("E0310", SHOP, "150")])
case("scaling-requests-without-route", [rep(SHOP, '    command: ["./worker"]\n',
                                            '    command: ["./worker"]\n    scaling: { requests_per_target: 500 }\n')],
     [E("E0310", SHOP, "500")])
case("acu-zero-old-postgres", [rep(KB, "min_acu: 0.5, max_acu: 2", "min_acu: 0, max_acu: 2")],
     [E("E0311", KB, "min_acu: ‸0,")])
case("acu-min-gt-max", [rep(KB, "min_acu: 0.5, max_acu: 2", "min_acu: 4, max_acu: 2")],
     [E("E0311", KB, "min_acu: ‸4")])
case("acu-zero-in-prod", [rep(SHOP, "min_acu: 0.5, max_acu: 4", "min_acu: 0, max_acu: 4")],
     [E("E0311", SHOP, "min_acu: ‸0")])
case("engine-version", [rep(KB, 'version: "15.4"', 'version: "15.x"')], [E("E0312", KB, '"15.x"')])
case("documentdb-single-instance-prod", [rep(KB, "environments: [dev]", "environments: [dev, prod]")],
     [E("E0313", KB, "instances: ‸1")])
case("documentdb-instance-class", [rep(KB, "instance_class: db.t4g.medium", "instance_class: t4g.medium")],
     [E("E0313", KB, "t4g.medium")])
case("resource-type", [rep(SHOP, "{ type: redis }", "{ type: redsi }")],
     [E("E0007", SHOP, "redsi", extra="did you mean `redis`?")])
case("secret-name-invalid", [rep(SHOP, "secrets: [stripe-key]", "secrets: [Stripe_Key]")],
     [E("E0314", SHOP, "Stripe_Key")])
case("secret-name-suffix", [rep(SHOP, "secrets: [stripe-key]", "secrets: [stripe-secret]")],
     [E("E0314", SHOP, "stripe-secret")])
case("duplicate-use", [rep(SHOP, "uses: [orders, cache, uploads]", "uses: [orders, cache, uploads, cache]")],
     [E("E0315", SHOP, "cache]")])
case("duplicate-environment", [rep(KB, "environments: [dev]", "environments: [dev, dev]")],
     [E("E0315", KB, "dev]")])
case("resource-field-wrong-type", [rep(SHOP, "{ type: s3, versioning: true", "{ type: s3, min_acu: 1, versioning: true")],
     [E("E0316", SHOP, "min_acu: 1")])
case("env-var-name", [rep(SHOP, "{ LOG_LEVEL: info }", "{ LOG-LEVEL: info }")], [E("E0317", SHOP, "LOG-LEVEL")])
case("empty-environments", [rep(KB, "environments: [dev]", "environments: []")], [E("E0318", KB, "[]")])
case("elasticache-name-too-long", [rep(KB, "  search:   { type: redis }", "  search-index-cache: { type: redis }"),
                                   rep(KB, "notes, search]", "notes, search-index-cache]")],
     [E("E0401", KB, "search-index-cache: {")])
case("target-group-name-too-long", [rep(KB, "  site:", "  public-site:")], [E("E0401", KB, "public-site")])
case("cluster-name-invalid", [rep(KB, "  notes:    {", "  notes--v2: {"),
                              rep(KB, "[articles, notes, search]", "[articles, notes--v2, search]")],
     [E("E0402", KB, "notes--v2: {")])

# ---------------- lock file ----------------
case("lock-merge-conflict", [("lockconflict",)], [E("E0601", LOCK, "<<<<<<<")])
case("lock-version", [rep(LOCK, '"version": 1', '"version": 2')], [E("E0601", LOCK, '"version": ‸2')])
case("lock-vpc-changed", [rep(LOCK, "10.10.", "10.99.", count=0)], [E("E0603", DEV, "10.10.0.0/16")])

# ---------------- several independent mistakes ----------------
case("multi-four-files",
     [rep(ORG, "[ops@acme.example.com]", "[ops-at-acme.example.com]"),
      rep(DEV, "retention_days: 14", "retention_days: 10"),
      rep(SHOP, "cpu: 256", "cpu: 300"),
      rep(KB, "uses: [articles, notes, search]", "uses: [articles, notes, serach]")],
     [E("E0105", ORG, "ops-at-acme.example.com"), E("E0501", DEV, "10 }"),
      E("E0304", SHOP, "300"), E("E0302", KB, "serach")])
case("multi-yaml-and-model",
     [rep(ORG, "ci:\n", "tags: { team: platform }\nci:\n"),
      rep(PROD, "rpo_hours: 4", "rpo_hours: 0"),
      rep(SHOP, "image: shop/web", "image: shop/web:latest"),
      rep(KB, "    port: 3000\n", "\tport: 3000\n")],
     # A file that is not YAML stops the run after loading (mold-style checkpoint): every
     # YAML-level error of every file is reported, model rules are not run on the rest.
     [E("E0003", ORG, "tags: { team", ), E("E0002", KB, "\tport")])
case("multi-network-and-data",
     [rep(DEV, "[eu-west-1a, eu-west-1b]", "[eu-west-1a, eu-west-1b, eu-west-1b]"),
      rep(PROD, "tgw-0123456789abcdef0", "tgw-xyz"),
      rep(KB, "instance_class: db.t4g.medium", "instance_class: medium"),
      rep(SHOP, "{ LOG_LEVEL: info }", "{ 1LOG_LEVEL: info }")],
     [E("E0208", DEV, "eu-west-1b", nth=2), E("E0211", PROD, "tgw-xyz"),
      E("E0313", KB, "medium"), E("E0317", SHOP, "1LOG_LEVEL")])

# ---------------- images (registry, issue 6; appended so earlier cases keep their numbers) --------
case("image-uppercase", [rep(KB, "image: knowledgebase/site", "image: Knowledgebase/site")],
     [E("E0309", KB, "Knowledgebase/site", extra="use lowercase letters")])
case("image-reserved-prefix", [rep(SHOP, "image: shop/web", "image: eurus/aws-otel-collector")],
     [E("E0319", SHOP, "eurus/aws-otel-collector", extra="reserved for the platform's images")])
# ---------------- added with the platform unit (issue 6) ----------------
case("route-host-private-suffix", [rep(SHOP, "host: shop", "host: shop.acme.internal")],
     [E("E0308", SHOP, "shop.acme.internal", extra="cannot get a public TLS certificate")])
case("domain-private-suffix", [rep(ORG, "domain: acme.example.com", "domain: acme.local")],
     [E("E0108", ORG, "acme.local", extra="cannot hold public zones and certificates")])
# ---------------- listener rule priorities (appended: earlier cases keep their numbers) ----------------
case("rule-priority-overflow",
     [rep(DEV, "  internet_egress: true\n", "  internet_egress: true\n  tenant_subnet_size: 28\n"),
      rep(SHOP, 'paths: ["/*"]', 'paths: ["/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j", "/*"]')],
     [E("E0320", SHOP, "route:", extra="each tenant has room for 3")])
case("rule-slot-collision",
     [rep(DEV, "  internet_egress: true\n", "  internet_egress: true\n  tenant_subnet_size: 17\n")],
     [E("E0320", SHOP, "route:", extra="share listener rule slot 0")])
case("secret-variable-collision",
     [rep(SHOP, "{ LOG_LEVEL: info }", "{ LOG_LEVEL: info, STRIPE_KEY: test }")],
     [E("E0315", SHOP, "stripe-key]")])
case("route-path-character",
     [rep(SHOP, 'paths: ["/*"]', 'paths: ["/shop/{id}"]')],
     [E("E0308", SHOP, '"/shop/{id}"')])

# ---------------- added with edge ingress (issue 8) ----------------
case("cloudfront-host-outside-zone",
     [rep(SHOP, "host: shop\n", "host: shop.partner.example.org\n")],
     [E("E0321", SHOP, "shop.partner.example.org", extra="outside the zone `dev.acme.example.com`")])
# ---------------- data stores and DR (issue 7) ----------------
case("restore-from-snapshot-and-time",
     [rep(SHOP, 'orders:  { type: postgres, version: "16.6", min_acu: 0.5, max_acu: 4 }',
          'orders:  { type: postgres, version: "16.6", min_acu: 0.5, max_acu: 4,\n'
          '            restore_from: { snapshot: orders-before, point_in_time: latest, source: acme-shop-orders-old } }')],
     [E("E0322", SHOP, "restore_from", extra="exactly one of `snapshot` and `point_in_time`"),
      E("E0322", SHOP, "acme-shop-orders-old", extra="`source` applies to `point_in_time` only")])
case("restore-from-time-without-source",
     [rep(SHOP, 'orders:  { type: postgres, version: "16.6", min_acu: 0.5, max_acu: 4 }',
          'orders:  { type: postgres, version: "16.6", min_acu: 0.5, max_acu: 4,\n'
          '            restore_from: { point_in_time: "2026-11-26 10:00" } }')],
     [E("E0322", SHOP, '"2026-11-26 10:00"', extra="is not a UTC time"),
      E("E0322", SHOP, "restore_from", extra="gives no `source`")])
case("restore-from-cache-point-in-time",
     [rep(SHOP, "cache:   { type: redis }", "cache:   { type: redis, restore_from: { point_in_time: latest } }")],
     [E("E0322", SHOP, "latest", extra="cannot be restored to a point in time")])
case("restore-from-bucket", [rep(SHOP, "expire_days: 0 }", "expire_days: 0, restore_from: { snapshot: x } }")],
     [E("E0316", SHOP, "restore_from", extra="does not apply to an s3 resource")])
case("cache-limits-out-of-range",
     [rep(SHOP, "cache:   { type: redis }", "cache:   { type: redis, max_storage_gb: 6000 }")],
     [E("E0007", SHOP, "6000", extra="1 to 5000 GB")])
case("app-port-reserved-by-collector",
     [rep(SHOP, "port: 8080", "port: 4317")],
     [E("E0323", SHOP, "4317", extra="reserved")])
case("waf-body-limit-without-waf", [rep(DEV, "  cloudfront: true\n", "  cloudfront: true\n  waf_body_limit: true\n")],
     [E("E0503", DEV, "waf_body_limit: ‸true", extra="turn on `ingress.waf`")])
case("engine-version-major-only", [rep(KB, 'version: "15.4"', 'version: "15"')],
     [E("E0312", KB, '"15"')])
case("flow-logs-off", [rep(DEV, "  internet_egress: true\n", "  internet_egress: true\n  flow_logs: { enabled: false }\n")],
     [E("W0007", DEV, "enabled: ‸false", extra="turns VPC flow logs off")])

case("administrator-root", [rep(ORG, "ci:\n", 'administrators: ["arn:aws:iam::111111111111:root"]\nci:\n')],
     [E("E0109", ORG, '"arn:aws:iam::111111111111:root"', extra="account root")])
case("nobody-can-deploy", [rep(ORG, "ci:\n  github_repository: acme/platform\n", "")],
     [E("E0110", ORG, "org: acmecorp", extra="administrators")])
case("default-branch-wildcard", [rep(ORG, "  github_repository: acme/platform\n",
                                     '  github_repository: acme/platform\n  default_branch: "release/*"\n')],
     [E("E0111", ORG, '"release/*"')])
case("shared-costs-method-typo", [rep(ORG, "ci:\n", "billing: { shared_costs: evenly }\nci:\n")],
     [E("E0112", ORG, "evenly", extra="did you mean `even`")])
case("shared-costs-fixed-unknown-tenant-and-sum", [rep(ORG, "ci:\n",
        "billing:\n  shared_costs:\n    fixed: { shpo: 30, shop: 80, knowledgebase: x }\nci:\n")],
     [E("E0113", ORG, "shpo", extra="did you mean `shop`"),
      E("E0114", ORG, "‸x }", extra="not a percent"),
      E("E0114", ORG, "shop: ‸80", extra="110%")])


def locate(text, anchor, nth):
    if anchor == "1:1":
        return 1, 1
    mark = anchor.find(MARK)
    needle = anchor.replace(MARK, "")
    off = mark if mark >= 0 else 0
    pos = -1
    for _ in range(nth):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            raise SystemExit(f"anchor {anchor!r} (#{nth}) not found")
    if nth == 1 and text.find(needle, pos + 1) >= 0:
        raise SystemExit(f"anchor {anchor!r} is not unique")
    pos += off
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def main():
    for old in os.listdir(ROOT):
        if re.match(r"^[0-9]{3}-", old) and os.path.isdir(os.path.join(ROOT, old)):
            shutil.rmtree(os.path.join(ROOT, old))
    for i, (name, ops, expect, nolock) in enumerate(cases, start=1):
        d = os.path.join(ROOT, f"{i:03d}-{name}")
        if os.path.exists(d):
            shutil.rmtree(d)
        shutil.copytree(BASE, d)
        if nolock:
            os.remove(os.path.join(d, LOCK))
        for op in ops:
            if op[0] == "rep":
                _, f, old, new, count = op
                p = os.path.join(d, f)
                t = open(p).read()
                n = t.count(old)
                if count == 1 and n != 1:
                    raise SystemExit(f"{name}: {old!r} occurs {n} times in {f}")
                if n == 0:
                    raise SystemExit(f"{name}: {old!r} not in {f}")
                open(p, "w").write(t.replace(old, new))
            elif op[0] == "write":
                open(os.path.join(d, op[1]), "w").write(op[2])
            elif op[0] == "rm":
                os.remove(os.path.join(d, op[1]))
            elif op[0] == "mv":
                os.rename(os.path.join(d, op[1]), os.path.join(d, op[2]))
            elif op[0] == "lockconflict":
                p = os.path.join(d, LOCK)
                t = open(p).read()
                old = '      "vpc": "10.20.0.0/16"\n'
                assert t.count(old) == 1
                t = t.replace(old, "<<<<<<< HEAD\n" + old + "=======\n" +
                              '      "vpc": "10.21.0.0/16"\n' + ">>>>>>> feature\n")
                open(p, "w").write(t)
        lines = []
        for code, f, anchor, nth, extra in expect:
            t = open(os.path.join(d, f)).read() if anchor != "1:1" else ""
            line, col = locate(t, anchor, nth)
            lines.append(f"{code} {f}:{line}:{col}" + (f" {extra}" if extra else ""))
        open(os.path.join(d, "expect"), "w").write("\n".join(lines) + "\n")
    print(f"{len(cases)} cases")

case("endpoint-unknown-service",
     [rep(DEV, "  internet_egress: true\n", "  internet_egress: true\n  endpoints: [ecr.api, secretmanager]\n")],
     [E("E0212", DEV, "secretmanager", extra="did you mean `secretsmanager`?")])
case("ha-off-in-prod", [rep(PROD, "protection: true\n", "protection: true\nha: false\n")],
     [E("E0213", PROD, "ha: ‸false", extra="cannot turn `ha` off")])
case("endpoint-zones-one-in-prod",
     [rep(PROD, "  flow_logs: { enabled: true, retention_days: 90 }\n",
          "  flow_logs: { enabled: true, retention_days: 90 }\n  endpoint_zones: one\n")],
     [E("E0214", PROD, "endpoint_zones: ‸one", extra="one zone")])
case("endpoints-leave-out-what-tasks-need",
     [rep(PROD, "  flow_logs: { enabled: true, retention_days: 90 }\n",
          "  flow_logs: { enabled: true, retention_days: 90 }\n  endpoints: [ecr.api, ecr.dkr]\n")],
     [E("W0011", PROD, "endpoints: ‸[ecr.api", extra="cannot reach logs")])
case("container-insights-off-in-prod", [rep(PROD, "protection: true\n", "protection: true\ncontainer_insights: false\n")],
     [E("W0012", PROD, "container_insights: ‸false", extra="turns Container Insights off")])
case("budget-not-an-amount",
     [rep(SHOP, "environments: [dev, prod]\n", "environments: [dev, prod]\nbudget: { total: -5, environments: { prod: lots } }\n")],
     [E("E0118", SHOP, "total: ‸-5", extra="not a budget"),
      E("E0118", SHOP, "prod: ‸lots", extra="not a budget")])
case("budget-unknown-environment",
     [rep(SHOP, "environments: [dev, prod]\n", "environments: [dev, prod]\nbudget: { environments: { prdo: 100 } }\n")],
     [E("E0119", SHOP, "prdo", extra="did you mean `prod`?")])
case("budget-in-an-override",
     [rep(SHOP, "  prod:\n    apps:\n", "  prod:\n    budget: 100\n    apps:\n")],
     [E("E0303", SHOP, "budget", extra="cannot be overridden")])
case("too-many-split-charge-rules",
     [write(f"environments/e{i}.yaml",
            f'account: "55555555550{i}"\nrealm: nonprod\nnetwork:\n  cidr: 10.{30 + i}.0.0/16\n'
            '  availability_zones: [eu-west-1a, eu-west-1b]\n  nat_gateways: single\n') for i in range(1, 9)] +
     [write("tenants/wide.yaml", "environments: [dev, prod, e1, e2, e3, e4, e5, e6, e7, e8]\n"),
      write(LOCK, TEN_ENVIRONMENTS_LOCK)],
     # Past AWS's 10 split charge rules the cost category takes the compact form (issue 19); a
     # warnings-only case must not write, so it carries the lock `eurus check` allocates.
     [E("W0024", ORG, "org: acmecorp", extra="13 scopes with tenants need 13 split charge rules")])
case("fixed-shares-split-proportionally-by-the-cost-category",
     [rep(ORG, "ci:\n", "billing: { shared_costs: { fixed: { shop: 40 } } }\nci:\n")],
     [E("W0013", ORG, "shared_costs", extra="not by the `fixed` percents")])
case("budget-with-too-many-recipients",
     [rep(SHOP, "contacts: [shop-team@acme.example.com]\n",
          "contacts: [" + ", ".join(f"a{i}@acme.example.com" for i in range(10)) + "]\nbudget: 300\n")],
     [E("W0014", SHOP, "budget", extra="first 10 of 11")])

case("tracing-rate-out-of-range",
     [rep(DEV, "logs: { retention_days: 14 }\n", "logs: { retention_days: 14 }\ntracing: { sampling_rate: 1.5 }\n")],
     [E("E0325", DEV, "1.5", extra="not between 0 and 1")])
case("tracing-reservoir-out-of-range",
     [rep(PROD, "protection: true\n", "protection: true\ntracing: { sampling_rate: 0.05, reservoir: 5000 }\n")],
     [E("E0325", PROD, "5000", extra="out of range")])
case("tenant-tracing-rate-out-of-range-in-an-override",
     [rep(SHOP, "environments: [dev, prod]\n", "environments: [dev, prod]\ntracing: { sampling_rate: 0.2 }\n"),
      rep(SHOP, "  prod:\n    apps:\n", "  prod:\n    tracing: { sampling_rate: 10 }\n    apps:\n")],
     [E("E0325", SHOP, "sampling_rate: ‸10", extra="not between 0 and 1")])
case("too-many-sampling-rules",
     [write(f"tenants/t{i:02}.yaml", f"environments: [dev]\ntracing: {{ sampling_rate: 0.{i:02} }}\n")
      for i in range(1, 26)],
     [E("E0326", "tenants/t25.yaml", "0.25", extra="26 X-Ray sampling rules")], nolock=True)
case("access-account-root",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess: { read: [\"arn:aws:iam::444455556666:root\"] }\n")],
     [E("E0324", SHOP, "\"arn:aws:iam::444455556666:root", extra="is an account root")])
case("access-account-id",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess: { release: [\"444455556666\"] }\n")],
     [E("E0324", SHOP, "\"444455556666", extra="is an account id")])
case("access-other-partition",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess: { release: [arn:aws-cn:iam::444455556666:role/ci] }\n")],
     [E("E0324", SHOP, "arn:aws-cn", extra="aws-cn partition")])
case("access-principal-listed-twice",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess:\n  read:\n    - arn:aws:iam::444455556666:user/ann\n"
          "    - arn:aws:iam::444455556666:user/ann\n")],
     [E("E0315", SHOP, "arn:aws:iam::444455556666:user/ann", nth=2, extra="listed twice")])
case("access-trust-policy-too-long",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess:\n  release:\n" +
          "".join(f"    - arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                  f"AWSReservedSSO_Team{i:02}_0123456789abcdef\n" for i in range(15)))],
     [E("E0324", SHOP, "- ‸arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Team11",
        extra="about 2591 characters, IAM allows 2048")])
case("access-in-an-override",
     [rep(SHOP, "  prod:\n    apps:\n", "  prod:\n    access: { read: [] }\n    apps:\n")],
     [E("E0303", SHOP, "access", extra="cannot be overridden")])
case("image-shared-with-a-releasing-tenant",
     [rep(SHOP, "environments: [dev, prod]\n",
          "environments: [dev, prod]\naccess: { release: [arn:aws:iam::444455556666:role/shop-ci] }\n"),
      rep(KB, "image: knowledgebase/site", "image: shop/web")],
     [E("W0015", KB, "shop/web", extra="also run by tenant `shop`"),
      E("W0015", SHOP, "image: ‸shop/web", extra="also run by tenant `knowledgebase`")])

# ---------------- YAML errors at the line that is wrong (issue 18) ----------------
case("yaml-missing-colon", [rep(DEV, "realm: nonprod\n", "realm nonprod\n")],
     [E("E0002", DEV, "realm nonprod", extra="missing `:` after `realm`")])
case("yaml-colon-without-space", [rep(SHOP, "    port: 8080\n", "    port:8080\n")],
     [E("E0002", SHOP, "port‸:8080", extra="write `port: 8080`")])
case("yaml-indented-deeper-than-a-value", [rep(SHOP, "    cpu: 256\n", "     cpu: 256\n")],
     [E("E0002", SHOP, "cpu: 256", extra="indent it 4 spaces like `port`")])
case("yaml-indentation-between-levels", [rep(DEV, "  internet_egress: true\n", " internet_egress: true\n")],
     [E("E0002", DEV, "internet_egress", extra="indentation matches no line above it")])

# ---------------- surprises become warnings (issue 18) ----------------
case("route-not-exposed", [rep(SHOP, "    expose: [cloudfront]\n", "")],
     [E("W0018", SHOP, "route:", extra="reachable only from inside the VPC in dev and prod")])
case("nat-gateways-without-egress", [rep(DEV, "  internet_egress: true\n", "")],
     [E("W0019", DEV, "single", extra="`nat_gateways` does nothing")])
# With an error beside it: a warnings-only run would write the lock the new range needs.
case("multi-vpc-cidr-of-another-environment",
     [rep(PROD, "cidr: 10.20.0.0/16", "cidr: 10.10.0.0/16"),
      rep(SHOP, "web: { replicas: { min: 2, max: 8 } }", "web: { replicas: { min: 1, max: 8 } }")],
     [E("W0020", PROD, "10.10.0.0/16", extra="of `dev`"), E("E0306", SHOP, "min: ‸1, max: 8")], nolock=True)
case("flow-log-retention-with-flow-logs-off",
     [rep(PROD, "flow_logs: { enabled: true, retention_days: 90 }", "flow_logs: { enabled: false, retention_days: 90 }")],
     [E("W0021", PROD, "enabled: false, retention_days: ‸90", extra="flow logs are off")])
case("endpoint-zones-without-endpoints",
     [rep(DEV, "  internet_egress: true\n", "  internet_egress: true\n  endpoint_zones: one\n")],
     [E("W0022", DEV, "zones: ‸one", extra="no interface endpoints")])
case("scaling-with-fixed-replicas", [rep(SHOP, "    replicas: { min: 1, max: 4 }\n", "    replicas: { min: 2, max: 2 }\n")],
     [E("W0023", SHOP, "cpu: 60", extra="does nothing in dev")])
case("ci-eurus-url-without-sha256",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus: { url: https://dl.example.com/eurus-0.1.0-linux-x86_64.tar.gz }\n")],
     [E("E0332", ORG, "url:", extra="without its `sha256`")])
case("ci-eurus-sha256-not-hex",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus:\n    url: https://dl.example.com/eurus-0.1.0-linux-x86_64.tar.gz\n    sha256: 0123abcd\n")],
     [E("E0332", ORG, "0123abcd", extra="not a SHA-256 digest")])
case("ci-eurus-plain-http",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus:\n    url: http://dl.example.com/eurus.tar.gz\n    sha256: " + "ab" * 32 + "\n")],
     [E("E0332", ORG, "http://", extra="not an https URL")])
case("ci-eurus-release-and-source",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus:\n    url: https://dl.example.com/eurus.tar.gz\n    sha256: " + "ab" * 32 + "\n"
          "    source: https://github.com/acme/eurus.git\n")],
     [E("E0332", ORG, "source:", extra="both a release `url` and a `source`")])
case("ci-eurus-source-without-ref",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus: { source: https://github.com/acme/eurus.git }\n")],
     [E("E0332", ORG, "source:", extra="without a `ref`")])
case("ci-eurus-typo",
     [rep(ORG, "  github_repository: acme/platform\n", "  github_repository: acme/platform\n"
          "  eurus: { source: https://github.com/acme/eurus.git, ref: v0.1.0, sha265: x }\n")],
     [E("E0004", ORG, "sha265", extra="did you mean `sha256`?")])
# ---------------- the company's own domain (issue 18) ----------------
case("apex-zone-owned-twice",
     [rep(PROD, "  api_gateway: true\n", "  api_gateway: true\n  apex_zone: true\n"),
      rep(DEV, "  cloudfront: true\n", "  cloudfront: true\n  apex_zone: true\n")],
     [E("W0016", DEV, "apex_zone: ‸true", extra="nonprod environment `dev` owns the apex zone"),
      E("E0327", PROD, "apex_zone: ‸true", extra="both own the apex zone `acme.example.com`")])
case("apex-zone-host-under-another-environment",
     [rep(PROD, "  api_gateway: true\n", "  api_gateway: true\n  apex_zone: true\n"),
      rep(SHOP, "      web: { replicas: { min: 2, max: 8 } }\n",
          "      web: { replicas: { min: 2, max: 8 }, route: { host: shop.dev.acme.example.com } }\n")],
     [E("E0328", SHOP, "shop.dev.acme.example.com", extra="inside environment `dev`'s zone")])
case("apex-zone-not-a-zone-id",
     [rep(PROD, "  api_gateway: true\n", "  api_gateway: true\n  apex_zone: acme.example.com\n")],
     [E("E0329", PROD, "apex_zone: ‸acme.example.com", extra="neither true, false nor a hosted zone id")])
case("cloudfront-apex-host-without-apex-zone",
     [rep(SHOP, "      web: { replicas: { min: 2, max: 8 } }\n",
          "      web: { replicas: { min: 2, max: 8 }, route: { host: www.acme.example.com } }\n")],
     [E("E0321", SHOP, "www.acme.example.com", extra="set `ingress.apex_zone: true` in environments/prod.yaml")])

# ---------------- the commercial partition only (issue 18) ----------------
case("region-in-govcloud", [rep(ORG, "region: eu-west-1", "region: us-gov-west-1")],
     [E("E0333", ORG, "us-gov-west-1", extra="outside the commercial AWS partition")])

# ---------------- the compact cost category (issue 19) ----------------
case("compact-cost-category-warns-at-the-billing-block",
     [write(f"environments/e{i}.yaml",
            f'account: "55555555550{i}"\nrealm: nonprod\nnetwork:\n  cidr: 10.{30 + i}.0.0/16\n'
            '  availability_zones: [eu-west-1a, eu-west-1b]\n  nat_gateways: single\n') for i in range(1, 9)] +
     [write("tenants/wide.yaml", "environments: [dev, prod, e1, e2, e3, e4, e5, e6, e7, e8]\n"),
      rep(ORG, "ci:\n", "billing: { activate_tags: true }\nci:\n"), write(LOCK, TEN_ENVIRONMENTS_LOCK)],
     [E("W0024", ORG, "activate_tags", extra="one value per tenant, not per tenant and environment")])

# ---------------- reserved tenant names (issue 19) ----------------
case("tenant-named-platform", [write("tenants/platform.yaml", "environments: [dev]\n")],
     [E("E0334", "tenants/platform.yaml", "1:1", extra="tenant name `platform` is reserved")])


main()
