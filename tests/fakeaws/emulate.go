package main

import (
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Per-type plan behaviour of the real provider that generated configurations depend on. The
// generic plan marks a computed attribute unknown as a whole; where the real provider's plan
// (a CustomizeDiff) already knows part of it, and a configuration keys for_each on that part,
// the generic answer would make OpenTofu refuse a plan that the real provider lets through.
// Each entry cites the provider behaviour it copies; keep the list short and exact.
var planHooks = map[string]func(vals, config map[string]tftypes.Value) error{
	// AWS provider >= 3.0 plans domain_validation_options with one element per distinct name of
	// domain_name + subject_alternative_names, domain_name known and the record fields unknown
	// (version-3-upgrade guide, "domain_validation_options Changed from List to Set"), so that
	// `for_each = {for dvo in …domain_validation_options : dvo.domain_name => dvo}` plans on the
	// first apply.
	"aws_acm_certificate": planACMValidationOptions,
}

// replaceOn lists, per type, the arguments whose change the real provider plans as a
// replacement (ForceNew / RequiresReplace), for the types where that decides what a test sees:
// the data stores the destroy guard protects, and the task definition an app edit replaces.
// "*" means every argument but those listed with a leading "-". Only arguments known to force
// a new object are listed (the provider's schemas; an ECS task definition is immutable, each
// change is a new revision); anything else updates in place.
var replaceOn = map[string][]string{
	"aws_rds_cluster":                  {"cluster_identifier", "engine", "kms_key_id", "storage_encrypted", "database_name", "master_username"},
	"aws_docdb_cluster":                {"cluster_identifier", "engine", "kms_key_id", "storage_encrypted", "master_username"},
	"aws_elasticache_serverless_cache": {"name"},
	"aws_s3_bucket":                    {"bucket"},
	"aws_vpc":                          {"cidr_block"},
	"aws_subnet":                       {"vpc_id", "cidr_block", "availability_zone"},
	"aws_ecs_task_definition":          {"*", "-tags", "-tags_all", "-skip_destroy", "-track_latest", "-region"},
}

// requiresReplace is the paths of replaceOn's arguments of typeName whose planned value
// differs from the prior one (an update; none for a create or a delete).
func requiresReplace(typeName string, b *block, prior, planned tftypes.Value) ([]*tftypes.AttributePath, error) {
	list, ok := replaceOn[typeName]
	if !ok || prior.IsNull() || planned.IsNull() || !prior.IsKnown() || !planned.IsKnown() {
		return nil, nil
	}
	var before, after map[string]tftypes.Value
	if err := prior.As(&before); err != nil {
		return nil, err
	}
	if err := planned.As(&after); err != nil {
		return nil, err
	}
	names := list
	if len(list) > 0 && list[0] == "*" {
		skip := map[string]bool{"id": true, "arn": true, "revision": true, "arn_without_revision": true}
		for _, n := range list[1:] {
			skip[strings.TrimPrefix(n, "-")] = true
		}
		names = nil
		for n, a := range b.attrs {
			if !skip[n] && (a.required || a.optional) {
				names = append(names, n)
			}
		}
		for n := range b.blocks {
			if !skip[n] {
				names = append(names, n)
			}
		}
		sort.Strings(names)
	}
	var paths []*tftypes.AttributePath
	for _, n := range names {
		x, y := before[n], after[n]
		if x.Type() == nil || y.Type() == nil {
			continue
		}
		if !y.IsFullyKnown() || canon(x) != canon(y) {
			paths = append(paths, tftypes.NewAttributePath().WithAttributeName(n))
		}
	}
	return paths, nil
}

// Per-type apply behaviour: values in AWS's shape where a configuration uses them as more than
// an opaque string.
var applyHooks = map[string]func(f *faker, vals map[string]tftypes.Value) error{
	"aws_acm_certificate": applyACMValidationOptions,
}

// acmNames is domain_name + subject_alternative_names, sorted and distinct, from the
// configuration (a null SAN list is planned unknown, being optional+computed, but means none).
func acmNames(vals map[string]tftypes.Value) ([]string, bool) {
	names := map[string]bool{}
	d := vals["domain_name"]
	if d.IsNull() || !d.IsKnown() {
		return nil, false
	}
	names[stringOf(d)] = true
	if sans, ok := vals["subject_alternative_names"]; ok && !sans.IsNull() {
		if !sans.IsFullyKnown() {
			return nil, false
		}
		var l []tftypes.Value
		if err := sans.As(&l); err != nil {
			return nil, false
		}
		for _, s := range l {
			names[stringOf(s)] = true
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, true
}

func dvoType(vals map[string]tftypes.Value) (tftypes.Type, tftypes.Object, bool) {
	v, ok := vals["domain_validation_options"]
	if !ok {
		return nil, tftypes.Object{}, false
	}
	var elem tftypes.Type
	switch t := v.Type().(type) {
	case tftypes.Set:
		elem = t.ElementType
	case tftypes.List:
		elem = t.ElementType
	default:
		return nil, tftypes.Object{}, false
	}
	obj, ok := elem.(tftypes.Object)
	if !ok {
		return nil, tftypes.Object{}, false
	}
	if _, ok := obj.AttributeTypes["domain_name"]; !ok {
		return nil, tftypes.Object{}, false
	}
	return v.Type(), obj, true
}

func planACMValidationOptions(vals, config map[string]tftypes.Value) error {
	v := vals["domain_validation_options"]
	if v.IsKnown() {
		return nil
	}
	t, obj, ok := dvoType(vals)
	if !ok {
		return nil
	}
	if m := config["validation_method"]; m.IsKnown() && !m.IsNull() && stringOf(m) != "DNS" {
		return nil
	}
	names, ok := acmNames(config)
	if !ok {
		return nil
	}
	elems := make([]tftypes.Value, 0, len(names))
	for _, n := range names {
		attrs := map[string]tftypes.Value{}
		for a, at := range obj.AttributeTypes {
			attrs[a] = tftypes.NewValue(at, tftypes.UnknownValue)
		}
		attrs["domain_name"] = tftypes.NewValue(tftypes.String, n)
		elems = append(elems, tftypes.NewValue(obj, attrs))
	}
	vals["domain_validation_options"] = tftypes.NewValue(t, elems)
	return nil
}

// applyACMValidationOptions fills the record of each name like ACM does: a CNAME
// `_<32 hex>.<name without "*.">.` pointing at `_<32 hex>.<10 letters>.acm-validations.aws.`.
func applyACMValidationOptions(f *faker, vals map[string]tftypes.Value) error {
	v := vals["domain_validation_options"]
	if !v.IsKnown() || v.IsNull() || v.IsFullyKnown() {
		return nil
	}
	t, obj, ok := dvoType(vals)
	if !ok {
		return nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return err
	}
	for i, e := range elems {
		var attrs map[string]tftypes.Value
		if err := e.As(&attrs); err != nil {
			return err
		}
		name := stringOf(attrs["domain_name"])
		base := strings.TrimPrefix(name, "*.")
		set := func(a, s string) {
			if x, ok := attrs[a]; ok && !x.IsKnown() {
				attrs[a] = tftypes.NewValue(tftypes.String, s)
			}
		}
		set("resource_record_name", "_"+f.hash("dvo-name " + base)[:32]+"."+base+".")
		set("resource_record_type", "CNAME")
		set("resource_record_value", "_"+f.hash("dvo-value " + base)[:32]+".fakeacmval.acm-validations.aws.")
		elems[i] = tftypes.NewValue(obj, attrs)
	}
	vals["domain_validation_options"] = tftypes.NewValue(t, elems)
	return nil
}

// hook runs fn over the attributes of an object value.
func hook(v tftypes.Value, fn func(map[string]tftypes.Value) error) (tftypes.Value, error) {
	if v.IsNull() || !v.IsKnown() {
		return v, nil
	}
	var vals map[string]tftypes.Value
	if err := v.As(&vals); err != nil {
		return v, err
	}
	if err := fn(vals); err != nil {
		return v, err
	}
	return tftypes.NewValue(v.Type(), vals), nil
}
