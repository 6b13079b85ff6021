#!/usr/bin/env python3
"""Writes a plausible AWS CUR 2.0 export (Data Exports, CSV gzip) for an eurus organisation.

    bench/cur_gen.py EURUS DIR OUT [--months 2026-10,2026-11] [--size-mb 5] [--plain] [--seed 1]

EURUS is the eurus binary, DIR the platform repository (eurus.yaml). The organisation is read
from `eurus cost -C DIR --format json` (every priced line of every generated resource: unit,
environment, tenant, service) and the account ids from eurus.yaml and environments/*.yaml.

The export, in the Data Exports folder layout:
    OUT/eurus-cur/data/BILLING_PERIOD=YYYY-MM/eurus-cur-0000N.csv.gz
    OUT/eurus-cur/metadata/BILLING_PERIOD=YYYY-MM/eurus-cur-Manifest.json
    OUT/expected.json   {month: {"total": "…", "lines": n, "direct": {"tenant/env/service": "…"}}}
Per month: daily usage lines of every resource (tenant resources tagged eurus:tenant and
eurus:environment as the providers' default_tags set them; platform resources tagged tenant
`platform`; a tenth of the shared lines untagged), a fee line per fixed resource, credits and
tax per account, a savings plan (covered usage, negation, recurring fee), a line of an account
outside the organisation and one tagged with an unknown tenant (both unallocated). --size-mb
repeats the daily usage lines (one per hour) until the month's CSV reaches that size. Costs
carry at most 10 decimals, so expected.json's Decimal sums are exact.

Columns: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
"""
import argparse
import calendar
import gzip
import json
import os
import random
import subprocess
import sys
from decimal import Decimal

import yaml

COLUMNS = [
    "bill_bill_type", "bill_billing_entity", "bill_billing_period_end_date", "bill_billing_period_start_date",
    "bill_invoice_id", "bill_payer_account_id", "bill_payer_account_name", "cost_category",
    "identity_line_item_id", "identity_time_interval", "line_item_availability_zone", "line_item_blended_cost",
    "line_item_currency_code", "line_item_line_item_description", "line_item_line_item_type",
    "line_item_operation", "line_item_product_code", "line_item_resource_id", "line_item_unblended_cost",
    "line_item_unblended_rate", "line_item_usage_account_id", "line_item_usage_account_name",
    "line_item_usage_amount", "line_item_usage_end_date", "line_item_usage_start_date", "line_item_usage_type",
    "pricing_unit", "product", "product_region_code", "product_servicecode", "resource_tags",
]
NANO = Decimal("0.0000000001")  # CUR writes costs with up to 10 decimals


