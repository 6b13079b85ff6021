package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// plan returns the planned value of an object described by b: the proposed value with every
// computed attribute that is null and has no prior counterpart (a new resource, a new block
// element) marked unknown. Where a prior object exists OpenTofu's proposed value already
// carries the prior computed values, so an unchanged configuration plans no change.
func (b *block) plan(proposed, prior tftypes.Value) (tftypes.Value, error) {
	if proposed.IsNull() || !proposed.IsKnown() {
		return proposed, nil
	}
	var vals map[string]tftypes.Value
	if err := proposed.As(&vals); err != nil {
		return proposed, err
	}
	var priorVals map[string]tftypes.Value
	if !prior.IsNull() && prior.IsKnown() {
		if err := prior.As(&priorVals); err != nil {
			return proposed, err
		}
	}
	for name, a := range b.attrs {
		v, ok := vals[name]
		if !ok || !a.computed || !v.IsNull() {
			continue
		}
		if priorVals == nil {
			vals[name] = tftypes.NewValue(a.typ, tftypes.UnknownValue)
		}
	}
	for name, n := range b.blocks {
		v, ok := vals[name]
		if !ok || v.IsNull() || !v.IsKnown() {
			continue
		}
		var elems, priorElems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return proposed, err
		}
		if pv, ok := priorVals[name]; ok && !pv.IsNull() && pv.IsKnown() {
			if err := pv.As(&priorElems); err != nil {
				return proposed, err
			}
		}
		elemType := n.block.objectType()
		for i := range elems {
			p := tftypes.NewValue(elemType, nil)
			if i < len(priorElems) {
				p = priorElems[i]
			}
			planned, err := n.block.plan(elems[i], p)
			if err != nil {
				return proposed, err
			}
			elems[i] = planned
		}
		vals[name] = tftypes.NewValue(v.Type(), elems)
	}
	return tftypes.NewValue(proposed.Type(), vals), nil
}

// faker fills unknown values with deterministic fake ones.
type faker struct {
	typeName string // aws_vpc
	seed     string // canonical text of the configuration
	region   string
	account  string
	id       string // the object's id once known (for arn), else ""
	name     string // its name-like argument, else ""
}

// fill replaces every unknown value inside v with a fake value of its type.
func (f *faker) fill(v tftypes.Value) (tftypes.Value, error) {
	// id first: arn and the like are built from it.
	var vals map[string]tftypes.Value
	if v.Type().Is(tftypes.Object{}) && v.IsKnown() && !v.IsNull() {
		if err := v.As(&vals); err == nil {
			if idv, ok := vals["id"]; ok && !idv.IsKnown() && idv.Type().Is(tftypes.String) {
				vals["id"] = tftypes.NewValue(tftypes.String, f.fakeID())
				v = tftypes.NewValue(v.Type(), vals)
			}
			f.id = stringOf(vals["id"])
			for _, k := range []string{"name", "bucket", "function_name", "cluster_name", "role_name"} {
				if s := stringOf(vals[k]); s != "" {
					f.name = s
					break
				}
			}
		}
	}
	return tftypes.Transform(v, func(p *tftypes.AttributePath, x tftypes.Value) (tftypes.Value, error) {
		if x.IsKnown() {
			return x, nil
		}
		return f.fake(pathString(p), len(p.Steps()), x.Type()), nil
	})
}

func stringOf(v tftypes.Value) string {
	var s string
	if v.Type() == nil || !v.Type().Is(tftypes.String) || !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
		return ""
	}
	return s
}

// fake is the value of an unknown at path (depth = number of steps; 1 = a top-level attribute).
func (f *faker) fake(path string, depth int, t tftypes.Type) tftypes.Value {
	switch {
	case t.Is(tftypes.String), t.Is(tftypes.DynamicPseudoType):
		s := fmt.Sprintf("fake-%s-%s", lastName(path), f.hash(path)[:12])
		if depth == 1 && path == "arn" {
			s = f.arn()
		} else if depth == 1 && path == "id" {
			s = f.fakeID()
		}
		return tftypes.NewValue(tftypes.String, s)
	case t.Is(tftypes.Number):
		return tftypes.NewValue(tftypes.Number, big.NewFloat(0))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(tftypes.Bool, false)
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
		// A computed list of objects is a nested result AWS returns one of (master_user_secret,
		// identity.oidc, …; configurations index it with [0]): one element. Lists of scalars
		// stay empty.
		var elem tftypes.Type
		if l, ok := t.(tftypes.List); ok {
			elem = l.ElementType
		} else {
			elem = t.(tftypes.Set).ElementType
		}
		if elem.Is(tftypes.Object{}) {
			return tftypes.NewValue(t, []tftypes.Value{f.fake(path+".0", depth+1, elem)})
		}
		return emptyCollection(t)
	case t.Is(tftypes.Map{}), t.Is(tftypes.Tuple{}):
		return emptyCollection(t)
	case t.Is(tftypes.Object{}):
		obj := t.(tftypes.Object)
		vals := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			vals[name] = f.fake(path+"."+name, depth+1, at)
		}
		return tftypes.NewValue(t, vals)
	}
	return tftypes.NewValue(t, nil)
}

