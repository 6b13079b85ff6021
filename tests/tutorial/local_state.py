#!/usr/bin/env python3
"""tests/tutorial/local_state.py REPO: after `eurus synth`, point every unit of REPO/out at local
state files (REPO/.state/<unit>.tfstate) through `eurus_local_override.tf.json` files, so that the
stand-in provider (tests/fakeaws) can plan and apply them without AWS: the S3 backend becomes a
local one, and each `terraform_remote_state` read becomes a read of the local state of the unit
whose S3 backend has the same bucket, key and region. eurus keeps files it did not generate, so
the overrides survive the synth that `eurus plan`/`apply` run first. Exits 1 when a read names
no unit's backend (it would miss its upstream on AWS as well)."""
import json, os, sys


def main(repo):
    out = os.path.join(repo, "out")
    state = os.path.join(os.path.abspath(repo), ".state")
    units = sorted(json.load(open(os.path.join(out, "eurus.manifest.json")))["units"])
    backends = {}
    for uid in units:
        b = json.load(open(os.path.join(out, uid, "providers.tf.json"))).get("terraform", {}).get("backend", {})
        if "s3" in b:
            s3 = b["s3"]
            backends[(s3["bucket"], s3["key"], s3["region"])] = uid
    bad = 0
    for uid in units:
        d = os.path.join(out, uid)
        main_tf = json.load(open(os.path.join(d, "main.tf.json")))
        prov = json.load(open(os.path.join(d, "providers.tf.json")))
        o = {}
        if "s3" in prov.get("terraform", {}).get("backend", {}):
            o["terraform"] = {"backend": {"local": {"path": os.path.join(state, uid + ".tfstate")}}}
        reads = {}
        for name, body in main_tf.get("data", {}).get("terraform_remote_state", {}).items():
            cfg = body["config"]
            up = backends.get((cfg["bucket"], cfg["key"], cfg["region"]))
            if up is None:
                print(f"local_state: {uid}: remote state `{name}` reads s3://{cfg['bucket']}/{cfg['key']}, "
                      "which no unit writes", file=sys.stderr)
                bad += 1
                continue
            reads[name] = {"backend": "local", "config": {"path": os.path.join(state, up + ".tfstate")}}
        if reads:
            o["data"] = {"terraform_remote_state": reads}
        if o:
            with open(os.path.join(d, "eurus_local_override.tf.json"), "w") as f:
                json.dump(o, f, indent=2)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
