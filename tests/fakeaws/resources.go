package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func (s *server) resource(name string) (*block, []*tfprotov5.Diagnostic) {
	sc, diags := s.load()
	if sc == nil {
		return nil, diags
	}
	b, ok := sc.resources[name]
	if !ok {
		return nil, errDiag("unknown resource type "+name, "the schema JSON has no such resource")
	}
	return b, nil
}

func (s *server) faker(typeName string, config tftypes.Value) *faker {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &faker{typeName: typeName, seed: canon(config), region: s.region, account: s.account}
}

// UpgradeResourceState passes the stored JSON through unchanged (the schema has one version).
func (s *server) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	b, diags := s.resource(req.TypeName)
	if b == nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diags}, nil
	}
	if req.RawState == nil || req.RawState.JSON == nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: unsupported("flatmap (pre-0.12) state")}, nil
	}
	t := b.objectType()
	v, err := tftypes.ValueFromJSONWithOpts(req.RawState.JSON, t, tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true})
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: errDiag("reading the stored state of "+req.TypeName, err.Error())}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(t, v)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

// ReadResource returns the prior state, changed where EURUS_FAKEAWS_DRIFT says so.
func (s *server) ReadResource(_ context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	b, diags := s.resource(req.TypeName)
	if b == nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: diags}, nil
	}
	resp := &tfprotov5.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	if s.drift == "" || req.CurrentState == nil {
		return resp, nil
	}
	rules, err := parseDrift(s.drift)
	if err != nil {
		resp.Diagnostics = errDiag(driftEnv+" is malformed", err.Error())
		return resp, nil
	}
	t := b.objectType()
	cur, err := req.CurrentState.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	drifted, err := applyDrift(rules, req.TypeName, cur)
	if err != nil {
		resp.Diagnostics = errDiag(driftEnv+" cannot be applied to "+req.TypeName, err.Error())
		return resp, nil
	}
	dv, err := tfprotov5.NewDynamicValue(t, drifted)
	if err != nil {
		return nil, err
	}
	resp.NewState = &dv
	return resp, nil
}

// PlanResourceChange plans the proposed new state, computed nulls of new objects unknown and
// tags_all = the provider's default_tags merged with tags; a change of an argument replaceOn
// lists requires replacement (OpenTofu then plans the new object again from a null prior).
func (s *server) PlanResourceChange(_ context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	b, diags := s.resource(req.TypeName)
	if b == nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags}, nil
	}
	t := b.objectType()
	proposed, err := req.ProposedNewState.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	prior, err := req.PriorState.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	planned, err := b.plan(proposed, prior)
	if err != nil {
		return nil, err
	}
	config, err := req.Config.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	if planned, err = s.planTagsAll(b, planned, config); err != nil {
		return nil, err
	}
	if h, ok := planHooks[req.TypeName]; ok && !config.IsNull() {
		var cfg map[string]tftypes.Value
		if err := config.As(&cfg); err != nil {
			return nil, err
		}
		if planned, err = hook(planned, func(vals map[string]tftypes.Value) error { return h(vals, cfg) }); err != nil {
			return nil, err
		}
	}
	replace, err := requiresReplace(req.TypeName, b, prior, planned)
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov5.NewDynamicValue(t, planned)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PlanResourceChangeResponse{PlannedState: &dv, PlannedPrivate: req.PriorPrivate, RequiresReplace: replace}, nil
}

// planTagsAll sets tags_all (when the configuration leaves it null) to default_tags merged
// with tags, or unknown while either is unknown.
func (s *server) planTagsAll(b *block, planned, config tftypes.Value) (tftypes.Value, error) {
	a, ok := b.attrs["tags_all"]
	mapType := tftypes.Map{ElementType: tftypes.String}
	if !ok || !a.typ.Equal(mapType) || planned.IsNull() || !planned.IsKnown() {
		return planned, nil
	}
	var vals, cfg map[string]tftypes.Value
	if err := planned.As(&vals); err != nil {
		return planned, err
	}
	if err := config.As(&cfg); err != nil {
		return planned, err
	}
	if v, ok := cfg["tags_all"]; ok && !v.IsNull() {
		return planned, nil
	}
	s.mu.Lock()
	var merged map[string]tftypes.Value
	if s.defaultTags != nil {
		merged = map[string]tftypes.Value{}
		for k, v := range s.defaultTags {
			merged[k] = v
		}
	}
	s.mu.Unlock()
	merged = mergeTags(merged, config, "tags") // planned tags may be unknown (computed) on create
	if merged == nil {
		vals["tags_all"] = tftypes.NewValue(mapType, tftypes.UnknownValue)
	} else {
		vals["tags_all"] = tftypes.NewValue(mapType, merged)
	}
	return tftypes.NewValue(planned.Type(), vals), nil
}

// ApplyResourceChange fills the planned unknowns with deterministic fake values; a planned
// null (destroy) is returned as is.
func (s *server) ApplyResourceChange(_ context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	b, diags := s.resource(req.TypeName)
	if b == nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diags}, nil
	}
	t := b.objectType()
	planned, err := req.PlannedState.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	if planned.IsNull() {
		return &tfprotov5.ApplyResourceChangeResponse{NewState: req.PlannedState}, nil
	}
	config, err := req.Config.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	f := s.faker(req.TypeName, config)
	if h, ok := applyHooks[req.TypeName]; ok {
		if planned, err = hook(planned, func(vals map[string]tftypes.Value) error { return h(f, vals) }); err != nil {
			return nil, err
		}
	}
	applied, err := f.fill(planned)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: errDiag("filling computed values", err.Error())}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(t, applied)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ApplyResourceChangeResponse{NewState: &dv, Private: req.PlannedPrivate}, nil
}

// ReadDataSource echoes the configuration with every computed attribute filled.
func (s *server) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	sc, diags := s.load()
	if sc == nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diags}, nil
	}
	b, ok := sc.dataSources[req.TypeName]
	if !ok {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: errDiag("unknown data source "+req.TypeName, "the schema JSON has no such data source")}, nil
	}
	t := b.objectType()
	config, err := req.Config.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	marked, err := b.plan(config, tftypes.NewValue(t, nil))
	if err != nil {
		return nil, err
	}
	state, err := s.faker(req.TypeName, config).fill(marked)
	if err != nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: errDiag("filling computed values", fmt.Sprint(err))}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(t, state)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ReadDataSourceResponse{State: &dv}, nil
}
