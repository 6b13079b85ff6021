package main

import (
	"context"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const testSchema = "testdata/schema.json"

func testServer(t *testing.T, drift string) *server {
	t.Helper()
	s := newServer(testSchema, drift)
	sc, diags := s.load()
	if sc == nil {
		t.Fatalf("load: %v", diags[0].Detail)
	}
	return s
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strMap(kv ...string) tftypes.Value {
	m := map[string]tftypes.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = str(kv[i+1])
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, m)
}

// object builds a value of b's type: the given attributes, every other one null (a
// configuration as OpenTofu sends it; nested blocks absent = empty list).
func object(b *block, set map[string]tftypes.Value) tftypes.Value {
	t := b.objectType()
	vals := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else if _, isBlock := b.blocks[name]; isBlock {
			vals[name] = tftypes.NewValue(at, []tftypes.Value{})
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(t, vals)
}

func dyn(t *testing.T, b *block, v tftypes.Value) *tfprotov5.DynamicValue {
	t.Helper()
	dv, err := tfprotov5.NewDynamicValue(b.objectType(), v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func undyn(t *testing.T, b *block, dv *tfprotov5.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(b.objectType())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// proposedNew mimics OpenTofu's proposed new state: configuration values, with computed
// attributes that the configuration leaves null taken from the prior state.
func proposedNew(b *block, config, prior tftypes.Value) tftypes.Value {
	if prior.IsNull() || config.IsNull() {
		return config
	}
	var cfg, pri map[string]tftypes.Value
	_ = config.As(&cfg)
	_ = prior.As(&pri)
	for name, a := range b.attrs {
		if a.computed && cfg[name].IsNull() {
			cfg[name] = pri[name]
		}
	}
	for name, n := range b.blocks {
		var ce, pe []tftypes.Value
		_ = cfg[name].As(&ce)
		_ = pri[name].As(&pe)
		for i := range ce {
			if i < len(pe) {
				ce[i] = proposedNew(n.block, ce[i], pe[i])
			}
		}
		cfg[name] = tftypes.NewValue(cfg[name].Type(), ce)
	}
	return tftypes.NewValue(config.Type(), cfg)
}

func TestSchemaConversion(t *testing.T) {
	s := testServer(t, "")
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, resp.Diagnostics)
	}
	w := resp.ResourceSchemas["aws_widget"].Block
	attrs := map[string]*tfprotov5.SchemaAttribute{}
	for _, a := range w.Attributes {
		attrs[a.Name] = a
	}
	if a := attrs["name"]; !a.Required || a.Optional || a.Computed || !a.Type.Is(tftypes.String) {
		t.Errorf("name: %+v, want required string", a)
	}
	if a := attrs["size"]; a.Required || !a.Optional || !a.Computed || !a.Type.Is(tftypes.Number) {
		t.Errorf("size: %+v, want optional+computed number", a)
	}
	if a := attrs["arn"]; a.Optional || !a.Computed {
		t.Errorf("arn: %+v, want computed only", a)
	}
	if a := attrs["anything"]; !a.Type.Is(tftypes.DynamicPseudoType) {
		t.Errorf("anything: %v, want dynamic", a.Type)
	}
	if a := attrs["settings"]; a == nil || !a.Type.Is(tftypes.Object{}) {
		t.Errorf("settings (a nested attribute) should be an object attribute: %+v", a)
	}
	if a := attrs["identity"]; a == nil || !a.Type.Equal(tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"oidc": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"issuer": tftypes.String}}}}}}) {
		t.Errorf("identity: %+v", a)
	}
	blocks := map[string]*tfprotov5.SchemaNestedBlock{}
	for _, b := range w.BlockTypes {
		blocks[b.TypeName] = b
	}
	if b := blocks["rule"]; b == nil || b.MinItems != 1 || b.MaxItems != 0 || b.Nesting != tfprotov5.SchemaNestedBlockNestingModeList {
		t.Errorf("rule: %+v, want a required list block", b)
	} else if len(b.Block.Attributes) != 2 {
		t.Errorf("rule attributes: %+v, want port and the computed rule_id", b.Block.Attributes)
	}
	if b := blocks["timeouts"]; b == nil || b.MaxItems != 1 || b.MinItems != 0 {
		t.Errorf("timeouts: %+v, want an optional block of at most one", b)
	}
	vpc := resp.ResourceSchemas["aws_vpc"].Block
	for _, a := range vpc.Attributes {
		if a.Name == "tags" && !a.Type.Equal(tftypes.Map{ElementType: tftypes.String}) {
			t.Errorf("tags: %v, want map(string)", a.Type)
		}
	}
	for _, a := range resp.Provider.Block.Attributes {
		if a.Computed {
			t.Errorf("provider attribute %s is computed", a.Name)
		}
	}
}

