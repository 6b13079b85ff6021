package main

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// defaultAccount is the account in ARNs when the provider block has no allowed_account_ids.
const defaultAccount = "123456789012"

// server implements tfprotov5.ProviderServer. It keeps no state of its own beyond the
// provider configuration: every resource lives in OpenTofu's state only.
type server struct {
	schemaPath string
	drift      string

	once    sync.Once
	schemas *schemas
	loadErr error

	mu          sync.Mutex
	region      string
	account     string
	defaultTags map[string]tftypes.Value // provider default_tags.tags; nil when unknown
}

func newServer(schemaPath, drift string) *server {
	return &server{schemaPath: schemaPath, drift: drift, region: "us-east-1", account: defaultAccount,
		defaultTags: map[string]tftypes.Value{}}
}

func (s *server) load() (*schemas, []*tfprotov5.Diagnostic) {
	s.once.Do(func() { s.schemas, s.loadErr = loadSchemas(s.schemaPath) })
	if s.loadErr != nil {
		return nil, errDiag("the fake aws provider cannot load its schema", s.loadErr.Error())
	}
	return s.schemas, nil
}

func errDiag(summary, detail string) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{Severity: tfprotov5.DiagnosticSeverityError, Summary: summary, Detail: detail}}
}

func unsupported(what string) []*tfprotov5.Diagnostic {
	return errDiag(what+" is not supported by the fake aws provider",
		"tests/fakeaws emulates create, read, update and delete only (see tests/fakeaws/README.md)")
}

func (s *server) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	sc, diags := s.load()
	resp := &tfprotov5.GetMetadataResponse{Diagnostics: diags}
	if sc == nil {
		return resp, nil
	}
	for _, name := range sortedKeys(sc.resources) {
		resp.Resources = append(resp.Resources, tfprotov5.ResourceMetadata{TypeName: name})
	}
	for _, name := range sortedKeys(sc.dataSources) {
		resp.DataSources = append(resp.DataSources, tfprotov5.DataSourceMetadata{TypeName: name})
	}
	return resp, nil
}

func (s *server) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	sc, diags := s.load()
	resp := &tfprotov5.GetProviderSchemaResponse{Diagnostics: diags}
	if sc == nil {
		return resp, nil
	}
	resp.Provider = &tfprotov5.Schema{Block: sc.provider.proto()}
	resp.ResourceSchemas = map[string]*tfprotov5.Schema{}
	for name, b := range sc.resources {
		resp.ResourceSchemas[name] = &tfprotov5.Schema{Block: b.proto()}
	}
	resp.DataSourceSchemas = map[string]*tfprotov5.Schema{}
	for name, b := range sc.dataSources {
		resp.DataSourceSchemas[name] = &tfprotov5.Schema{Block: b.proto()}
	}
	resp.Functions = map[string]*tfprotov5.Function{}
	resp.EphemeralResourceSchemas = map[string]*tfprotov5.Schema{}
	return resp, nil
}

func (s *server) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

func (s *server) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

// ConfigureProvider reads region, allowed_account_ids[0] and default_tags.tags; the rest of
// the provider block (credentials, assume_role, endpoints …) is accepted and ignored.
func (s *server) ConfigureProvider(_ context.Context, req *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	sc, diags := s.load()
	if sc == nil {
		return &tfprotov5.ConfigureProviderResponse{Diagnostics: diags}, nil
	}
	cfg, err := req.Config.Unmarshal(sc.provider.objectType())
	if err != nil {
		return &tfprotov5.ConfigureProviderResponse{Diagnostics: errDiag("reading the provider configuration", err.Error())}, nil
	}
	var vals map[string]tftypes.Value
	if err := cfg.As(&vals); err != nil {
		return &tfprotov5.ConfigureProviderResponse{Diagnostics: errDiag("reading the provider configuration", err.Error())}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := stringOf(vals["region"]); r != "" {
		s.region = r
	}
	var ids []tftypes.Value
	if v, ok := vals["allowed_account_ids"]; ok && v.IsKnown() && !v.IsNull() && v.As(&ids) == nil && len(ids) > 0 {
		if a := stringOf(ids[0]); a != "" {
			s.account = a
		}
	}
	s.defaultTags = map[string]tftypes.Value{}
	var blocks []tftypes.Value
	if v, ok := vals["default_tags"]; ok {
		if !v.IsKnown() {
			s.defaultTags = nil
		} else if !v.IsNull() && v.As(&blocks) == nil {
			for _, b := range blocks {
				s.defaultTags = mergeTags(s.defaultTags, b, "tags")
			}
		}
	}
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

// mergeTags adds the map attribute `name` of object obj to tags; nil (unknown) stays nil and
// an unknown map makes the result unknown.
func mergeTags(tags map[string]tftypes.Value, obj tftypes.Value, name string) map[string]tftypes.Value {
	if tags == nil || !obj.IsKnown() {
		return nil
	}
	if obj.IsNull() {
		return tags
	}
	var vals map[string]tftypes.Value
	if obj.As(&vals) != nil {
		return tags
	}
	m, ok := vals[name]
	if !ok || m.IsNull() {
		return tags
	}
	if !m.IsKnown() {
		return nil
	}
	var kv map[string]tftypes.Value
	if m.As(&kv) != nil {
		return nil
	}
	for k, v := range kv {
		if !v.IsKnown() {
			return nil
		}
		tags[k] = v
	}
	return tags
}

func (s *server) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

func (s *server) ValidateResourceTypeConfig(context.Context, *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	return &tfprotov5.ValidateResourceTypeConfigResponse{}, nil
}

func (s *server) ValidateDataSourceConfig(context.Context, *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	return &tfprotov5.ValidateDataSourceConfigResponse{}, nil
}

func (s *server) ImportResourceState(context.Context, *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: unsupported("import")}, nil
}

func (s *server) MoveResourceState(context.Context, *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: unsupported("moving state between resource types")}, nil
}

func (s *server) UpgradeResourceIdentity(context.Context, *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: unsupported("resource identity")}, nil
}

func (s *server) GenerateResourceConfig(context.Context, *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: unsupported("generating configuration")}, nil
}

func (s *server) CallFunction(context.Context, *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{Text: "provider functions are not supported by the fake aws provider"}}, nil
}

func (s *server) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{Functions: map[string]*tfprotov5.Function{}}, nil
}

func (s *server) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (s *server) OpenEphemeralResource(context.Context, *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (s *server) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{Diagnostics: unsupported("ephemeral resources")}, nil
}

func (s *server) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{}, nil
}