func emptyCollection(t tftypes.Type) tftypes.Value {
	switch {
	case t.Is(tftypes.Map{}):
		return tftypes.NewValue(t, map[string]tftypes.Value{})
	case t.Is(tftypes.Tuple{}):
		return tftypes.NewValue(t, []tftypes.Value{})
	}
	return tftypes.NewValue(t, []tftypes.Value{})
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if path == "" {
		return "value"
	}
	return path
}

func (f *faker) hash(what string) string {
	sum := sha256.Sum256([]byte(f.typeName + "\x00" + f.seed + "\x00" + what))
	return hex.EncodeToString(sum[:])
}

// idPrefixes shapes the ids of common EC2 objects like AWS does (prefix + 17 hex digits).
var idPrefixes = map[string]string{
	"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_security_group": "sg", "aws_nat_gateway": "nat",
	"aws_internet_gateway": "igw", "aws_egress_only_internet_gateway": "eigw", "aws_route_table": "rtb",
	"aws_eip": "eipalloc", "aws_vpc_endpoint": "vpce", "aws_network_acl": "acl",
	"aws_ec2_managed_prefix_list": "pl", "aws_ec2_transit_gateway": "tgw",
	"aws_ec2_transit_gateway_vpc_attachment": "tgw-attach", "aws_flow_log": "fl", "aws_instance": "i",
	"aws_launch_template": "lt", "aws_vpc_peering_connection": "pcx", "aws_ebs_volume": "vol",
	"aws_vpc_security_group_ingress_rule": "sgr", "aws_vpc_security_group_egress_rule": "sgr",
	"aws_route_table_association": "rtbassoc", "aws_network_interface": "eni",
	"aws_vpc_dhcp_options": "dopt", "aws_default_route_table": "rtb",
	"aws_default_security_group": "sg", "aws_default_network_acl": "acl",
}

func (f *faker) fakeID() string {
	h := f.hash("id")
	if p, ok := idPrefixes[f.typeName]; ok {
		return p + "-0" + h[:16]
	}
	return h[:20]
}

// arnServices maps a type-name prefix to the ARN's service where the two differ.
var arnServices = map[string]string{
	"vpc": "ec2", "subnet": "ec2", "security": "ec2", "nat": "ec2", "internet": "ec2", "route": "ec2",
	"eip": "ec2", "network": "ec2", "instance": "ec2", "launch": "ec2", "ebs": "ec2", "default": "ec2",
	"egress": "ec2", "flow": "ec2", "cloudwatch": "logs", "lb": "elasticloadbalancing",
	"alb": "elasticloadbalancing", "db": "rds", "wafv2": "wafv2", "cloudfront": "cloudfront",
}

// globalServices have ARNs without a region.
var globalServices = map[string]bool{"iam": true, "s3": true, "cloudfront": true, "organizations": true}

func (f *faker) arn() string {
	rest := strings.TrimPrefix(f.typeName, "aws_")
	service := rest
	if i := strings.IndexByte(rest, '_'); i >= 0 {
		service = rest[:i]
		rest = rest[i+1:]
	}
	if s, ok := arnServices[service]; ok {
		rest = strings.TrimPrefix(f.typeName, "aws_")
		service = s
	}
	region, account := f.region, f.account
	if globalServices[service] {
		region = ""
	}
	if service == "s3" {
		account = ""
	}
	name := f.name
	if name == "" {
		name = f.id
	}
	if name == "" {
		name = f.hash("arn")[:20]
	}
	if service == "s3" {
		return fmt.Sprintf("arn:aws:s3:::%s", name)
	}
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, account, strings.ReplaceAll(rest, "_", "-"), name)
}

// pathString renders an attribute path as a.b.0.c (map keys and list indexes as steps).
func pathString(p *tftypes.AttributePath) string {
	var parts []string
	for _, s := range p.Steps() {
		switch s := s.(type) {
		case tftypes.AttributeName:
			parts = append(parts, string(s))
		case tftypes.ElementKeyString:
			parts = append(parts, string(s))
		case tftypes.ElementKeyInt:
			parts = append(parts, fmt.Sprint(int64(s)))
		default:
			parts = append(parts, "*")
		}
	}
	return strings.Join(parts, ".")
}

// canon is a deterministic text of a value (object attributes and map keys sorted).
func canon(v tftypes.Value) string {
	var sb strings.Builder
	writeCanon(&sb, v)
	return sb.String()
}

func writeCanon(sb *strings.Builder, v tftypes.Value) {
	switch {
	case v.Type() == nil || v.IsNull():
		sb.WriteString("null")
	case !v.IsKnown():
		sb.WriteString("?")
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		fmt.Fprintf(sb, "%q", s)
	case v.Type().Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		sb.WriteString(n.Text('g', -1))
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		fmt.Fprint(sb, b)
	case v.Type().Is(tftypes.Map{}), v.Type().Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sb.WriteString("{")
		for _, k := range keys {
			fmt.Fprintf(sb, "%q:", k)
			writeCanon(sb, m[k])
			sb.WriteString(",")
		}
		sb.WriteString("}")
	default:
		var l []tftypes.Value
		_ = v.As(&l)
		sb.WriteString("[")
		for _, e := range l {
			writeCanon(sb, e)
			sb.WriteString(",")
		}
		sb.WriteString("]")
	}
}