def csv_field(s):
    s = str(s)
    if any(c in s for c in ',"\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def accounts(dir_):
    org = yaml.safe_load(open(os.path.join(dir_, "eurus.yaml")))
    acc = {"management": str(org["management_account"])}
    for realm, r in (org.get("realms") or {}).items():
        acc["common-" + realm] = str(r["common_account"])
    envdir = os.path.join(dir_, "environments")
    for f in sorted(os.listdir(envdir)):
        if f.endswith((".yaml", ".yml")):
            e = yaml.safe_load(open(os.path.join(envdir, f)))
            acc["env:" + f.rsplit(".", 1)[0]] = str(e["account"])
    return org["region"], acc


def resources(eurus, dir_):
    out = subprocess.run([eurus, "cost", "-C", dir_, "--format", "json"], check=True, capture_output=True, text=True)
    data = json.loads(out.stdout)
    lines = [l for l in data["lines"] if l.get("kind") in ("fixed", "usage") and l.get("monthly", 0) > 0]
    return lines


def account_of(line, acc):
    unit_dir = line["unit"].split("/")[0]
    if line.get("environment"):
        return acc["env:" + line["environment"]]
    return acc.get(unit_dir, acc["management"])


def tags_of(line, rng):
    """resource_tags as the CUR 2.0 CSV writes a map: a JSON object, user tags prefixed user_."""
    unit_dir = line["unit"].split("/")[0]
    tenant = line.get("tenant") or "platform"
    env = line.get("environment") or (unit_dir.replace("common-", "") if unit_dir.startswith("common-") else "management")
    if tenant == "platform" and rng.random() < 0.1:
        return "{}"  # an untagged shared resource: attributed by account
    return json.dumps({"user_eurus:tenant": tenant, "user_eurus:environment": env, "user_eurus:unit": line["unit"],
                       "user_owner": "platform-team"}, separators=(",", ":"))


class Writer:
    """One month's CSV files, split every `part_mb`, gzip unless plain."""

    def __init__(self, out, month, plain, part_mb):
        self.dir = os.path.join(out, "eurus-cur", "data", f"BILLING_PERIOD={month}")
        os.makedirs(self.dir, exist_ok=True)
        self.plain, self.part_bytes, self.n, self.f, self.size, self.total_size = plain, part_mb << 20, 0, None, 0, 0
        self.header = ",".join(COLUMNS) + "\n"
        self.files = []

    def _open(self):
        if self.f:
            self.f.close()
        self.n += 1
        name = os.path.join(self.dir, f"eurus-cur-{self.n:05d}.csv" + ("" if self.plain else ".gz"))
        self.files.append(name)
        self.f = open(name, "w") if self.plain else gzip.open(name, "wt", compresslevel=1)
        self.f.write(self.header)
        self.size = len(self.header)

    def write(self, text):
        if self.f is None or self.size > self.part_bytes:
            self._open()
        self.f.write(text)
        self.size += len(text)
        self.total_size += len(text)

    def close(self):
        if self.f:
            self.f.close()


def gen_month(args, month, region, acc, lines, rng, expected):
    y, m = map(int, month.split("-"))
    days = calendar.monthrange(y, m)[1]
    start = f"{month}-01T00:00:00.000Z"
    end = f"{y + (m == 12):04d}-{m % 12 + 1:02d}-01T00:00:00.000Z"
    w = Writer(args.out, month, args.plain, args.part_mb)
    exp = {"total": Decimal(0), "lines": 0, "direct": {}}
    tenants = set()
    seq = [0]

    def row(account, ltype, service, cost, tags="{}", usage_type="", desc="", resource="", day=1, hour=0, dry=False):
        cost = Decimal(cost).quantize(NANO)
        seq[0] += 1
        us = f"{month}-{day:02d}T{hour:02d}:00:00.000Z"
        ue = f"{month}-{day:02d}T{hour:02d}:59:59.000Z"
        vals = ["Anniversary", "AWS", end, start, f"EUR{month.replace('-', '')}", acc["management"], "acme-payer",
                "{}", f"li{seq[0]:012x}", f"{us}/{ue}", "", f"{cost}", "USD", desc, ltype, "RunInstances", service,
                resource, f"{cost}", "", account, "", "1", ue, us, usage_type, "Hrs", '{"product_name":"x"}', region,
                service, tags]
        text = ",".join(csv_field(v) for v in vals) + "\n"
        if dry:
            seq[0] -= 1
            return len(text)
        w.write(text)
        exp["total"] += cost
        exp["lines"] += 1
        try:
            t = json.loads(tags)
        except ValueError:
            t = {}
        tn, en = t.get("user_eurus:tenant"), t.get("user_eurus:environment")
        if tn and tn != "platform" and (tn, en) in tenants:
            k = f"{tn}/{en}/{service}"
            exp["direct"][k] = exp["direct"].get(k, Decimal(0)) + cost

    for l in lines:
        if l.get("tenant"):
            tenants.add((l["tenant"], l["environment"]))
    scale = Decimal(1 + (m % 3)) / Decimal(10) + Decimal(1)  # months differ a little
    prepared = []
    for l in lines:
        prepared.append((l, account_of(l, acc), tags_of(l, rng), Decimal(str(l["monthly"])) * scale))
    # The daily usage lines: every resource, every day; with --size-mb, `slots` lines a day
    # (hourly, then repeated) so that the month's CSV reaches about that size.
    day_bytes = sum(row(a, "Usage", l["service"], m, t, l.get("item", ""), l.get("item", ""), l.get("address", ""),
                        dry=True) for l, a, t, m in prepared)
    slots = 1
    if args.size_mb:
        slots = max(1, round((args.size_mb << 20) / (day_bytes * days)))
    for day in range(1, min(days, args.days or days) + 1):
        for slot in range(slots):
            for l, account, tags, monthly in prepared:
                cost = monthly / days / slots * Decimal(0.8 + 0.4 * rng.random()).quantize(Decimal("0.0001"))
                row(account, "Usage", l["service"], cost, tags, l.get("item", ""), l.get("item", ""),
                    l.get("address", ""), day, slot % 24)
    # Fixed fees, credits, tax, a savings plan, unattributable lines.
    for a_name, account in sorted(acc.items()):
        row(account, "Credit", "AmazonEC2", Decimal(-rng.randint(100, 900)) / 100, desc="promotional credit")
        row(account, "Tax", "AWSSupportBusiness" if a_name == "management" else "AmazonVPC",
            Decimal(rng.randint(100, 5000)) / 100, desc="VAT")
        row(account, "Refund", "AmazonS3", Decimal(-rng.randint(1, 50)) / 100, desc="refund")
    for l, account, tags, monthly in prepared[:5]:
        row(account, "SavingsPlanCoveredUsage", l["service"], monthly / 10, tags, desc="covered by a savings plan")
        row(account, "SavingsPlanNegation", l["service"], -monthly / 10, tags, desc="savings plan negation")
    row(acc["management"], "SavingsPlanRecurringFee", "ComputeSavingsPlans", Decimal("73.0000000001"), desc="SP fee")
    row(acc["management"], "Fee", "AWSSupportBusiness", Decimal("100"), desc="support")
    row("999999999999", "Usage", "AmazonEC2", Decimal("12.3456789012"), desc="an account outside the organisation")
    row(next(a for k, a in acc.items() if k.startswith("env:")), "Usage", "AmazonS3", Decimal("1.5"),
        json.dumps({"user_eurus:tenant": "ghost", "user_eurus:environment": "dev"}), desc="unknown tenant")
    w.close()
    meta = os.path.join(args.out, "eurus-cur", "metadata", f"BILLING_PERIOD={month}")
    os.makedirs(meta, exist_ok=True)
    with open(os.path.join(meta, "eurus-cur-Manifest.json"), "w") as f:
        json.dump({"dataFiles": [os.path.relpath(x, args.out) for x in w.files], "billingPeriod": month}, f)
    expected[month] = {"total": str(exp["total"]), "lines": exp["lines"], "bytes": w.total_size,
                       "direct": {k: str(v) for k, v in sorted(exp["direct"].items())}}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("eurus")
    p.add_argument("dir")
    p.add_argument("out")
    p.add_argument("--months", default="2026-10,2026-11")
    p.add_argument("--size-mb", type=int, default=0, help="about this many MB of uncompressed CSV per month")
    p.add_argument("--part-mb", type=int, default=256, help="split the month's CSV every this many MB")
    p.add_argument("--plain", action="store_true", help="write .csv instead of .csv.gz")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=0, help="usage lines for the first N days only (small test data)")
    args = p.parse_args()
    rng = random.Random(args.seed)
    region, acc = accounts(args.dir)
    lines = resources(args.eurus, args.dir)
    expected = {}
    for month in args.months.split(","):
        gen_month(args, month, region, acc, lines, rng, expected)
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    total = sum(v["bytes"] for v in expected.values())
    print(f"cur_gen: {sum(v['lines'] for v in expected.values())} lines, {total / 1e6:.1f} MB of CSV in {args.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
