#!/usr/bin/env node
// extract-aws-schema: the hashicorp/aws provider schema, offline, for `eurus validate`.
//
//   node scripts/extract-aws-schema.mjs OUT.json [--force]
//
// The schema comes from the jsii assembly (package/.jsii) of the npm package
// @cdktf/provider-aws, pinned below. The package is fetched once with `npm pack` into a cache
// directory ($EURUS_CACHE, else ~/.cache/eurus); only package/.jsii is kept. When OUT.json
// already exists and records the same package, nothing is done (pass --force to rebuild).
//
// How the assembly encodes the provider schema:
//   - each resource / data source is a class whose doc summary links its registry page:
//     "Represents a {@link https://…/docs/resources/vpc aws_vpc}" (or docs/data-sources/…);
//     its constructor's `config` parameter is the Config struct listing the arguments;
//   - each struct property links its Terraform name: "{@link https://…#cidr_block Vpc#cidr_block}";
//     `optional` absent means required;
//   - a property typed as a struct X is a block of at most one (cdktf models MaxItems 1 that
//     way); `IResolvable | X[]` is a list/set of blocks; a property whose summary is not
//     "NAME block." but whose type is a struct is a nested attribute (an object value, which
//     may also be an expression);
//   - the class's own properties are what a reference can read: every argument (getter) plus
//     the computed attributes; `fooInput` is the input-side twin of `foo` and is skipped.
//
// Output (deterministic: keys sorted, no timestamps), format 1:
//   { "format": 1, "revision": 2, "package": "@cdktf/provider-aws@21.22.1",
//     "provider_source": "hashicorp/aws", "provider_version": "6.25.0",
//     "provider": {"arguments": ARGS},
//     "resources":    {"aws_vpc": {"arguments": ARGS, "attributes": ["arn", …],
//                                   "computed": COMPUTED}, …},
//     "data_sources": {"aws_vpc": {…}, …} }
//   ARGS = {"cidr_block": ARG, …}
//   ARG  = {"shape": "scalar"|"list"|"map"|"block"|"blocklist"|"any",
//           "required": true     (omitted when optional),
//           "max_one": true      (block: at most one; omitted otherwise),
//           "attribute": true    (struct-shaped nested attribute, not a block: an expression
//                                 is accepted in place of the object; omitted otherwise),
//           "arguments": ARGS    (block, blocklist, and a map whose values are objects),
//           "type": TYPE         (scalar, list, map of non-objects, any: the value's type),
//           "computed": COMPUTED (block, blocklist, nested attribute: its read-only members)}
//   COMPUTED = {"owner_id": TYPE, …}: the attributes that can be read but not written (those
//              in `attributes` and not in `arguments`), with their types
//   TYPE = a type in cty's JSON notation (as `tofu providers schema -json` prints it):
//          "string" | "number" | "bool" | "dynamic" (the assembly cannot tell) |
//          ["list", TYPE] | ["map", TYPE] | ["object", {"name": TYPE, …}]
//          The assembly does not tell sets from lists (both are `X[]`): sets come out as lists.
//   "revision" counts additions to format 1 that older readers may ignore (2: type, computed).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { spawnSync } from "node:child_process";

const PACKAGE = "@cdktf/provider-aws";
const PACKAGE_VERSION = "21.22.1";
const PROVIDER_SOURCE = "hashicorp/aws";
const PROVIDER_VERSION = "6.25.0";
const FORMAT = 1;
const REVISION = 2;
const PINNED = `${PACKAGE}@${PACKAGE_VERSION}`;