func TestMissingSchemaEnv(t *testing.T) {
	s := newServer("", "")
	resp, _ := s.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, schemaEnv) {
		t.Fatalf("want a diagnostic naming %s, got %+v", schemaEnv, resp.Diagnostics)
	}
}

func configure(t *testing.T, s *server) {
	t.Helper()
	p := s.schemas.provider
	cfg := object(p, map[string]tftypes.Value{
		"region":              str("eu-west-1"),
		"allowed_account_ids": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str("111122223333")}),
		"default_tags": tftypes.NewValue(p.objectType().AttributeTypes["default_tags"], []tftypes.Value{
			object(p.blocks["default_tags"].block, map[string]tftypes.Value{"tags": strMap("owner", "eurus")})}),
	})
	resp, err := s.ConfigureProvider(context.Background(), &tfprotov5.ConfigureProviderRequest{Config: dyn(t, p, cfg)})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
}

// quietReplan fails the test when planning the created object's configuration again changes it.
func quietReplan(t *testing.T, b *block, created, replanned *tfprotov5.DynamicValue) {
	t.Helper()
	c, _ := created.Unmarshal(b.objectType())
	r, _ := replanned.Unmarshal(b.objectType())
	if !c.Equal(r) {
		t.Errorf("second plan of the same configuration changes the state:\n%v\n%v", c, r)
	}
}

// lifecycle plans and applies a create of config, then plans the same config again.
func lifecycle(t *testing.T, s *server, typeName string, config tftypes.Value) (created, replanned *tfprotov5.DynamicValue, planned map[string]tftypes.Value) {
	t.Helper()
	ctx := context.Background()
	b := s.schemas.resources[typeName]
	null := tftypes.NewValue(b.objectType(), nil)
	p1, err := s.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: typeName,
		PriorState: dyn(t, b, null), ProposedNewState: dyn(t, b, config), Config: dyn(t, b, config)})
	if err != nil || len(p1.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, p1.Diagnostics)
	}
	planned = undyn(t, b, p1.PlannedState)
	a, err := s.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: typeName,
		PriorState: dyn(t, b, null), PlannedState: p1.PlannedState, Config: dyn(t, b, config)})
	if err != nil || len(a.Diagnostics) > 0 {
		t.Fatalf("apply: %v %v", err, a.Diagnostics)
	}
	state, _ := a.NewState.Unmarshal(b.objectType())
	if !state.IsFullyKnown() {
		t.Fatalf("applied state has unknowns: %v", state)
	}
	p2, err := s.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: typeName,
		PriorState: a.NewState, ProposedNewState: dyn(t, b, proposedNew(b, config, state)), Config: dyn(t, b, config)})
	if err != nil || len(p2.Diagnostics) > 0 {
		t.Fatalf("second plan: %v %v", err, p2.Diagnostics)
	}
	return a.NewState, p2.PlannedState, planned
}