function die(msg) {
  console.error(`extract-aws-schema: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
  if (r.error) die(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) die(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function summaryLine(doc, note) {
  const r = Object.keys(doc.resources).length;
  const d = Object.keys(doc.data_sources).length;
  return `extract-aws-schema: ${doc.package} (${doc.provider_source} ${doc.provider_version}): ` +
    `${r} resources, ${d} data sources${note ? ` (${note})` : ""}`;
}

// ---- fetching the assembly -------------------------------------------------------------------

/// The path of the cached, uncompressed assembly; downloads it on first use.
function assemblyPath() {
  const cache = process.env.EURUS_CACHE || path.join(os.homedir(), ".cache", "eurus");
  const dir = path.join(cache, `provider-aws-${PACKAGE_VERSION}`);
  const jsii = path.join(dir, "jsii.json");
  if (fs.existsSync(jsii)) return jsii;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
  try {
    const out = run("npm", ["pack", PINNED, "--silent", "--pack-destination", tmp]).trim().split("\n");
    const tgz = path.join(tmp, out[out.length - 1].trim());
    if (!fs.existsSync(tgz)) die(`npm pack did not produce ${tgz}`);
    run("tar", ["xzf", tgz, "-C", tmp, "package/.jsii"]);
    let text = fs.readFileSync(path.join(tmp, "package", ".jsii"), "utf8");
    const head = JSON.parse(text);
    // Large assemblies may be stored compressed behind a redirect stub.
    if (head.schema === "jsii/file-redirect") {
      const target = path.posix.join("package", head.filename);
      run("tar", ["xzf", tgz, "-C", tmp, target]);
      const raw = fs.readFileSync(path.join(tmp, target));
      text = (head.compression === "gzip" ? zlib.gunzipSync(raw) : raw).toString("utf8");
    }
    fs.writeFileSync(path.join(tmp, "jsii.json"), text);
    fs.renameSync(path.join(tmp, "jsii.json"), jsii);  // atomic: a cache hit is always whole
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return jsii;
}

// ---- reading the assembly --------------------------------------------------------------------

const LINK = /\{@link \S+#([A-Za-z0-9_]+) [A-Za-z0-9_]+#([A-Za-z0-9_]+)\}/;
const BLOCK_DOC = /^[A-Za-z0-9_]+ block\.$/;
const TYPE_LINK = /^Represents a \{@link \S+\/docs\/(resources|data-sources)\/\S+ ([a-z0-9_]+)\}/;

/// Computed-only attributes whose Terraform name snake() cannot recover (the assembly names
/// them nowhere; checked against the package's lib/*/index.js getters).
const KNOWN_NAMES = { checksumCrc64Nvme: "checksum_crc64nvme" };

/// camelCase → snake_case, for computed-only attributes (arguments are named by their doc
/// links). cdktf capitalises a letter that follows a digit (m3u8 → m3U8, crc32c → crc32C), so
/// after a digit a capital starting a word (tunnel1Address) gets an underscore, and a lone
/// capital (crc32C, m3U8) is lowercased in place.
function snake(name) {
  if (KNOWN_NAMES[name]) return KNOWN_NAMES[name];
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c >= "A" && c <= "Z") {
      const afterDigit = i > 0 && /[0-9]/.test(name[i - 1]);
      const next = name[i + 1];
      const wordStart = next !== undefined && next >= "a" && next <= "z";
      out += afterDigit && !wordStart ? c.toLowerCase() : "_" + c.toLowerCase();
    } else {
      out += c;
    }
  }
  return out;
}

/// jsii primitives as Terraform types (cdktf types every boolean as `boolean | IResolvable`).
const PRIMITIVES = { string: "string", number: "number", boolean: "bool", date: "string" };
/// cdktf's own reader types of computed values; a lone IResolvable is what cdktf's
/// getBooleanAttribute returns.
const CDKTF_TYPES = {
  "cdktf.IResolvable": "bool",
  "cdktf.StringMap": ["map", "string"],
  "cdktf.NumberMap": ["map", "number"],
  "cdktf.BooleanMap": ["map", "bool"],
  "cdktf.AnyMap": ["map", "dynamic"],
  "cdktf.StringMapList": ["list", ["map", "string"]],
  "cdktf.NumberMapList": ["list", ["map", "number"]],
  "cdktf.BooleanMapList": ["list", ["map", "bool"]],
  "cdktf.AnyMapList": ["list", ["map", "dynamic"]],
  "cdktf.BooleanList": ["list", "bool"],
};
/// Properties of cdktf's generated classes that are not Terraform attributes.
const CLASS_INTERNALS = new Set(["internalValue", "tfResourceType", "terraformAttribute",
                                 "terraformResource", "wrapsSet"]);

class Reader {
  constructor(asm) {
    this.types = asm.types;
    this.fallbacks = 0;     // properties named by snake() because no doc link named them
    this.camelToTf = new Map();  // every struct property's camel name → Terraform name
    for (const t of Object.values(this.types)) {
      if (t.kind !== "interface" || !t.datatype) continue;
      for (const p of t.properties || []) {
        const m = this.docText(p).match(LINK);
        if (m && !this.camelToTf.has(p.name)) this.camelToTf.set(p.name, m[2]);
      }
    }
  }

  docText(p) {
    return `${p.docs?.summary || ""} ${p.docs?.remarks || ""}`;
  }

  tfName(p) {
    const m = this.docText(p).match(LINK);
    if (m) return m[2];
    this.fallbacks++;
    return snake(p.name);
  }

  /// The type, in cty's JSON notation, of a jsii type reference as a Terraform value.
  /// `stack` holds the classes and structs being expanded (a recursive type becomes dynamic).
  ctyType(ref, stack = []) {
    if (!ref) return "dynamic";
    if (ref.union) {
      const alts = ref.union.types.filter((t) => t.fqn !== "cdktf.IResolvable");
      return alts.length === 1 ? this.ctyType(alts[0], stack) : "dynamic";
    }
    if (ref.primitive) return PRIMITIVES[ref.primitive] || "dynamic";
    if (ref.collection) {
      return [ref.collection.kind === "map" ? "map" : "list", this.ctyType(ref.collection.elementtype, stack)];
    }
    if (CDKTF_TYPES[ref.fqn]) return CDKTF_TYPES[ref.fqn];
    const t = this.types[ref.fqn];
    if (!t) return "dynamic";
    if (t.kind === "enum") return "string";
    if (stack.includes(ref.fqn)) return "dynamic";
    const inner = [...stack, ref.fqn];
    if (t.kind === "interface" && t.datatype) {
      const attrs = {};
      for (const p of t.properties || []) attrs[this.tfName(p)] = this.ctyType(p.type, inner);
      return ["object", attrs];
    }
    if (t.kind !== "class") return "dynamic";
    // cdktf's readers of computed values: ComplexList / ComplexMap wrap the element class that
    // their get(index|key) returns; a ComplexObject is one object.
    const element = () => {
      const get = (t.methods || []).find((m) => m.name === "get");
      return get?.returns?.type ? this.ctyType(get.returns.type, inner) : "dynamic";
    };
    if (t.base === "cdktf.ComplexList") return ["list", element()];
    if (t.base === "cdktf.ComplexMap") return ["map", element()];
    if (t.base === "cdktf.ComplexObject") return ["object", this.readable(t, new Set(), inner)];
    return "dynamic";
  }

  /// The readable properties of a class (resource, data source or ComplexObject) by Terraform
  /// name with their types, leaving out the names in `skip`, input twins and cdktf internals.
  readable(cls, skip, stack) {
    const names = new Set((cls.properties || []).map((p) => p.name));
    const out = {};
    for (const p of cls.properties || []) {
      if (p.static || CLASS_INTERNALS.has(p.name)) continue;
      if (p.name.endsWith("Input") && names.has(p.name.slice(0, -"Input".length))) continue;
      const name = this.camelToTf.get(p.name) || snake(p.name);
      if (skip.has(name)) continue;
      out[name] = this.ctyType(p.type, stack);
    }
    return out;
  }

  isStruct(ref) {
    const t = ref.fqn && this.types[ref.fqn];
    return !!(t && t.kind === "interface" && t.datatype);
  }

  /// The argument descriptor of one struct property.
  argument(p, stack) {
    const arg = {};
    let ty = p.type;
    if (ty.union) {
      const alts = ty.union.types.filter((t) => t.fqn !== "cdktf.IResolvable");
      ty = alts.length === 1 ? alts[0] : null;  // none or several: not modelled, accept anything
    }
    let struct = null;
    if (!ty || ty.primitive === "any") {
      arg.shape = "any";
    } else if (ty.primitive) {
      arg.shape = "scalar";
    } else if (ty.collection) {
      const el = ty.collection.elementtype;
      if (ty.collection.kind === "map") {
        arg.shape = "map";
        if (this.isStruct(el)) struct = el.fqn;
      } else if (this.isStruct(el)) {
        arg.shape = "blocklist";
        struct = el.fqn;
      } else {
        arg.shape = "list";
      }
    } else if (this.isStruct(ty)) {
      arg.shape = "block";
      arg.max_one = true;
      struct = ty.fqn;
    } else {
      arg.shape = "scalar";  // enums and other references: a single value
    }
    if (!p.optional) arg.required = true;
    if (!struct) arg.type = this.ctyType(p.type);
    if (struct) {
      if (arg.shape !== "map" && !BLOCK_DOC.test(p.docs?.summary || "")) arg.attribute = true;
      if (stack.includes(struct)) {
        // A recursive type cannot be written out; accept any object below this point.
        return { shape: "any", ...(arg.required ? { required: true } : {}) };
      }
      arg.arguments = this.arguments(struct, [...stack, struct]);
      // Read-only members of the block: its OutputReference's getters that are no argument.
      const ref = this.types[`${struct}OutputReference`];
      if (ref && arg.shape !== "map") {
        const computed = this.readable(ref, new Set(Object.keys(arg.arguments)), [struct]);
        if (Object.keys(computed).length) arg.computed = computed;
      }
    }
    return arg;
  }

  arguments(fqn, stack = [fqn]) {
    const out = {};
    for (const p of this.types[fqn].properties || []) out[this.tfName(p)] = this.argument(p, stack);
    return out;
  }

  /// Readable attributes of a resource/data source class, by Terraform name.
  attributes(cls, args, configFqn) {
    const own = new Map();
    for (const p of this.types[configFqn].properties || []) own.set(p.name, this.tfName(p));
    const names = new Set((cls.properties || []).map((p) => p.name));
    const attrs = new Set(Object.keys(args));
    for (const p of cls.properties || []) {
      if (p.static) continue;
      // `fooInput` is the input twin of `foo`; a lone `fooInput` is a real attribute.
      if (p.name.endsWith("Input") && names.has(p.name.slice(0, -"Input".length))) continue;
      attrs.add(own.get(p.name) || this.camelToTf.get(p.name) || snake(p.name));
    }
    return [...attrs];
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

function extract(asm) {
  if (asm.name !== PACKAGE || asm.version !== PACKAGE_VERSION)
    die(`the cached assembly is ${asm.name}@${asm.version}, expected ${PINNED}`);
  const r = new Reader(asm);
  const doc = {
    format: FORMAT,
    revision: REVISION,
    package: PINNED,
    provider_source: PROVIDER_SOURCE,
    provider_version: PROVIDER_VERSION,
    provider: null,
    resources: {},
    data_sources: {},
  };
  for (const [fqn, t] of Object.entries(asm.types)) {
    if (t.kind !== "class") continue;
    const cfgParam = (t.initializer?.parameters || []).find((p) => p.name === "config");
    const cfg = cfgParam?.type?.fqn;
    if (!cfg || !asm.types[cfg]) continue;
    if (t.base === "cdktf.TerraformProvider") {
      const args = r.arguments(cfg);
      delete args.alias;  // a meta-argument, checked by the validator itself
      doc.provider = { arguments: args };
      continue;
    }
    const m = (t.docs?.summary || "").match(TYPE_LINK);
    if (!m) continue;
    const table = m[1] === "resources" ? doc.resources : doc.data_sources;
    if (table[m[2]]) die(`${m[2]} is described twice (${fqn})`);
    const args = r.arguments(cfg);
    const attributes = r.attributes(t, args, cfg).sort();
    const computed = r.readable(t, new Set(Object.keys(args)), [fqn]);
    for (const name of Object.keys(computed)) {
      if (!attributes.includes(name)) delete computed[name];
    }
    table[m[2]] = { arguments: args, attributes, computed };
  }
  if (!doc.provider) die("the assembly has no provider class");
  if (r.fallbacks) console.error(`extract-aws-schema: note: ${r.fallbacks} argument names guessed from camelCase`);
  return sortKeys(doc);
}

// ---- main ------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const force = argv.includes("--force");
const outPath = argv.find((a) => !a.startsWith("--"));
if (!outPath || argv.some((a) => a.startsWith("--") && a !== "--force")) {
  console.error("usage: node scripts/extract-aws-schema.mjs OUT.json [--force]");
  process.exit(2);
}

if (!force && fs.existsSync(outPath)) {
  try {
    const old = JSON.parse(fs.readFileSync(outPath, "utf8"));
    if (old.package === PINNED && old.format === FORMAT && old.revision === REVISION) {
      console.log(summaryLine(old, "up to date"));
      process.exit(0);
    }
  } catch {
    // unreadable: rebuild it
  }
}

const asm = JSON.parse(fs.readFileSync(assemblyPath(), "utf8"));
const doc = extract(asm);
fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
const tmp = `${outPath}.tmp-${process.pid}`;
fs.writeFileSync(tmp, JSON.stringify(doc) + "\n");
fs.renameSync(tmp, outPath);
console.log(summaryLine(doc));