func TestPlanApplyReplan(t *testing.T) {
	s := testServer(t, "")
	configure(t, s)
	b := s.schemas.resources["aws_vpc"]
	config := object(b, map[string]tftypes.Value{"cidr_block": str("10.0.0.0/16"), "tags": strMap("Name", "main")})
	created, replanned, planned := lifecycle(t, s, "aws_vpc", config)

	for _, name := range []string{"arn", "owner_id", "id", "enable_dns_support"} {
		if planned[name].IsKnown() {
			t.Errorf("planned %s = %v, want unknown on create", name, planned[name])
		}
	}
	if !planned["cidr_block"].Equal(str("10.0.0.0/16")) {
		t.Errorf("planned cidr_block = %v", planned["cidr_block"])
	}
	if want := strMap("Name", "main", "owner", "eurus"); !planned["tags_all"].Equal(want) {
		t.Errorf("planned tags_all = %v, want default_tags merged with tags", planned["tags_all"])
	}
	state := undyn(t, b, created)
	if id := stringOf(state["id"]); !strings.HasPrefix(id, "vpc-0") || len(id) != 21 {
		t.Errorf("id = %q, want vpc-0 + 16 hex digits", id)
	}
	if arn := stringOf(state["arn"]); arn != "arn:aws:ec2:eu-west-1:111122223333:vpc/"+stringOf(state["id"]) {
		t.Errorf("arn = %q", arn)
	}
	if !state["enable_dns_support"].Equal(tftypes.NewValue(tftypes.Bool, false)) {
		t.Errorf("enable_dns_support = %v, want false", state["enable_dns_support"])
	}
	quietReplan(t, b, created, replanned)

	// Deterministic: a second create of the same configuration gives the same values.
	again, _, _ := lifecycle(t, s, "aws_vpc", config)
	c, _ := created.Unmarshal(b.objectType())
	a, _ := again.Unmarshal(b.objectType())
	if !c.Equal(a) {
		t.Errorf("re-creating gives different values:\n%v\n%v", c, a)
	}
	// A different configuration gives a different id.
	other, _, _ := lifecycle(t, s, "aws_vpc", object(b, map[string]tftypes.Value{"cidr_block": str("10.1.0.0/16")}))
	if stringOf(undyn(t, b, other)["id"]) == stringOf(state["id"]) {
		t.Errorf("two configurations share an id")
	}
}

// Without tags, tags_all is the provider's default_tags, known at plan time (tags itself is
// computed, so unknown then), and a second plan is quiet.
func TestTagsAllWithoutTags(t *testing.T) {
	s := testServer(t, "")
	configure(t, s)
	b := s.schemas.resources["aws_vpc"]
	created, replanned, planned := lifecycle(t, s, "aws_vpc", object(b, map[string]tftypes.Value{"cidr_block": str("10.2.0.0/16")}))
	if want := strMap("owner", "eurus"); !planned["tags_all"].Equal(want) {
		t.Errorf("planned tags_all = %v, want %v", planned["tags_all"], want)
	}
	quietReplan(t, b, created, replanned)
}

func TestNestedBlocks(t *testing.T) {
	s := testServer(t, "")
	b := s.schemas.resources["aws_widget"]
	rule := b.blocks["rule"].block
	ruleList := b.objectType().AttributeTypes["rule"]
	config := object(b, map[string]tftypes.Value{
		"name": str("w"),
		"rule": tftypes.NewValue(ruleList, []tftypes.Value{
			object(rule, map[string]tftypes.Value{"port": tftypes.NewValue(tftypes.Number, big.NewFloat(443))})}),
	})
	created, replanned, planned := lifecycle(t, s, "aws_widget", config)
	var rules []tftypes.Value
	_ = planned["rule"].As(&rules)
	var r0 map[string]tftypes.Value
	_ = rules[0].As(&r0)
	if r0["rule_id"].IsKnown() {
		t.Errorf("planned rule[0].rule_id = %v, want unknown", r0["rule_id"])
	}
	state := undyn(t, b, created)
	if arn := stringOf(state["arn"]); arn != "arn:aws:widget:us-east-1:123456789012:widget/w" {
		t.Errorf("arn = %q", arn)
	}
	// A computed list of objects gets one element, so that identity[0].oidc[0].issuer resolves.
	var ids, oidc []tftypes.Value
	if err := state["identity"].As(&ids); err != nil || len(ids) != 1 {
		t.Fatalf("identity = %v, want one element", state["identity"])
	}
	var id0, oidc0 map[string]tftypes.Value
	_ = ids[0].As(&id0)
	if err := id0["oidc"].As(&oidc); err != nil || len(oidc) != 1 {
		t.Fatalf("identity[0].oidc = %v, want one element", id0["oidc"])
	}
	_ = oidc[0].As(&oidc0)
	if !strings.HasPrefix(stringOf(oidc0["issuer"]), "fake-issuer-") {
		t.Errorf("identity[0].oidc[0].issuer = %v", oidc0["issuer"])
	}
	quietReplan(t, b, created, replanned)
}

func TestDrift(t *testing.T) {
	s := testServer(t, "aws_vpc[cidr_block=10.0.0.0/16].tags.Name=changed; aws_widget.size=3")
	b := s.schemas.resources["aws_vpc"]
	config := object(b, map[string]tftypes.Value{"cidr_block": str("10.0.0.0/16"), "tags": strMap("Name", "main")})
	created, _, _ := lifecycle(t, s, "aws_vpc", config)
	read, err := s.ReadResource(context.Background(), &tfprotov5.ReadResourceRequest{TypeName: "aws_vpc", CurrentState: created})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	got := undyn(t, b, read.NewState)
	if !got["tags"].Equal(strMap("Name", "changed")) {
		t.Errorf("tags after drift = %v", got["tags"])
	}
	// Another VPC does not match the selector.
	other, _, _ := lifecycle(t, s, "aws_vpc", object(b, map[string]tftypes.Value{"cidr_block": str("10.9.0.0/16"), "tags": strMap("Name", "x")}))
	read, _ = s.ReadResource(context.Background(), &tfprotov5.ReadResourceRequest{TypeName: "aws_vpc", CurrentState: other})
	if !undyn(t, b, read.NewState)["tags"].Equal(strMap("Name", "x")) {
		t.Errorf("drift applied to a VPC the selector does not match")
	}
	// Without the variable, Read returns the prior state.
	plain := testServer(t, "")
	read, _ = plain.ReadResource(context.Background(), &tfprotov5.ReadResourceRequest{TypeName: "aws_vpc", CurrentState: created})
	if read.NewState != created {
		t.Errorf("read without drift changed the state")
	}
	if _, err := parseDrift("aws_vpc=1"); err == nil {
		t.Errorf("a rule without a path was accepted")
	}
}

func TestDataSource(t *testing.T) {
	s := testServer(t, "")
	b := s.schemas.dataSources["aws_ec2_managed_prefix_list"]
	config := object(b, map[string]tftypes.Value{"name": str("com.amazonaws.global.cloudfront.origin-facing")})
	resp, err := s.ReadDataSource(context.Background(), &tfprotov5.ReadDataSourceRequest{TypeName: "aws_ec2_managed_prefix_list", Config: dyn(t, b, config)})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, resp.Diagnostics)
	}
	got := undyn(t, b, resp.State)
	if stringOf(got["name"]) != "com.amazonaws.global.cloudfront.origin-facing" {
		t.Errorf("name not echoed: %v", got["name"])
	}
	if id := stringOf(got["id"]); !strings.HasPrefix(id, "pl-0") {
		t.Errorf("id = %q, want pl-0…", id)
	}
	if !got["max_entries"].IsKnown() || got["max_entries"].IsNull() {
		t.Errorf("max_entries = %v", got["max_entries"])
	}
}

func TestUpgradeResourceState(t *testing.T) {
	s := testServer(t, "")
	raw := []byte(`{"id":"vpc-1","cidr_block":"10.0.0.0/16","tags":{"Name":"a"},"gone":"x"}`)
	resp, err := s.UpgradeResourceState(context.Background(), &tfprotov5.UpgradeResourceStateRequest{TypeName: "aws_vpc", RawState: &tfprotov5.RawState{JSON: raw}})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, resp.Diagnostics)
	}
	got := undyn(t, s.schemas.resources["aws_vpc"], resp.UpgradedState)
	if stringOf(got["id"]) != "vpc-1" || !got["tags"].Equal(strMap("Name", "a")) {
		t.Errorf("upgraded = %v", got)
	}
}

// TestRealSchema converts the whole extracted schema when it is there (make schema).
func TestRealSchema(t *testing.T) {
	path := os.Getenv(schemaEnv)
	if path == "" {
		path = "../../build/aws-schema.json"
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no extracted schema at %s", path)
	}
	sc, err := loadSchemas(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.resources) < 1000 || sc.resources["aws_vpc"] == nil || sc.dataSources["aws_ec2_managed_prefix_list"] == nil {
		t.Fatalf("%d resources", len(sc.resources))
	}
	for name, b := range sc.resources {
		if b.proto() == nil {
			t.Fatalf("%s: no schema", name)
		}
	}
}

// ACM plans one validation option per distinct name with domain_name known (what the real
// provider's plan does, so for_each keyed on it plans on the first apply), and apply fills the
// records in ACM's shape.
func TestACMValidationOptions(t *testing.T) {
	s := testServer(t, "")
	configure(t, s)
	b := s.schemas.resources["aws_acm_certificate"]
	sans := tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str("*.dev.example.com"), str("dev.example.com")})
	config := object(b, map[string]tftypes.Value{"domain_name": str("dev.example.com"), "subject_alternative_names": sans, "validation_method": str("DNS")})
	created, replanned, planned := lifecycle(t, s, "aws_acm_certificate", config)

	var dvos []tftypes.Value
	if err := planned["domain_validation_options"].As(&dvos); err != nil || len(dvos) != 2 {
		t.Fatalf("planned domain_validation_options = %v, want 2 elements", planned["domain_validation_options"])
	}
	for i, want := range []string{"*.dev.example.com", "dev.example.com"} {
		var attrs map[string]tftypes.Value
		_ = dvos[i].As(&attrs)
		if stringOf(attrs["domain_name"]) != want || attrs["resource_record_name"].IsKnown() {
			t.Errorf("planned element %d = %v, want domain_name %s and an unknown record", i, dvos[i], want)
		}
	}
	state := undyn(t, b, created)
	_ = state["domain_validation_options"].As(&dvos)
	var attrs map[string]tftypes.Value
	_ = dvos[1].As(&attrs)
	if n := stringOf(attrs["resource_record_name"]); !strings.HasPrefix(n, "_") || !strings.HasSuffix(n, ".dev.example.com.") {
		t.Errorf("resource_record_name = %q", n)
	}
	if stringOf(attrs["resource_record_type"]) != "CNAME" || !strings.HasSuffix(stringOf(attrs["resource_record_value"]), ".acm-validations.aws.") {
		t.Errorf("record = %v", attrs)
	}
	quietReplan(t, b, created, replanned)

	// No SANs (a null list, planned unknown): the domain name alone.
	alone := object(b, map[string]tftypes.Value{"domain_name": str("x.example.com"), "validation_method": str("DNS")})
	_, _, planned = lifecycle(t, s, "aws_acm_certificate", alone)
	if err := planned["domain_validation_options"].As(&dvos); err != nil || len(dvos) != 1 {
		t.Errorf("planned domain_validation_options without SANs = %v, want 1 element", planned["domain_validation_options"])
	}

	// EMAIL validation: no DNS records to plan.
	email := object(b, map[string]tftypes.Value{"domain_name": str("a.example.com"), "validation_method": str("EMAIL")})
	_, _, planned = lifecycle(t, s, "aws_acm_certificate", email)
	if planned["domain_validation_options"].IsKnown() {
		t.Errorf("EMAIL validation plans %v", planned["domain_validation_options"])
	}
}

// A change of an argument the real provider forces a new object for (aws_vpc.cidr_block) is
// planned as a replacement; a tag change is not.
func TestRequiresReplace(t *testing.T) {
	s := testServer(t, "")
	configure(t, s)
	b := s.schemas.resources["aws_vpc"]
	config := object(b, map[string]tftypes.Value{"cidr_block": str("10.0.0.0/16"), "tags": strMap("Name", "main")})
	created, _, _ := lifecycle(t, s, "aws_vpc", config)
	state, _ := created.Unmarshal(b.objectType())
	replan := func(c tftypes.Value) []*tftypes.AttributePath {
		resp, err := s.PlanResourceChange(context.Background(), &tfprotov5.PlanResourceChangeRequest{TypeName: "aws_vpc",
			PriorState: created, ProposedNewState: dyn(t, b, proposedNew(b, c, state)), Config: dyn(t, b, c)})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("plan: %v %v", err, resp.Diagnostics)
		}
		return resp.RequiresReplace
	}
	if r := replan(object(b, map[string]tftypes.Value{"cidr_block": str("10.1.0.0/16"), "tags": strMap("Name", "main")})); len(r) != 1 ||
		!r[0].Equal(tftypes.NewAttributePath().WithAttributeName("cidr_block")) {
		t.Errorf("cidr_block change: RequiresReplace = %v, want [cidr_block]", r)
	}
	if r := replan(object(b, map[string]tftypes.Value{"cidr_block": str("10.0.0.0/16"), "tags": strMap("Name", "other")})); len(r) != 0 {
		t.Errorf("tag change: RequiresReplace = %v, want none", r)
	}
}
